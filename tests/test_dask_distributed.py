"""Training on dask.distributed: a ``LocalCluster`` on this machine, with threads and with
processes, trains a logistic regression and a small MLP on data split into 8 chunks, and
ends at the numpy backend's parameters. Tensors and the task graphs autodiff builds
pickle, as the workers need.

Losses are ``binary_cross_entropy_with_logits`` and a log-softmax written out, which
stay on the ops the dask backend runs lazily."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autodiff as ad
import autodiff.nn as nn
import autodiff.nn.functional as F
from autodiff.optim import SGD, Adam
from autodiff.utils.data import DataLoader, TensorDataset

dask = pytest.importorskip("dask", reason="dask is not installed (the dask extra)")
da = pytest.importorskip("dask.array", reason="dask is not installed (the dask extra)")
distributed = pytest.importorskip("distributed",
                                  reason="dask.distributed is not installed (the dask extra)")
cloudpickle = pytest.importorskip("cloudpickle", reason="cloudpickle comes with distributed")

from dask_helpers import CountComputes  # noqa: E402

CHUNKS, CHUNK_ROWS, FEATURES = 8, 64, 10
ROWS = CHUNKS * CHUNK_ROWS


@pytest.fixture(scope="module", params=["threads", "processes"])
def cluster_client(request):
    """One cluster per mode for the module: threads in this process, or two worker
    processes of one thread each."""
    if request.param == "threads":
        options = {"processes": False, "n_workers": 1, "threads_per_worker": 2}
    else:
        options = {"processes": True, "n_workers": 2, "threads_per_worker": 1}
    with distributed.LocalCluster(dashboard_address=None, **options) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture
def client(cluster_client):
    """The cluster as the scheduler of every dask call in the test (whatever the suite's
    default scheduler is)."""
    with dask.config.set(scheduler=cluster_client), cluster_client.as_current():
        yield cluster_client


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(19)
    x = rng.normal(size=(ROWS, FEATURES))
    coef = rng.normal(size=FEATURES)
    y = (x @ coef + 0.5 * rng.normal(size=ROWS) > 0).astype(np.float64)
    return x, y


def _on(backend: str, *arrays: np.ndarray) -> list[ad.Tensor]:
    if backend == "dask":
        return [ad.tensor(da.from_array(a, chunks=(CHUNK_ROWS,) + a.shape[1:]))
                for a in arrays]
    return [ad.tensor(a) for a in arrays]


def _logistic(backend: str, steps: int = 5) -> ad.Tensor:
    x, y = _on(backend, *_data())
    w = ad.zeros(FEATURES, dtype=ad.float64, backend=backend, requires_grad=True)
    b = ad.zeros(1, dtype=ad.float64, backend=backend, requires_grad=True)
    opt = SGD([w, b], lr=0.5, momentum=0.5)
    for _ in range(steps):  # full-batch steps: each streams all 8 chunks
        opt.zero_grad()
        F.binary_cross_entropy_with_logits(x @ w + b, y).backward()
        opt.step()
    return w, b


def _held_keys(client) -> set:
    return set().union(*client.has_what().values())


def test_logistic_regression_on_a_cluster_matches_numpy(client):
    w, b = _logistic("dask")
    distributed.wait([w._array, b._array])  # a persist on a cluster returns at once
    # the step persisted the parameters on the cluster: their chunks live on a worker
    assert w._array.__dask_keys__()[0] in _held_keys(client)
    assert len(w._array.dask) == 1
    expected = ad.compute(*_logistic("numpy"))
    for got, want in zip(ad.compute(w, b), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _mlp_loss(model: nn.Module, x: ad.Tensor, y_onehot: ad.Tensor) -> ad.Tensor:
    log_probs = F.log_softmax(model(x), dim=1)
    return -(log_probs * y_onehot).sum(axis=1).mean()


def test_an_mlp_trained_chunk_by_chunk_on_a_cluster_matches_numpy(client):
    x_np, y_np = _data()
    onehot = np.stack([1 - y_np, y_np], axis=1)
    ad.manual_seed(0)
    reference = nn.Sequential(nn.Linear(FEATURES, 16), nn.Tanh(), nn.Linear(16, 2)).double()
    model = copy.deepcopy(reference).to(backend="dask")
    results = []
    for net, backend in ((reference, "numpy"), (model, "dask")):
        x, y = _on(backend, x_np, onehot)
        opt = Adam(net.parameters(), lr=0.02)
        for bx, by in DataLoader(TensorDataset(x, y), batch_size=CHUNK_ROWS):  # 8 steps
            opt.zero_grad()
            _mlp_loss(net, bx, by).backward()
            opt.step()
        results.append(ad.compute(*net.parameters()))
    assert all(len(p._array.dask) == 1 for p in model.parameters())
    for got, want in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_the_task_graph_of_a_backward_pass_pickles_and_runs_on_the_workers(client):
    x, y = _on("dask", *_data())
    w = ad.zeros(FEATURES, dtype=ad.float64, backend="dask", requires_grad=True)
    F.binary_cross_entropy_with_logits(x @ w, y).backward()
    grad = w.grad._array  # forward and backward: one lazy task graph over the 8 chunks
    assert len(grad.dask) > CHUNKS
    shipped = cloudpickle.loads(cloudpickle.dumps(grad))
    got = client.compute(shipped).result()
    x_np, y_np = _data()
    expected = x_np.T @ (0.5 - y_np) / ROWS  # the gradient at w = 0
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_tensors_pickle_with_their_flags_and_values_and_a_lazy_one_stays_lazy():
    w = ad.tensor([1.0, -2.0], requires_grad=True)
    back = pickle.loads(pickle.dumps(w))
    assert back.requires_grad and back.is_leaf and back.tolist() == [1.0, -2.0]
    lazy = ad.tensor(da.from_array(np.arange(8.0).reshape(4, 2), chunks=(2, 2)))
    with CountComputes() as counter:
        lazy_back = pickle.loads(pickle.dumps(lazy))
        assert counter.count == 0
    assert lazy_back._backend.name == "dask" and isinstance(lazy_back._array, da.Array)
    assert lazy_back._array.chunks == ((2, 2), (2,))
    np.testing.assert_array_equal(ad.compute(lazy_back)[0], np.arange(8.0).reshape(4, 2))

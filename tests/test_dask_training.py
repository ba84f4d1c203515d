"""Training on dask: optimizer steps keep the parameters' task graphs bounded (each step
persists them), a hand-written update does with ``ad.persist``, and a ``DataLoader``
over dask tensors hands out lazy batches, one chunk each when the batch size matches.

Losses are written with ``binary_cross_entropy_with_logits`` and a hand-written
log-softmax, which stay on the ops the dask backend runs lazily."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autodiff as ad
import autodiff.nn as nn
import autodiff.nn.functional as F
from autodiff.optim import LBFGS, SGD, Adam, AdamW
from autodiff.utils.data import DataLoader, TensorDataset

da = pytest.importorskip("dask.array", reason="dask is not installed (the dask extra)")

from dask_helpers import CountComputes  # noqa: E402

ROWS, CHUNK = 64, 16


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(ROWS, 3))
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.normal(size=ROWS) > 0).astype(float)
    return x, y


def _on(backend: str, *arrays: np.ndarray) -> list[ad.Tensor]:
    if backend == "dask":
        return [ad.tensor(da.from_array(a, chunks=(CHUNK,) + a.shape[1:])) for a in arrays]
    return [ad.tensor(a) for a in arrays]


def _graph_size(t: ad.Tensor) -> int:
    return len(t._array.dask)


OPTIMIZERS = [
    pytest.param(SGD, {"lr": 0.5}, id="sgd"),
    pytest.param(SGD, {"lr": 0.2, "momentum": 0.9, "nesterov": True}, id="sgd-nesterov"),
    pytest.param(Adam, {"lr": 0.1}, id="adam"),
    pytest.param(AdamW, {"lr": 0.1, "amsgrad": True}, id="adamw-amsgrad"),
]


def _train_logistic(backend: str, opt_cls: type, options: dict, steps: int = 20
                    ) -> tuple[np.ndarray, list[int]]:
    x, y = _on(backend, *_data())
    w = ad.zeros(3, dtype=ad.float64, backend=backend, requires_grad=True)
    opt = opt_cls([w], **options)
    sizes = []
    for _ in range(steps):
        opt.zero_grad()
        F.binary_cross_entropy_with_logits(x @ w, y).backward()
        opt.step()
        if backend == "dask":
            state = [v for v in opt.state[w].values() if isinstance(v, ad.Tensor)
                     and v._backend.lazy]
            sizes.append(max(_graph_size(t) for t in [w, *state]))
    return ad.compute(w)[0], sizes


@pytest.mark.parametrize(("opt_cls", "options"), OPTIMIZERS)
def test_optimizer_steps_keep_graphs_bounded_and_match_numpy(opt_cls, options):
    on_dask, sizes = _train_logistic("dask", opt_cls, options)
    on_numpy, _ = _train_logistic("numpy", opt_cls, options)
    # persisted after every step: one task per chunk of w and of its state
    assert sizes == [1] * 20
    np.testing.assert_allclose(on_dask, on_numpy, rtol=1e-12, atol=1e-12)


def test_without_persisting_a_no_grad_update_grows_the_graph_and_persist_bounds_it():
    x, y = _on("dask", *_data())
    w = ad.zeros(3, dtype=ad.float64, backend="dask", requires_grad=True)
    sizes = []
    for step in range(6):
        w.grad = None
        F.binary_cross_entropy_with_logits(x @ w, y).backward()
        with ad.no_grad():
            w -= 0.5 * w.grad
        if step >= 3:
            ad.persist(w)
        sizes.append(_graph_size(w))
    assert sizes[0] < sizes[1] < sizes[2]  # grows with each step
    assert sizes[3:] == [1, 1, 1]  # bounded once persisted
    expected, _ = _train_logistic("numpy", SGD, {"lr": 0.5}, steps=6)
    np.testing.assert_allclose(ad.compute(w)[0], expected, rtol=1e-12)


def test_a_step_with_a_closure_persists_its_loss_in_the_same_pass():
    x, y = _on("dask", *_data())
    w = ad.zeros(3, dtype=ad.float64, backend="dask", requires_grad=True)
    opt = SGD([w], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(x @ w, y)
        loss.backward()
        return loss

    with CountComputes() as counter:
        loss = opt.step(closure)
        assert counter.count == 1  # one persist for loss, w (and nothing else)
        assert _graph_size(loss) == 1 and _graph_size(w) == 1
        assert loss.item() == pytest.approx(np.log(2.0))


def test_an_eager_backend_step_does_not_persist(monkeypatch):
    import autodiff.optim.optimizer as optimizer_module

    def refuse(*tensors):
        raise AssertionError("persist called on an eager backend")

    monkeypatch.setattr(optimizer_module, "persist", refuse)
    _train_logistic("numpy", Adam, {"lr": 0.1}, steps=2)


def test_lbfgs_on_dask_matches_numpy_with_bounded_graphs():
    results = {}
    for backend in ("numpy", "dask"):
        x, y = _on(backend, *_data())
        w = ad.zeros(3, dtype=ad.float64, backend=backend, requires_grad=True)
        opt = LBFGS([w], max_iter=4, line_search_fn="strong_wolfe")

        def closure(w=w, x=x, y=y, opt=opt):
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(x @ w, y)
            loss.backward()
            return loss

        for _ in range(2):
            opt.step(closure)
        if backend == "dask":
            assert _graph_size(w) == 1
            assert all(_graph_size(t) == 1 for t in opt.state[w]["old_dirs"])
        results[backend] = ad.compute(w)[0]
    np.testing.assert_allclose(results["dask"], results["numpy"], rtol=1e-10, atol=1e-12)


def test_dataloader_over_dask_tensors_yields_lazy_batches():
    x_np, y_np = _data()
    x, y = _on("dask", x_np, y_np)
    with CountComputes() as counter:
        loader = DataLoader(TensorDataset(x, y), batch_size=CHUNK)
        batches = list(loader)
        shuffled = list(DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True,
                                   generator=ad.Generator().manual_seed(0)))
        assert counter.count == 0
    assert len(batches) == ROWS // CHUNK and len(shuffled) == 7
    for i, (bx, by) in enumerate(batches):
        assert bx._backend.name == "dask" and bx.shape == (CHUNK, 3)
        # a batch that matches a chunk is that chunk: a slice, not a gather
        assert bx._array.chunks == ((CHUNK,), (3,))
        assert _graph_size(bx) == ROWS // CHUNK + 1  # the source chunks and one slice
        got_x, got_y = ad.compute(bx, by)
        np.testing.assert_array_equal(got_x, x_np[i * CHUNK:(i + 1) * CHUNK])
        np.testing.assert_array_equal(got_y, y_np[i * CHUNK:(i + 1) * CHUNK])
    rows = np.concatenate([ad.compute(bx)[0] for bx, _ in shuffled])
    np.testing.assert_array_equal(np.sort(rows[:, 0]), np.sort(x_np[:, 0]))


def _mlp_loss(model: nn.Module, x: ad.Tensor, y_onehot: ad.Tensor) -> ad.Tensor:
    logits = model(x)
    log_probs = F.log_softmax(logits, dim=1)
    return -(log_probs * y_onehot).sum(axis=1).mean()


def test_per_chunk_training_of_an_mlp_over_a_dataloader_matches_numpy():
    x_np, y_np = _data(1)
    onehot = np.stack([1 - y_np, y_np], axis=1)
    ad.manual_seed(0)
    reference = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2)).double()
    model = copy.deepcopy(reference).to(backend="dask")
    results = []
    for net, backend in ((reference, "numpy"), (model, "dask")):
        x, y = _on(backend, x_np, onehot)
        opt = Adam(net.parameters(), lr=0.05)
        with CountComputes() as counter:
            for _ in range(2):
                for bx, by in DataLoader(TensorDataset(x, y), batch_size=CHUNK):
                    opt.zero_grad()
                    _mlp_loss(net, bx, by).backward()
                    opt.step()
        if backend == "dask":
            assert counter.count == 2 * ROWS // CHUNK  # one persist a step, nothing more
            assert all(_graph_size(p) == 1 for p in net.parameters())
        results.append(ad.compute(*net.parameters()))
    for got, expected in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)

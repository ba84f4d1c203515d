"""The dask backend stays lazy: forward and backward build one task graph and compute
nothing until a value is asked for, and the values asked for are the numpy backend's.

A dask callback counts the computes (``dask_helpers.CountComputes``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

da = pytest.importorskip(
    "dask.array", reason="dask is not installed (pip install '.[dask]'): the dask "
    "backend's own tests need it")

from dask_helpers import CountComputes  # noqa: E402

import autodiff as ad  # noqa: E402
import autodiff.nn.functional as F  # noqa: E402
import autodiff.torch as torch  # noqa: E402


def _mlp_data(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((12, 5)), "y": rng.integers(0, 3, 12),
            "w1": rng.standard_normal((7, 5)) * 0.5, "b1": rng.standard_normal(7) * 0.1,
            "w2": rng.standard_normal((3, 7)) * 0.5, "b2": rng.standard_normal(3) * 0.1}


def _mlp_step(make: Callable[[np.ndarray, bool], ad.Tensor]
              ) -> tuple[ad.Tensor, list[ad.Tensor]]:
    """An MLP's loss and its parameters after backward, tensors made by ``make``."""
    data = _mlp_data()
    x, y = make(data["x"], False), make(data["y"], False)
    params = [make(data[name], True) for name in ("w1", "b1", "w2", "b2")]
    hidden = F.relu(F.linear(x, params[0], params[1]))
    logits = F.linear(hidden, params[2], params[3])
    loss = F.cross_entropy(logits, y) + F.log_softmax(logits, dim=1).sum() * 1e-3
    loss.backward()
    return loss, params


def _on_dask(array: np.ndarray, requires_grad: bool) -> ad.Tensor:
    # the batch in chunks of 4 rows, parameters in one chunk
    chunks = 4 if not requires_grad else -1
    return ad.tensor(da.from_array(array, chunks=chunks), requires_grad=requires_grad)


def _on_numpy(array: np.ndarray, requires_grad: bool) -> ad.Tensor:
    return ad.tensor(array, requires_grad=requires_grad, backend="numpy")


def test_mlp_forward_and_backward_compute_nothing() -> None:
    with CountComputes() as counter:
        loss, params = _mlp_step(_on_dask)
        assert counter.count == 0
        assert loss.backend == "dask" and all(p.grad is not None for p in params)
        assert all(isinstance(p.grad._array, da.Array) for p in params)
        values = ad.compute(loss, *(p.grad for p in params))
        assert counter.count == 1
    want_loss, want_params = _mlp_step(_on_numpy)
    np.testing.assert_allclose(values[0], want_loss.detach().numpy(), rtol=1e-12)
    for got, param in zip(values[1:], want_params, strict=True):
        np.testing.assert_allclose(got, param.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_values_asked_for_are_numpys() -> None:
    loss, params = _mlp_step(_on_dask)
    want_loss, want_params = _mlp_step(_on_numpy)
    assert loss.item() == pytest.approx(want_loss.item(), rel=1e-12)
    np.testing.assert_allclose(params[0].grad.numpy(), want_params[0].grad.numpy(),
                               rtol=1e-10, atol=1e-14)
    # printing computes; it shows the backend, as PyTorch shows a device
    assert repr(params[1].grad) == repr(want_params[1].grad).replace(
        "dtype=", "backend='dask', dtype=")
    assert str(loss.detach()) == str(want_loss.detach()).replace(
        "dtype=", "backend='dask', dtype=")
    assert params[3].grad.tolist() == pytest.approx(want_params[3].grad.tolist())


def _gather(make: Callable[[np.ndarray, bool], ad.Tensor]) -> tuple[ad.Tensor, ad.Tensor]:
    x = make(np.arange(12.0).reshape(6, 2), True)
    idx = make(np.array([0, 3, 3, 5, 0, 0]), False)
    out = x[idx]
    (out * out).sum().backward()
    return out, x


def test_gather_forward_and_backward_compute_nothing() -> None:
    with CountComputes() as counter:
        out, x = _gather(lambda a, g: ad.tensor(da.from_array(a, chunks=2),
                                                requires_grad=g))
        assert counter.count == 0
        got_out, got_grad = ad.compute(out, x.grad)
        assert counter.count == 1
    want_out, want_x = _gather(_on_numpy)
    np.testing.assert_array_equal(got_out, want_out.detach().numpy())
    np.testing.assert_array_equal(got_grad, want_x.grad.numpy())


def test_sort_and_max_backward_stay_lazy() -> None:
    # their backward takes along an axis: take_along_axis, filled in for dask
    data = np.random.default_rng(1).standard_normal((4, 6))
    with CountComputes() as counter:
        x = ad.tensor(da.from_array(data, chunks=(2, 3)), requires_grad=True)
        values, _ = torch.sort(x, dim=1)
        best, _ = torch.max(x, 1)
        ((values * ad.arange(6.0, backend="dask")).sum() + best.sum()).backward()
        assert counter.count == 0
        (grad,) = ad.compute(x.grad)
    want = ad.tensor(data, requires_grad=True, backend="numpy")
    want_values, _ = torch.sort(want, dim=1)
    want_best, _ = torch.max(want, 1)
    ((want_values * ad.arange(6.0, backend="numpy")).sum() + want_best.sum()).backward()
    np.testing.assert_allclose(grad, want.grad.numpy())


def test_persist_keeps_a_parameters_graph_at_one_layer() -> None:
    w = ad.tensor(da.from_array(np.ones(4), chunks=2), requires_grad=True)
    x = ad.tensor(da.from_array(np.arange(8.0).reshape(2, 4), chunks=1))
    for _ in range(3):
        w.grad = None
        ((x @ w) ** 2).sum().backward()
        with ad.no_grad():
            w -= 0.01 * w.grad
        assert len(w._array.__dask_graph__().layers) > 1  # the step's ops
        ad.persist(w)
        assert len(w._array.__dask_graph__().layers) == 1
    want = np.ones(4)
    xs = np.arange(8.0).reshape(2, 4)
    for _ in range(3):
        want = want - 0.01 * 2 * xs.T @ (xs @ want)
    np.testing.assert_allclose(w.detach().numpy(), want)


def test_inplace_update_on_dask() -> None:
    x = ad.tensor(da.from_array(np.arange(4.0), chunks=2))
    x.add_(1.0)
    x.mul_(2.0)
    assert isinstance(x._array, da.Array)
    assert x.tolist() == [2.0, 4.0, 6.0, 8.0]


def test_compute_and_persist_name_what_they_expected() -> None:
    with pytest.raises(TypeError, match=r"autodiff\.compute: expected tensors, got ndarray"):
        ad.compute(np.ones(2))
    with pytest.raises(TypeError, match=r"autodiff\.persist: expected tensors, got int"):
        ad.persist(3)


def test_take_along_axis_errors_are_named() -> None:
    xp = ad.tensor(da.ones(3))._backend.xp
    with pytest.raises(ValueError, match=r"take_along_axis: expected an index array with "
                                         r"the array's 2 dimensions, got 1"):
        xp.take_along_axis(da.ones((2, 2)), da.zeros(2, dtype=int), axis=1)
    with pytest.raises(ValueError, match=r"take_along_axis: axis 3 is out of range"):
        xp.take_along_axis(da.ones((2, 2)), da.zeros((2, 2), dtype=int), axis=3)


def test_mixing_dask_and_numpy_names_both() -> None:
    a = ad.tensor(da.ones(2))
    b = ad.tensor(np.ones(2), backend="numpy")
    with pytest.raises(ValueError, match=r"dask.*numpy|numpy.*dask"):
        a + b


def test_an_out_of_range_target_raises_when_the_loss_is_computed() -> None:
    # PyTorch's data-dependent check, run on each block as the graph computes: the
    # forward and backward passes compute nothing, and the value asked for raises
    logits = _on_dask(np.zeros((6, 3)), True)
    target = _on_dask(np.array([0, 1, 2, 3, 0, 1]), False)
    with CountComputes() as counter:
        loss = F.cross_entropy(logits, target)
        loss.backward()
    assert counter.count == 0
    with pytest.raises(IndexError, match=r"^Target 3 is out of bounds\.$"):
        ad.compute(loss)
    with pytest.raises(IndexError, match=r"^Target 3 is out of bounds\.$"):
        logits.grad.numpy()


def test_a_segmented_product_keeps_its_blocks() -> None:
    # scatter_reduce's product is a scan that shifts by concatenating and slicing: a
    # boundary at each joint would double the blocks at every step (to one an element:
    # 100,000 writes took minutes), so a concat of one-block inputs stays one block
    rng = np.random.default_rng(2)
    index, src = rng.integers(0, 400, 2_000), rng.uniform(0.9, 1.1, 2_000)
    x = ad.tensor(da.from_array(np.ones(400)), requires_grad=True)
    out = x.scatter_reduce(0, ad.tensor(da.from_array(index)),
                           ad.tensor(da.from_array(src)), "prod")
    assert out._array.numblocks == (1,)
    assert len(out._array.__dask_graph__()) < 500
    want = np.ones(400)
    np.multiply.at(want, index, src)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-12)
    (out * ad.arange(400.0, backend="dask")).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), want * np.arange(400.0), rtol=1e-12)


def test_an_lstm_backward_graph_grows_linearly_with_the_steps() -> None:
    # the LSTM layer's backward wrote each step's gate gradients into one buffer: on
    # immutable arrays each write made a new array holding the writes before it, a
    # graph quadratic in the steps (a 64-character window took minutes)
    def tasks(steps: int) -> int:
        with ad.use_backend("dask"):
            lstm = torch.nn.LSTM(3, 4, batch_first=True)
            x = ad.ones(2, steps, 3, requires_grad=True)
            out, _ = lstm(x)
        out.sum().backward()
        return len(lstm.weight_hh_l0.grad._array.__dask_graph__())

    assert tasks(32) < 5 * tasks(8)

"""``autodiff.nn.utils``: gradient clipping and parameter vectors against numpy
references, PyTorch's errors and warnings, and PyTorch itself as an optional oracle."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autodiff as ad
from autodiff.nn import utils

SHAPES = [(3, 4), (5,), (2, 3, 2), ()]


def _np(t: ad.Tensor) -> np.ndarray:
    return np.array(t.detach().numpy())  # a copy: in-place clipping must not reach it


def _params(seed: int = 0, scale: float = 1.0) -> tuple[list[ad.Tensor], list[np.ndarray]]:
    """Parameters with float64 gradients, and those gradients in numpy."""
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(shape) * scale for shape in SHAPES]
    params = []
    for g in grads:
        p = ad.zeros(g.shape, dtype=ad.float64, requires_grad=True)
        p.grad = ad.asarray(g.copy())
        params.append(p)
    return params, grads


def _norm(grads: list[np.ndarray], p: float) -> float:
    flat = np.concatenate([g.reshape(-1) for g in grads])
    if p == math.inf:
        return float(np.abs(flat).max())
    if p == -math.inf:
        return float(np.abs(flat).min())
    if p == 0:
        return float((flat != 0).sum())
    return float((np.abs(flat) ** p).sum() ** (1 / p))


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm(backend: str, norm_type: float, max_norm: float) -> None:
    params, grads = _params()
    p = float(norm_type)
    total = utils.clip_grad_norm_(params, max_norm, norm_type)
    assert isinstance(total, ad.Tensor) and total.shape == () and total.dtype == ad.float64
    expected_total = _norm(grads, p)
    assert float(total) == pytest.approx(expected_total, rel=1e-12)
    coef = min(max_norm / (expected_total + 1e-6), 1.0)
    for param, g in zip(params, grads, strict=True):
        np.testing.assert_allclose(_np(param.grad), g * coef, rtol=1e-12)
    if max_norm < expected_total:
        assert _norm([_np(q.grad) for q in params], p) == pytest.approx(max_norm, rel=1e-5)


def test_clip_grad_norm_takes_one_tensor_a_generator_and_skips_missing_grads(
        backend: str) -> None:
    params, grads = _params()
    params[1].grad = None
    total = utils.clip_grad_norm_(iter(p for p in params), 1.0)  # read twice, inside
    kept = [g for i, g in enumerate(grads) if i != 1]
    assert float(total) == pytest.approx(_norm(kept, 2), rel=1e-12)
    assert params[1].grad is None
    np.testing.assert_allclose(_np(params[0].grad), kept[0] / (_norm(kept, 2) + 1e-6))
    single, (g,) = ([params[0]], [_np(params[0].grad)])
    total = utils.clip_grad_norm_(single[0], 1e-3)
    assert float(total) == pytest.approx(np.linalg.norm(g), rel=1e-12)


def test_clip_grad_norm_without_gradients(backend: str) -> None:
    total = utils.clip_grad_norm_([ad.zeros(2, requires_grad=True)], 1.0)
    assert float(total) == 0.0 and total.shape == ()
    assert float(utils.clip_grad_norm_([], 1.0)) == 0.0
    with pytest.warns(UserWarning, match="`parameters` is an empty generator, no gradient "
                                         "clipping will occur."):
        utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_nonfinite(backend: str) -> None:
    for bad in (math.nan, math.inf):
        params, grads = _params()
        params[0].grad[0, 0] = bad
        with pytest.raises(RuntimeError, match=r"The total norm of order 2.0 for gradients "
                                               r"from `parameters` is non-finite, so it cannot "
                                               r"be clipped. To disable this error and scale "
                                               r"the gradients by the non-finite norm anyway, "
                                               r"set `error_if_nonfinite=False`"):
            utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
        np.testing.assert_array_equal(_np(params[1].grad), grads[1])  # nothing was touched
        with warnings.catch_warnings():  # numpy's "invalid value" for inf * 0: expected
            warnings.simplefilter("ignore", RuntimeWarning)
            total = utils.clip_grad_norm_(params, 1.0)  # scaled by the non-finite norm
        assert not math.isfinite(float(total))
    with pytest.raises(RuntimeError, match="order inf for gradients"):
        utils.clip_grad_norm_(params, 1.0, norm_type="inf", error_if_nonfinite=True)


def test_clipping_records_nothing_and_bumps_versions(backend: str) -> None:
    w = ad.tensor([3.0, 4.0], requires_grad=True)
    (w * w).sum().backward(create_graph=True)  # a gradient with history of its own
    assert w.grad is not None
    before = w.grad._version
    total = utils.clip_grad_norm_([w], 1.0)
    assert total.grad_fn is None and not total.requires_grad
    assert w.grad._version > before
    np.testing.assert_allclose(_np(w.grad), [0.6, 0.8], rtol=1e-6)


def test_mixed_dtypes(backend: str) -> None:
    a = ad.zeros(2, requires_grad=True)
    a.grad = ad.tensor([3.0, 0.0])
    b = ad.zeros(1, dtype=ad.float64, requires_grad=True)
    b.grad = ad.tensor([4.0], dtype=ad.float64)
    total = utils.clip_grad_norm_([a, b], 1.0)
    assert float(total) == pytest.approx(5.0)
    assert a.grad.dtype == ad.float32 and b.grad.dtype == ad.float64
    np.testing.assert_allclose(_np(a.grad), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(_np(b.grad), [0.8], rtol=1e-6)


def test_get_total_norm_and_clip_grads_with_norm(backend: str) -> None:
    params, grads = _params()
    total = utils.get_total_norm([p.grad for p in params], 3.0)
    assert float(total) == pytest.approx(_norm(grads, 3.0), rel=1e-12)
    assert float(utils.get_total_norm(params[0].grad, 1)) == pytest.approx(
        np.abs(grads[0]).sum(), rel=1e-12)
    assert float(utils.get_total_norm([])) == 0.0
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.get_total_norm([ad.tensor([math.nan])], error_if_nonfinite=True)
    utils.clip_grads_with_norm_(params, 2.0, total)
    for param, g in zip(params, grads, strict=True):
        np.testing.assert_allclose(_np(param.grad), g * 2.0 / (float(total) + 1e-6),
                                   rtol=1e-12)
    utils.clip_grads_with_norm_(params[0], 1.0, 1e-9)  # a plain number, within bounds
    utils.clip_grads_with_norm_([ad.zeros(2)], 1.0, total)  # no gradients: nothing to do


def test_clip_grad_value(backend: str) -> None:
    params, grads = _params(scale=3.0)
    params[2].grad = None
    assert utils.clip_grad_value_(params, 1.5) is None
    for i, (param, g) in enumerate(zip(params, grads, strict=True)):
        if i == 2:
            assert param.grad is None
        else:
            np.testing.assert_array_equal(_np(param.grad), np.clip(g, -1.5, 1.5))
    utils.clip_grad_value_(params[0], 0.25, foreach=True)
    assert np.abs(_np(params[0].grad)).max() == 0.25


def test_deprecated_clip_grad_norm(backend: str) -> None:
    params, grads = _params()
    with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated in favor of"):
        total = utils.clip_grad_norm(params, 1.0)
    assert float(total) == pytest.approx(_norm(grads, 2), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        utils.clip_grad_norm_(params, 1.0)


def test_parameters_to_vector_and_back(backend: str) -> None:
    params, _ = _params()
    values = [np.arange(math.prod(p.shape), dtype=np.float64).reshape(p.shape) + i
              for i, p in enumerate(params)]
    with ad.no_grad():
        for p, v in zip(params, values, strict=True):
            p.copy_(ad.asarray(v))
            p.grad = None
    vec = utils.parameters_to_vector(params)
    expected = np.concatenate([v.reshape(-1) for v in values])
    np.testing.assert_array_equal(_np(vec), expected)
    assert vec.requires_grad  # differentiable, as PyTorch's
    (vec * ad.asarray(np.arange(expected.size, dtype=np.float64))).sum().backward()
    start = 0
    for p in params:
        n = math.prod(p.shape)
        np.testing.assert_array_equal(_np(p.grad), np.arange(start, start + n)
                                      .reshape(p.shape))
        start += n

    new = ad.asarray(-expected, dtype=ad.float64)
    new.requires_grad_()
    utils.vector_to_parameters(new, params)
    for p, v in zip(params, values, strict=True):
        np.testing.assert_array_equal(_np(p), -v)
        assert p.is_leaf and p.requires_grad and p.shape == v.shape


def test_vector_errors(backend: str) -> None:
    with pytest.raises(TypeError, match="^expected autodiff.Tensor, but got: numpy.ndarray$"):
        utils.vector_to_parameters(np.zeros(3), [ad.zeros(3)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^expected autodiff.Tensor, but got: list$"):
        utils.vector_to_parameters([0.0], [ad.zeros(1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected autodiff.Tensor parameters, but got: "
                                        "numpy.ndarray"):
        utils.parameters_to_vector([np.zeros(2)])  # type: ignore[list-item]
    from backend_helpers import OTHER_BACKEND

    mixed = [ad.zeros(2), ad.zeros(2, backend=OTHER_BACKEND[backend])]
    with pytest.raises(TypeError, match="Found two parameters on different devices, this is "
                                        "currently not supported."):
        utils.parameters_to_vector(mixed)
    with pytest.raises(TypeError, match="Found two parameters on different devices"):
        utils.vector_to_parameters(ad.zeros(4), mixed)


# -- PyTorch as an oracle ---------------------------------------------------------------

@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 0.7, 0.0, -math.inf])
def test_against_pytorch(backend: str, norm_type: float) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    _, grads = _params(seed=4, scale=2.0)
    for max_norm in (0.3, 1e3):
        ours, _ = _params(seed=4, scale=2.0)
        theirs = []
        for g in grads:
            t = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
            t.grad = torch.from_numpy(np.array(g))
            theirs.append(t)
        total = utils.clip_grad_norm_(ours, max_norm, norm_type)
        expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
        assert abs(float(total) - float(expected)) <= 1e-10 * float(expected)
        for p, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(_np(p.grad), t.grad.numpy(), rtol=1e-10, atol=1e-12)
        utils.clip_grad_value_(ours, 0.05)
        torch.nn.utils.clip_grad_value_(theirs, 0.05)
        for p, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(_np(p.grad), t.grad.numpy(), rtol=1e-10, atol=1e-12)
            assert np.abs(_np(p.grad)).max() <= 0.05
    vec = np.arange(1.0, 1 + sum(g.size for g in grads))
    utils.vector_to_parameters(ad.asarray(vec.copy()), ours)
    torch.nn.utils.vector_to_parameters(torch.from_numpy(vec.copy()), theirs)
    np.testing.assert_array_equal(_np(utils.parameters_to_vector(ours)),
                                  torch.nn.utils.parameters_to_vector(theirs).detach().numpy())
    for p, t in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(_np(p), t.detach().numpy())
    # the same non-finite error (a 0-norm counts a nan as nonzero: no error in either)
    ours[0].grad[0, 0] = math.nan
    theirs[0].grad[0, 0] = math.nan
    try:
        expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type,
                                                  error_if_nonfinite=True)
    except RuntimeError as theirs_error:
        with pytest.raises(RuntimeError) as ours_info:
            utils.clip_grad_norm_(ours, 1.0, norm_type, error_if_nonfinite=True)
        assert str(ours_info.value) == str(theirs_error)
    else:
        total = utils.clip_grad_norm_(ours, 1.0, norm_type, error_if_nonfinite=True)
        assert float(total) == float(expected)

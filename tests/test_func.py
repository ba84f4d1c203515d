"""Functional transforms (``autodiff.func``) against finite differences, closed forms and
the behaviour ``torch.func`` documents (its error texts included)."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad
from autodiff import func

F64 = ad.float64


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def _t(values: object, **kwargs: object) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), **kwargs)


def _numeric_jacobian(f: object, x0: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``f`` (numpy in, numpy out): shape out.shape + x.shape."""
    columns = []
    for index in np.ndindex(x0.shape):
        step = np.zeros_like(x0)
        step[index] = eps
        columns.append((f(x0 + step) - f(x0 - step)) / (2 * eps))  # type: ignore[operator]
    stacked = np.stack(columns, axis=-1)
    return stacked.reshape(stacked.shape[:-1] + x0.shape)


def _smooth(x: ad.Tensor) -> ad.Tensor:
    return ad.tanh(x) * ad.exp(x[0]) + x ** 3


def _smooth_np(x: np.ndarray) -> np.ndarray:
    return np.tanh(x) * np.exp(x[0]) + x ** 3


X0 = np.array([0.3, -0.7, 1.2])


# -- reverse mode ---------------------------------------------------------------------
def test_grad_matches_finite_differences(backend: str) -> None:
    g = func.grad(lambda x: _smooth(x).sum())(_t(X0))
    want = _numeric_jacobian(lambda v: _smooth_np(v).sum(), X0)
    np.testing.assert_allclose(_values(g), want, rtol=1e-6, atol=1e-8)
    assert not g.requires_grad and g.grad_fn is None  # nothing outside needs a graph


def test_grad_argnums_and_pytrees(backend: str) -> None:
    x, y = _t([1.0, 2.0]), _t([3.0, 4.0])
    gx, gy = func.grad(lambda a, b: (a * b * b).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(_values(gx), [9.0, 16.0])
    np.testing.assert_allclose(_values(gy), [6.0, 16.0])
    (gy_only,) = func.grad(lambda a, b: (a * b * b).sum(), argnums=(-1,))(x, y)
    np.testing.assert_allclose(_values(gy_only), [6.0, 16.0])
    params = {"w": x, "b": (y, y)}
    g = func.grad(lambda p: (p["w"] * p["b"][0] + p["b"][1]).sum())(params)
    assert set(g) == {"w", "b"} and isinstance(g["b"], tuple)
    np.testing.assert_allclose(_values(g["w"]), [3.0, 4.0])
    np.testing.assert_allclose(_values(g["b"][0]), [1.0, 2.0])
    np.testing.assert_allclose(_values(g["b"][1]), [1.0, 1.0])


def test_grad_of_an_unused_input_is_zero(backend: str) -> None:
    g = func.grad(lambda a, b: (b ** 2).sum())(_t([1.0, 2.0]), _t([3.0]))
    np.testing.assert_array_equal(_values(g), [0.0, 0.0])
    np.testing.assert_array_equal(_values(func.grad(lambda a: ad.ones(()))(_t([1.0]))), [0.0])


def test_has_aux_and_value(backend: str) -> None:
    x = _t([1.0, 2.0])

    def f(x: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
        return (x * x).sum(), x * 2

    g, aux = func.grad(f, has_aux=True)(x)
    np.testing.assert_allclose(_values(g), [2.0, 4.0])
    np.testing.assert_allclose(_values(aux), [2.0, 4.0])
    assert not aux.requires_grad
    (value, aux2), g2 = func.value_and_grad(f, has_aux=True)(x)
    assert value.item() == 5.0
    np.testing.assert_allclose(_values(g2), _values(g))
    g3, (value3, _) = func.grad_and_value(f, has_aux=True)(x)  # torch.func's order
    assert value3.item() == 5.0
    value4, g4 = func.value_and_grad(lambda x: (x * x).sum())(x)
    assert value4.item() == 5.0 and g4.shape == (2,)


def test_nested_grad_is_the_second_derivative(backend: str) -> None:
    x = _t(0.7)
    d2 = func.grad(func.grad(lambda x: ad.sin(x) * x ** 3))(x)
    want = -np.sin(0.7) * 0.7 ** 3 + 6 * np.cos(0.7) * 0.7 ** 2 + 6 * np.sin(0.7) * 0.7
    np.testing.assert_allclose(d2.item(), want, rtol=1e-12)
    d3 = func.grad(func.grad(func.grad(lambda x: x ** 4)))(x)
    np.testing.assert_allclose(d3.item(), 24 * 0.7, rtol=1e-12)


def test_no_perturbation_confusion(backend: str) -> None:
    # d/dx [x * d/dy (x * y)] = d/dx x**2 = 2x: the inner transform must treat the
    # outer x as a constant even though it is also the point y is evaluated at.
    x = _t(1.5)
    result = func.grad(lambda x: x * func.grad(lambda y: x * y)(x))(x)
    assert result.item() == pytest.approx(3.0)


def test_composes_with_backward_and_closures(backend: str) -> None:
    w = _t([3.0, 4.0], requires_grad=True)
    x = _t([1.0, 2.0])
    g = func.grad(lambda x: (w * x ** 2).sum())(x)  # 2 w x, differentiable in w
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(_values(w.grad), [2.0, 4.0])
    a = _t([1.0, 3.0], requires_grad=True)
    g2 = func.grad(lambda x: (x ** 3).sum())(a * 2)  # an input with a history
    g2.sum().backward()
    np.testing.assert_allclose(_values(a.grad), 2 * 6 * _values(a) * 2)
    with ad.no_grad():  # no outer graph wanted: plain values, the transform still works
        g3 = func.grad(lambda x: (w * x ** 2).sum())(x)
    assert not g3.requires_grad
    np.testing.assert_allclose(_values(g3), [6.0, 16.0])


def test_vjp(backend: str) -> None:
    x = _t(X0)
    out, vjp_fn = func.vjp(_smooth, x)
    np.testing.assert_allclose(_values(out), _smooth_np(X0))
    u = np.array([1.0, -2.0, 0.5])
    (got,) = vjp_fn(_t(u))
    np.testing.assert_allclose(_values(got), u @ _numeric_jacobian(_smooth_np, X0), rtol=1e-6)
    (again,) = vjp_fn(_t(u))  # may be called many times
    np.testing.assert_allclose(_values(again), _values(got))
    out, vjp_fn, aux = func.vjp(lambda x: (x * 2, x.sum()), x, has_aux=True)
    assert aux.item() == pytest.approx(X0.sum())
    pair_out, pair_fn = func.vjp(lambda a, b: {"p": a * b}, x, x * 0 + 2)
    ga, gb = pair_fn({"p": ad.ones(3, dtype=F64)})
    np.testing.assert_allclose(_values(ga), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(_values(gb), X0)


def test_jacrev_and_jacfwd_match_finite_differences(backend: str) -> None:
    x = _t(X0)
    want = _numeric_jacobian(_smooth_np, X0)
    np.testing.assert_allclose(_values(func.jacrev(_smooth)(x)), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(_values(func.jacfwd(_smooth)(x)), want, rtol=1e-6, atol=1e-8)
    m = _t(np.arange(6.0).reshape(2, 3) / 5)
    for transform in (func.jacrev, func.jacfwd):
        jac = transform(lambda m: ad.sin(m).sum(axis=0))(m)
        assert jac.shape == (3, 2, 3)
        np.testing.assert_allclose(
            _values(jac), _numeric_jacobian(lambda v: np.sin(v).sum(axis=0), _values(m)),
            rtol=1e-6, atol=1e-9)


def test_jacobian_structure(backend: str) -> None:
    x, y = _t([1.0, 2.0]), _t(3.0)
    for transform in (func.jacrev, func.jacfwd):
        jx, jy = transform(lambda a, b: a * b, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(_values(jx), 3.0 * np.eye(2))
        np.testing.assert_allclose(_values(jy), [1.0, 2.0])
        out = transform(lambda a: {"sq": a * a, "sum": (a.sum(),)})(x)
        assert out["sq"].shape == (2, 2) and out["sum"][0].shape == (2,)
        jac, aux = transform(lambda a: (a * 2, a + 1), has_aux=True)(x)
        np.testing.assert_allclose(_values(aux), [2.0, 3.0])


def test_hessian(backend: str) -> None:
    x = _t(X0)
    h = func.hessian(lambda x: _smooth(x).sum())(x)
    want = _numeric_jacobian(
        lambda v: _values(func.grad(lambda x: _smooth(x).sum())(_t(v))), X0)
    np.testing.assert_allclose(_values(h), want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(_values(func.jacrev(func.jacrev(lambda x: _smooth(x).sum()))(x)),
                               want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(_values(func.jacfwd(func.jacfwd(lambda x: _smooth(x).sum()))(x)),
                               want, rtol=1e-6, atol=1e-7)


def test_jvp_is_forward_mode(backend: str) -> None:
    x, v = _t(X0), _t([1.0, 0.5, -1.0])
    out, tangent = func.jvp(_smooth, (x,), (v,))
    np.testing.assert_allclose(_values(out), _smooth_np(X0))
    np.testing.assert_allclose(_values(tangent), _numeric_jacobian(_smooth_np, X0) @ _values(v),
                               rtol=1e-6)
    calls = []

    def counted(x: ad.Tensor) -> ad.Tensor:
        calls.append(1)
        return ad.sin(x)

    func.jvp(counted, (x,), (v,))
    assert len(calls) == 1  # one evaluation of f: dual numbers, not a double vjp
    out, tangent, aux = func.jvp(lambda x: (x * x, x.sum()), (x,), (v,), has_aux=True)
    np.testing.assert_allclose(_values(tangent), 2 * X0 * _values(v))


def test_errors_match_torch_func(backend: str) -> None:
    x = _t(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match=r"grad_and_value\(f\)\(\*args\): Expected f\(\*args\) "
                                           r"to return a scalar Tensor, got tensor with 2 dims. "
                                           "Maybe you wanted to use the vjp or jacrev APIs "
                                           "instead?"):
        func.grad(lambda x: x)(x)
    with pytest.raises(RuntimeError, match=r"Expected f\(\*args\) to return a Tensor, got "
                                           "<class 'tuple'>"):
        func.grad(lambda x: (x.sum(), 1))(x)
    with pytest.raises(RuntimeError, match=r"output of function f should be a tuple: \(output, "
                                           r"aux\) if has_aux is True"):
        func.grad(lambda x: [x.sum()], has_aux=True)(x)
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        func.grad(lambda x: x.sum(), argnums=2)(x)
    with pytest.raises(RuntimeError, match=r"argnums elements must be unique, got \(0, 0\)"):
        func.grad(lambda x: x.sum(), argnums=(0, 0))(x)
    with pytest.raises(RuntimeError, match="argnums must be int or Tuple"):
        func.grad(lambda x: x.sum(), argnums=[0])(x)
    with pytest.raises(RuntimeError, match="argnums must be non-empty"):
        func.grad(lambda x: x.sum(), argnums=())(x)
    with pytest.raises(ValueError, match="Thing passed to transform API must be Tensor, got "
                                         "<class 'float'>"):
        func.grad(lambda x: x * 2)(3.0)
    with pytest.raises(RuntimeError, match="Expected pytree structure of cotangents to be the "
                                           r"same .* cotangents: \*, primal output: \(\*, \*\)"):
        func.vjp(lambda x: (x, x), x)[1](x)
    with pytest.raises(RuntimeError, match=r"vjp\(f, \*primals\): expected f\(\*primals\) to "
                                           "return only tensors, got unsupported type"):
        func.vjp(lambda x: 2.0, x)
    with pytest.raises(RuntimeError, match=r"jvp\(f, primals, tangents\): Expected primals to "
                                           "be a tuple"):
        func.jvp(lambda x: x, x, x)
    with pytest.raises(RuntimeError, match="Expected primals and tangents to have the same "
                                           "python structure"):
        func.jvp(lambda x: x, (x,), (x, x))
    with pytest.raises(RuntimeError, match="Expected tangents to only contain Tensors"):
        func.jvp(lambda x: x, (x,), (3.0,))

"""Custom differentiable operations (``autodiff.autograd.Function``) and
``autodiff.testing.gradgradcheck``, against finite differences and the behaviour
PyTorch documents for ``torch.autograd.Function`` (error texts included)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff.autograd import Function
from autodiff.autograd.function import once_differentiable
from autodiff.testing import GradcheckError, gradcheck, gradgradcheck

fwAD = ad.autograd.forward_ad


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def _leaf(values: Any) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


class Cube(Function):
    @staticmethod
    def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
        (x,) = ctx.saved_tensors
        return 3 * g * x ** 2

    @staticmethod
    def jvp(ctx: Any, t: ad.Tensor) -> ad.Tensor:
        (x,) = ctx.saved_tensors
        return 3 * t * x ** 2


class SinCos(Function):
    """Two outputs; its backward records how often it ran and what it received."""

    calls: list[tuple[Any, Any]] = []

    @staticmethod
    def forward(ctx: Any, x: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
        ctx.save_for_backward(x)
        return ad.sin(x), ad.cos(x)

    @staticmethod
    def backward(ctx: Any, g_sin: Any, g_cos: Any) -> ad.Tensor:
        SinCos.calls.append((g_sin, g_cos))
        (x,) = ctx.saved_tensors
        return g_sin * ad.cos(x) - g_cos * ad.sin(x)


def test_forward_backward_and_node(backend: str) -> None:
    x = _leaf([0.5, -1.5])
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    assert y.grad_fn.name() == "CubeBackward"
    assert y.grad_fn.next_functions == ((x.grad_fn or x._accumulator(), 0),)
    np.testing.assert_allclose(_values(y), [0.125, -3.375])
    assert gradcheck(Cube.apply, (x,))
    y.sum().backward()
    np.testing.assert_allclose(_values(x.grad), 3 * np.array([0.5, -1.5]) ** 2)


def test_forward_runs_without_grad_and_sees_needs_input_grad(backend: str) -> None:
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any, k: float) -> Any:
            seen["grad"] = ad.is_grad_enabled()
            seen["needs"] = ctx.needs_input_grad
            return x * y * k

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g, None, None

    out = Probe.apply(_leaf([1.0]), ad.tensor([2.0]), 3.0)
    assert seen == {"grad": False, "needs": (True, False, False)}
    assert out.grad_fn.next_functions[1] == (None, 0)  # a constant tensor: (None, 0)
    assert len(out.grad_fn.next_functions) == 2  # the Python number is not an edge
    with ad.no_grad():
        assert Probe.apply(_leaf([1.0]), ad.tensor([2.0]), 3.0).grad_fn is None


def test_saved_tensors_are_freed_after_backward(backend: str) -> None:
    x = _leaf([1.0, 2.0])
    y = Cube.apply(x)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_allclose(_values(x.grad), 2 * 3 * np.array([1.0, 4.0]))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second "
                                           "time"):
        y.grad_fn.saved_tensors  # noqa: B018
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second "
                                           "time"):
        y.sum().backward()


def test_several_outputs_one_backward_call(backend: str) -> None:
    x = _leaf([0.3, 1.1])
    s, c = SinCos.apply(x)
    assert type(s.grad_fn).__name__ == type(c.grad_fn).__name__ == "SinCosBackward"
    SinCos.calls.clear()
    loss = (s * 2).sum() + s.sum() + (c * c).sum()  # two paths reach s
    (g,) = ad.autograd.grad(loss, x)
    assert len(SinCos.calls) == 1
    g_sin, g_cos = SinCos.calls[0]
    np.testing.assert_allclose(_values(g_sin), [3.0, 3.0])
    np.testing.assert_allclose(_values(g_cos), 2 * np.cos([0.3, 1.1]))
    want = 3 * np.cos([0.3, 1.1]) - 2 * np.cos([0.3, 1.1]) * np.sin([0.3, 1.1])
    np.testing.assert_allclose(_values(g), want)
    assert gradcheck(lambda t: SinCos.apply(t), (x,))
    assert gradgradcheck(lambda t: SinCos.apply(t), (x,))


def test_missing_cotangents_are_zeros_unless_not_materialized(backend: str) -> None:
    x = _leaf([0.3])
    SinCos.calls.clear()
    SinCos.apply(x)[0].sum().backward()
    np.testing.assert_array_equal(_values(SinCos.calls[0][1]), [0.0])

    class Lazy(SinCos):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
            ctx.set_materialize_grads(False)
            return SinCos.forward(ctx, x)

        @staticmethod
        def backward(ctx: Any, g_sin: Any, g_cos: Any) -> ad.Tensor:
            SinCos.calls.append((g_sin, g_cos))
            (x,) = ctx.saved_tensors
            return g_sin * ad.cos(x)

    SinCos.calls.clear()
    Lazy.apply(x)[0].sum().backward()
    assert SinCos.calls[0][1] is None


def test_non_differentiable_and_integer_outputs(backend: str) -> None:
    received = []

    class Stats(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> Any:
            positive = (x > 0).astype(ad.int64).sum()
            doubled = x * 2
            ctx.mark_non_differentiable(doubled)
            return x.sum(), doubled, positive, "label"

        @staticmethod
        def backward(ctx: Any, g: Any, g_doubled: Any, g_positive: Any, g_label: Any) -> Any:
            received.extend([g_doubled, g_positive, g_label])
            return g * ad.ones_like(g_doubled)

    x = _leaf([1.0, -2.0])
    total, doubled, positive, label = Stats.apply(x)
    assert total.requires_grad and label == "label"
    assert not doubled.requires_grad and doubled.grad_fn is None
    assert not positive.requires_grad
    total.backward()
    np.testing.assert_array_equal(_values(x.grad), [1.0, 1.0])
    np.testing.assert_array_equal(_values(received[0]), [0.0, 0.0])
    assert received[1].dtype == ad.int64 and received[2] is None


def test_setup_context_style_and_keywords(backend: str) -> None:
    class Scale(Function):
        @staticmethod
        def forward(x: ad.Tensor, factor: float = 2.0) -> ad.Tensor:
            return x * factor

        @staticmethod
        def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
            ctx.factor = inputs[1]

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> tuple[Any, None]:
            return g * ctx.factor, None

    x = _leaf([1.0, 2.0])
    y = Scale.apply(x, factor=3.0)
    assert y.grad_fn.factor == 3.0  # ctx attributes live on the node, as in PyTorch
    y.sum().backward()
    np.testing.assert_array_equal(_values(x.grad), [3.0, 3.0])
    np.testing.assert_array_equal(_values(Scale.apply(x)), [2.0, 4.0])


def test_an_input_returned_as_is_gets_a_new_tensor(backend: str) -> None:
    class Identity(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            return x

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            return g

    x = _leaf([1.0])
    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None and y.grad_fn.name() == "IdentityBackward"


def test_broadcast_gradient_is_summed_and_cast(backend: str) -> None:
    class Broadcasting(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            return ad.ones((3, 2), dtype=ad.float32)  # broadcast from x's (2,) and float32

    x = _leaf([1.0, 2.0])
    (g,) = ad.autograd.grad(Broadcasting.apply(x).sum(), x)
    assert g.dtype == ad.float64
    np.testing.assert_array_equal(_values(g), [3.0, 3.0])


def test_backward_errors_match_pytorch(backend: str) -> None:
    x = _leaf([1.0, 2.0])

    def backward_of(fn: Any, nargs: int = 1) -> Any:
        class Bad(Function):
            @staticmethod
            def forward(ctx: Any, *args: Any) -> Any:
                return args[0] * 2

            backward = staticmethod(fn)

        return lambda *args: Bad.apply(*args).sum().backward()

    with pytest.raises(RuntimeError, match=r"function BadBackward returned an incorrect number "
                                           r"of gradients \(expected 2, got 1\)"):
        backward_of(lambda ctx, g: g)(x, 2.0)
    with pytest.raises(RuntimeError, match="function BadBackward returned a gradient different "
                                           "than None at position 2, but the corresponding "
                                           "forward input was not a Variable"):
        backward_of(lambda ctx, g: (g, g))(x, 2.0)
    with pytest.raises(RuntimeError, match=r"Function BadBackward returned an invalid gradient "
                                           r"at index 0 - got \[3\] but expected shape "
                                           r"compatible with \[2\]"):
        backward_of(lambda ctx, g: ad.ones(3, dtype=ad.float64))(x)
    with pytest.raises(RuntimeError, match=r"expected Variable or None \(got float\)"):
        backward_of(lambda ctx, g: 3.0)(x)
    backward_of(lambda ctx, g: (g, None, None))(x)  # extra Nones are fine

    class NoBackward(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            return x * 2

    with pytest.raises(NotImplementedError, match="You must implement either the backward or "
                                                  "vjp method"):
        NoBackward.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward "
                                           "method is deprecated"):
        Cube()(x)

    class Both(Cube):
        @staticmethod
        def vjp(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            return g

    with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp'"):
        Both.apply(x).sum().backward()

    class SavesNumber(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            ctx.save_for_backward(3.0)
            return x

    with pytest.raises(TypeError, match="save_for_backward can only save variables, but "
                                        "argument 0 is of type float"):
        SavesNumber.apply(x)


def test_higher_order_through_a_function(backend: str) -> None:
    x = _leaf([0.5, -1.2])
    assert gradgradcheck(Cube.apply, (x,))
    (g,) = ad.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    (gg,) = ad.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(_values(gg), 6 * _values(x))

    class SavesOutput(Function):  # exp, whose backward reuses its saved output
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            y = ad.exp(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            (y,) = ctx.saved_tensors
            return g * y

    assert gradgradcheck(SavesOutput.apply, (x,))


def test_gradgradcheck_catches_a_non_differentiable_backward(backend: str) -> None:
    class Detached(Cube):
        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            (x,) = ctx.saved_tensors
            return 3 * g * (x ** 2).detach()  # right first derivative, wrong second

    x = _leaf([0.5, -1.2])
    assert gradcheck(Detached.apply, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for input 0"):
        gradgradcheck(Detached.apply, (x,))
    assert not gradgradcheck(Detached.apply, (x,), raise_exception=False)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_gradcheck_catches_a_wrong_gradient_in_either_mode(backend: str, fast_mode: bool) -> None:
    # PyTorch's fast_mode checks one random direction per input: a rule off by a few
    # percent, for one input of two, fails it as it fails the full Jacobian
    class SlightlyWrong(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
            ctx.save_for_backward(x, y)
            return x * x * y

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
            x, y = ctx.saved_tensors
            return 2 * g * x * y, 0.97 * g * x * x

    x, y = _leaf([[0.5, -1.2, 2.0]] * 2), _leaf([[1.5, 0.3, -0.7]] * 2)
    assert gradcheck(lambda a, b: a * a * b, (x, y), fast_mode=fast_mode)
    assert gradgradcheck(lambda a, b: a * a * b, (x, y), fast_mode=fast_mode)
    with pytest.raises(GradcheckError, match="Jacobian mismatch for input 1"):
        gradcheck(SlightlyWrong.apply, (x, y), fast_mode=fast_mode)


def test_once_differentiable(backend: str) -> None:
    class Square(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            assert not ad.is_grad_enabled()
            (x,) = ctx.saved_tensors
            return 2 * g * x

    x = _leaf([1.0, 2.0])
    (g,) = ad.autograd.grad(Square.apply(x).sum(), x)
    np.testing.assert_array_equal(_values(g), [2.0, 4.0])
    y = Square.apply(x)
    (g,) = ad.autograd.grad((y * y).sum(), x, create_graph=True)
    assert g.grad_fn.name() == "Error"
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was "
                                           "marked with @once_differentiable"):
        g.sum().backward()


def test_mark_dirty_and_inplace_checks(backend: str) -> None:
    class Double(Function):
        @staticmethod
        def forward(ctx: Any, x: ad.Tensor) -> ad.Tensor:
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx: Any, g: ad.Tensor) -> ad.Tensor:
            return 2 * g

    a = _leaf([1.0, 2.0])
    b = a * 1
    c = Double.apply(b)
    assert c is b and c.grad_fn.name() == "DoubleBackward"
    c.sum().backward()
    np.testing.assert_array_equal(_values(a.grad), [2.0, 2.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used "
                                           "in an in-place operation"):
        Double.apply(a)
    b = a * 1
    y = Cube.apply(b)
    b.mul_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_forward_mode_uses_jvp(backend: str) -> None:
    x, t = ad.tensor([0.5, 2.0], dtype=ad.float64), ad.tensor([1.0, -1.0], dtype=ad.float64)
    out, tangent = ad.func.jvp(Cube.apply, (x,), (t,))
    np.testing.assert_allclose(_values(tangent), 3 * np.array([0.25, 4.0]) * [1.0, -1.0])
    h = ad.func.hessian(lambda v: Cube.apply(v).sum())(x)
    np.testing.assert_allclose(_values(h), np.diag(6 * _values(x)))
    with fwAD.dual_level(), pytest.raises(NotImplementedError, match="You must implement the "
                                                                    "jvp function"):
        SinCos.apply(fwAD.make_dual(x, t))


def test_tensor_hooks_on_outputs(backend: str) -> None:
    x = _leaf([0.3])
    s, c = SinCos.apply(x)
    s.register_hook(lambda g: g * 10)
    SinCos.calls.clear()
    (s + c).sum().backward()
    np.testing.assert_allclose(_values(SinCos.calls[0][0]), [10.0])


def test_a_gradient_a_function_returns_is_never_taken_over(backend: str) -> None:
    """A custom Function's backward may return a tensor someone holds (a saved input,
    here): the leaf's .grad must be a copy, so that writing it leaves the input be."""

    class Product(ad.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return b, a  # the other input itself, as the gradient for a ones seed

    a = ad.tensor([1.0, 2.0], requires_grad=True, backend=backend)
    b = ad.tensor([3.0, 4.0], requires_grad=True, backend=backend)
    Product.apply(a, b).sum().backward()
    a.grad.add_(100.0)  # type: ignore[union-attr]
    b.grad.add_(100.0)  # type: ignore[union-attr]
    assert a.detach().tolist() == [1.0, 2.0] and b.detach().tolist() == [3.0, 4.0]
    assert a.grad.tolist() == [103.0, 104.0]  # type: ignore[union-attr]

"""Elementwise functions (Array API "Element-wise Functions"): one statement a primitive,
its vjp rules written once against ``xp`` (a backend's arrays, or autodiff's tensors)."""

from __future__ import annotations

import operator
from typing import Any

from .._dtypes import native_isdtype
from .._primitive import Op, primitive
from .._rules import positionwise, writes_into
from .._tensor import Tensor
from ._arithmetic_rules import over_right, pow_base_vjp, pow_exponent_vjp, times_left, times_right
from ._helpers import default_float_name, device_of

__all__ = ["abs", "add", "cos", "divide", "multiply", "negative", "positive", "pow", "sign",
           "sin", "sqrt", "subtract", "tanh", "where"]
#: exported functions that are not Tensor methods (PyTorch's x.where(c, y) means where(c, x, y))
NOT_METHODS = ("where",)


def _integral(xp: Any, value: Any) -> bool:
    """True for an integer or bool array or Python int."""
    if isinstance(value, (int, bool)):
        return True
    if isinstance(value, (float, complex)):
        return False
    return native_isdtype(xp, value.dtype, ("integral", "bool"))


#: the native dtype objects seen to be floating (real or complex), by ``id``: a dict
#: lookup on the hot path that neither hashes a dtype nor compares two libraries'
#: dtypes. Each entry holds its dtype, so that no other object can take its id; some
#: libraries make a dtype object per array, hence the bound.
_FLOATING: dict[int, Any] = {}
_FLOATING_LIMIT = 64
_FLOAT_KINDS = ("real floating", "complex floating")


def _floating_input(xp: Any, x: Any) -> Any:
    """``x``, or ``x`` cast to the default float dtype when it is an integer or bool array
    (PyTorch computes ``torch.exp(int_tensor)`` in the default float dtype)."""
    dtype = x.dtype
    if id(dtype) in _FLOATING:
        return x
    if native_isdtype(xp, dtype, _FLOAT_KINDS):
        if len(_FLOATING) >= _FLOATING_LIMIT:
            _FLOATING.clear()
        _FLOATING[id(dtype)] = dtype
        return x
    return xp.astype(x, default_float_name(xp))


def _into_first(op: Any) -> Any:
    """``a op= b`` for a function ``(xp, a, b)``: the in-place form ``autodiff.compile``
    may run where ``a`` dies (``writes_into``)."""
    return writes_into(1, positionwise(lambda xp, a, b: op(a, b)))


def _arithmetic(fn: Any, inplace: Any = None) -> Any:
    """The forward of a binary numeric op ``fn(xp, a, b)``: an integer or bool array
    beside a Python float is computed in the default float dtype, as PyTorch promotes
    it (the standard leaves that mix undefined). ``inplace`` is the operator that
    computes it into ``a`` (``operator.iadd``), for ``autodiff.compile``."""
    if inplace is not None:
        fn = _into_first(inplace)(fn)
    def forward(xp: Any, a: Any, b: Any) -> Any:
        # the cache lookup is inline: ``x * 0.9`` is among the commonest calls
        if type(b) is float:
            if type(a) is not float and id(a.dtype) not in _FLOATING:
                a = _floating_input(xp, a)
        elif type(a) is float and type(b) is not float and id(b.dtype) not in _FLOATING:
            b = _floating_input(xp, b)
        return fn(xp, a, b)

    forward.direct = fn  # type: ignore[attr-defined]  # what compile calls on floats alone
    return forward


def _floating(fn: Any) -> Any:
    """The forward of a unary floating-point function ``fn(xp, x)``: integer and bool
    inputs are computed in the default float dtype, as in PyTorch."""
    def forward(xp: Any, x: Any) -> Any:
        if id(x.dtype) not in _FLOATING:
            x = _floating_input(xp, x)
        return fn(xp, x)

    forward.direct = fn  # type: ignore[attr-defined]  # what compile calls on floats alone
    return forward


def _floating2(fn: Any) -> Any:
    """The forward of a binary floating-point function ``fn(xp, a, b)``: an integer or
    bool array operand becomes the other operand's float dtype (the default one when
    neither is a float array), as PyTorch promotes ``atan2(int, float32)``."""
    def forward(xp: Any, a: Any, b: Any) -> Any:
        a_int = hasattr(a, "dtype") and _integral(xp, a)
        b_int = hasattr(b, "dtype") and _integral(xp, b)
        if a_int or b_int:
            other = b if a_int else a
            dtype = other.dtype if hasattr(other, "dtype") and not (a_int and b_int) else (
                default_float_name(xp))
            if a_int:
                a = xp.astype(a, dtype)
            if b_int:
                b = xp.astype(b, dtype)
        return fn(xp, a, b)

    forward.direct = fn  # type: ignore[attr-defined]  # what compile calls on floats alone
    return forward


@_into_first(operator.itruediv)
@positionwise
def _true_divide(xp: Any, a: Any, b: Any) -> Any:
    # Integer / integer is a float in PyTorch (and undefined in the standard).
    if _integral(xp, a) and _integral(xp, b):
        if not isinstance(a, (int, bool)):
            a = xp.astype(a, default_float_name(xp))
        if not isinstance(b, (int, bool)):
            b = xp.astype(b, default_float_name(xp))
    return a / b


def _one_array(xp: Any, condition: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """``where(c, 1.0, 0.0)``: the standard needs one array among the two branches;
    make it one of the dtype PyTorch gives a Python number."""
    if hasattr(a, "dtype") or hasattr(b, "dtype"):
        return a, b
    if isinstance(a, bool) and isinstance(b, bool):
        dtype = xp.bool
    elif isinstance(a, float) or isinstance(b, float):
        dtype = default_float_name(xp)
    else:
        dtype = xp.int64
    return xp.asarray(a, dtype=dtype, device=device_of(condition)), b


def _sub_name(a: Any, b: Any) -> str:
    return "SubBackward0" if isinstance(a, Tensor) else "RsubBackward1"


def _pow_name(a: Any, b: Any) -> str:
    if not isinstance(a, Tensor):
        return "PowBackward2"
    return "PowBackward1" if isinstance(b, Tensor) else "PowBackward0"


add = primitive(
    "add", torch_name="Add",
    forward=_arithmetic(positionwise(lambda xp, a, b: a + b), operator.iadd),
    vjp=(lambda xp, g, _ans, _a, _b: g, lambda xp, g, _ans, _a, _b: g),
    jvp="linear",
    doc="""``a + b`` elementwise, broadcast; either may be a Python number (an integer tensor
    plus a Python float is computed in the default float dtype, as in PyTorch).

    >>> import autodiff as ad
    >>> ad.add(ad.tensor([1, 2]), 0.5)
    tensor([1.5000, 2.5000])
    """,
)
subtract = primitive(
    "subtract", torch_name=_sub_name,
    forward=_arithmetic(positionwise(lambda xp, a, b: a - b), operator.isub),
    vjp=(lambda xp, g, _ans, _a, _b: g, lambda xp, g, _ans, _a, _b: -g),
    jvp="linear", scalar_free_nodes=("RsubBackward1",),
    doc="""``a - b`` elementwise, broadcast; either may be a Python number
    (``1.0 - x`` records PyTorch's ``RsubBackward1``).

    >>> import autodiff as ad
    >>> x = ad.tensor([0.25, 2.0], requires_grad=True)
    >>> ad.subtract(1.0, x).sum().backward()
    >>> x.grad
    tensor([-1., -1.])
    """,
)
multiply = primitive(
    "multiply", torch_name="Mul",
    forward=_arithmetic(positionwise(lambda xp, a, b: a * b), operator.imul),
    vjp=(times_right, times_left),
    jvp="multilinear", holomorphic=True,
    doc="""``a * b`` elementwise, broadcast; either may be a Python number. Each operand's
    gradient is the upstream gradient times the other operand.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> ad.multiply(x, ad.tensor([3.0, 4.0])).sum().backward()
    >>> x.grad
    tensor([3., 4.])
    """,
)
divide = primitive(
    "divide", torch_name="Div",
    forward=_true_divide,
    # b's rule reads a and b, as PyTorch's does, not the output: a write into the
    # quotient must not invalidate it ((a / b) / b rather than a / b**2: no overflow)
    vjp=(over_right, lambda xp, g, _ans, a, b: -g * ((a / b) / b)),
    jvp="elementwise", holomorphic=True,
    doc="""``a / b`` elementwise, broadcast: true division, so integer by integer gives the
    default float dtype, as in PyTorch's ``torch.div``.

    >>> import autodiff as ad
    >>> ad.divide(ad.tensor([1, 3]), ad.tensor([2, 4]))
    tensor([0.5000, 0.7500])
    """,
)
pow = primitive(
    "pow", torch_name=_pow_name,
    forward=_arithmetic(lambda xp, a, b: a**b),
    vjp=(pow_base_vjp, pow_exponent_vjp),
    jvp="elementwise", scalar_free_nodes=("PowBackward0", "PowBackward2"), holomorphic=True,
    doc="""``a ** b`` elementwise, broadcast; either may be a Python number. As in PyTorch,
    the gradient of ``x ** 0`` is 0 everywhere (x = 0 included), and the exponent's is 0
    where the base is 0 and the exponent >= 0.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 2.0], requires_grad=True)
    >>> ad.pow(x, 3.0).sum().backward()
    >>> x.grad
    tensor([ 0., 12.])
    """,
)
negative = primitive(
    "negative", torch_name="Neg",
    forward=positionwise(lambda xp, x: -x),
    vjp=lambda xp, g, _ans, _x: -g,
    jvp="linear",
    doc="""``-x`` elementwise (PyTorch's ``torch.neg``).

    >>> import autodiff as ad
    >>> ad.negative(ad.tensor([1.0, -2.0]))
    tensor([-1.,  2.])
    """,
)
sin: Op = primitive(
    "sin", torch_name="Sin",
    forward=_floating(lambda xp, x: xp.sin(x)),
    vjp=lambda xp, g, _ans, x: g * xp.cos(x),
    jvp="elementwise", holomorphic=True,
    doc="""The sine of each element, in radians (PyTorch's ``torch.sin``); integer and bool
    inputs are computed in the default float dtype.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.sin(x).sum().backward()
    >>> x.grad
    tensor([1.0000, 0.5403])
    """,
)
cos: Op = primitive(
    "cos", torch_name="Cos",
    forward=_floating(lambda xp, x: xp.cos(x)),
    vjp=lambda xp, g, _ans, x: -g * xp.sin(x),
    jvp="elementwise", holomorphic=True,
    doc="""The cosine of each element, in radians (PyTorch's ``torch.cos``); integer and bool
    inputs are computed in the default float dtype.

    >>> import autodiff as ad
    >>> ad.cos(ad.tensor([0.0, 1.0]))
    tensor([1.0000, 0.5403])
    """,
)
tanh = primitive(
    "tanh", torch_name="Tanh",
    forward=_floating(lambda xp, x: xp.tanh(x)),
    vjp=lambda xp, g, ans, _x: g * (1.0 - ans * ans),
    jvp="elementwise", holomorphic=True,
    doc="""The hyperbolic tangent of each element (PyTorch's ``torch.tanh``); integer and
    bool inputs are computed in the default float dtype. The gradient is ``1 - tanh(x)**2``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 1.0], requires_grad=True)
    >>> ad.tanh(x)
    tensor([0.0000, 0.7616], grad_fn=<TanhBackward0>)
    """,
)
sqrt = primitive(  # at 0 the gradient is inf, as in PyTorch
    "sqrt", torch_name="Sqrt",
    forward=_floating(positionwise(lambda xp, x: xp.sqrt(x))),
    vjp=lambda xp, g, ans, _x: g / (2.0 * ans),
    jvp="elementwise", holomorphic=True,
    doc="""The square root of each element (PyTorch's ``torch.sqrt``); integer and bool
    inputs are computed in the default float dtype. At 0 the gradient is inf, as in
    PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([1.0, 4.0], requires_grad=True)
    >>> ad.sqrt(x).sum().backward()
    >>> x.grad
    tensor([0.5000, 0.2500])
    """,
)
abs = primitive(
    "abs", torch_name="Abs",
    forward=lambda xp, x: xp.abs(x),
    vjp=lambda xp, g, _ans, x: g * xp.sign(x),
    jvp="elementwise",
    doc="""The absolute value of each element (PyTorch's ``torch.abs``). Its gradient is
    ``sign(x)``, so 0 at 0, as in PyTorch.

    >>> import autodiff as ad
    >>> x = ad.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> ad.abs(x).sum().backward()
    >>> x.grad
    tensor([-1.,  0.,  1.])
    """,
)
_where: Op = primitive(
    "where", torch_name="Where",
    forward=lambda xp, condition, a, b: xp.where(condition, *_one_array(xp, condition, a, b)),
    vjp=(None, lambda xp, g, _ans, c, _a, _b: xp.where(c, g, 0.0),
         lambda xp, g, _ans, c, _a, _b: xp.where(c, 0.0, g)),
    jvp="linear",
)


def where(condition: Tensor, x1: Any, x2: Any, /) -> Tensor:
    """``x1`` where ``condition`` holds, else ``x2`` (either may be a Python number);
    the gradient goes to the branch each element came from.

    >>> import autodiff as ad
    >>> ad.where(ad.tensor([True, False]), ad.tensor([1.0, 2.0]), 0.0)
    tensor([1., 0.])
    """
    return _where(condition, x1, x2)



def _zero_gradient(xp: Any, g: Any, _ans: Any, _x: Any, **_params: Any) -> Any:
    """The rule of a piecewise-constant op that PyTorch still differentiates (sign,
    floor, round ...): a zero gradient, even where ``g`` is inf or nan."""
    return xp.zeros_like(g)


def _sign_vjp(xp: Any, g: Any, ans: Any, x: Any) -> Any:
    """Zero for real ``x``, as PyTorch's SignBackward0. For complex ``z``, ``sign(z)`` is
    ``z / |z|`` (the standard's, PyTorch's ``sgn``), whose gradient is PyTorch's
    ``(g - Re(conj(g) s) s) / |z|``, zero at 0. That map is a real projection scaled by
    ``1 / |z|``, self-adjoint, so it serves forward mode too."""
    if not xp.isdtype(ans.dtype, "complex floating"):
        return xp.zeros_like(g)
    size = xp.abs(x)
    zero = size == 0
    along = xp.real(xp.conj(g) * ans)
    return xp.where(zero, 0.0, (g - along * ans) / xp.where(zero, 1.0, size))


sign: Op = primitive(  # SignBackward0 with a zero gradient, as in PyTorch
    "sign", torch_name="Sign",
    forward=lambda xp, x: xp.sign(x),
    vjp=_sign_vjp,
    jvp="elementwise",
    doc="""-1, 0 or 1 as each element is negative, zero or positive (PyTorch's
    ``torch.sign``). Differentiable with a zero gradient everywhere, as in PyTorch. For a
    complex ``z`` it is the standard's ``z / |z|`` (0 at 0; PyTorch's ``torch.sgn``),
    with ``sgn``'s gradient.

    >>> import autodiff as ad
    >>> ad.sign(ad.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    >>> z = ad.tensor([3.0 + 4.0j], requires_grad=True)
    >>> ad.sign(z)
    tensor([0.6000+0.8000j], grad_fn=<SignBackward0>)
    >>> ad.sign(z).imag.sum().backward(); z.grad
    tensor([-0.0960+0.0720j])
    """,
)


def positive(x: Tensor, /) -> Tensor:
    """``+x``: the tensor itself, as ``torch.positive`` returns it (bool is refused).

    >>> import autodiff as ad
    >>> x = ad.tensor([-1.0, 2.0])
    >>> ad.positive(x) is x
    True
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"positive: expected a Tensor, got {type(x).__name__}")
    if x.dtype.name == "bool":
        raise TypeError("positive: the `+` operator is not supported on a bool tensor")
    return x

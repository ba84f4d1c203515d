"""Special functions (PyTorch's ``torch.special``): the error function and its inverse,
the log-gamma family, modified Bessel functions, the normal distribution's ndtr, ndtri
and log_ndtr, and Hurwitz's zeta.

The Array API standard has none of them. Each forward asks the backend for its own
(``Backend.special_function``: scipy's on numpy when scipy is installed, cupyx's on
cupy) and otherwise runs autodiff's generic implementation written against the
standard (``_special_impl``, float64-accurate; float16 and float32 inputs are computed
in float64 and rounded back). Derivatives are other special functions (``erf' =
2/sqrt(pi) exp(-x**2)``, ``lgamma' = digamma``, ``digamma' = polygamma(1, .)``), so
gradients of gradients work.
"""

from __future__ import annotations

import math
from typing import Any

from .._primitive import primitive
from .._tensor import Tensor
from . import _special_impl, _special_more
from .comparison import real_only
from .elementwise import _floating2, _floating_input

__all__ = ["digamma", "erf", "erfc", "erfcx", "erfinv", "i0", "i0e", "i1", "i1e", "lgamma",
           "log_ndtr", "ndtr", "ndtri", "polygamma", "zeta"]
#: not Tensor methods in PyTorch (``x.polygamma(n)`` is, with its own argument order)
NOT_METHODS = ("erfcx", "i0e", "i1", "i1e", "log_ndtr", "ndtr", "ndtri", "polygamma", "zeta")
SPECIAL = "autodiff.special"

#: scipy.special's name of each function, where it differs
_SCIPY_NAMES = {"digamma": "psi", "lgamma": "gammaln", "bessel_j0": "j0", "bessel_j1": "j1"}
#: (id of a namespace, name) -> the function computing it on that namespace's arrays
_IMPLEMENTATIONS: dict[tuple[int, str], Any] = {}


def _generic(xp: Any, backend: Any, name: str) -> Any:
    """autodiff's own implementation, in float64 (where the namespace has it), with the
    library's floating-point warnings silenced: every branch is evaluated everywhere
    and ``where`` picks, so a branch's overflow where it is not used is no error."""
    own = {"lgamma": "gammaln", "bessel_j0": "j0", "bessel_j1": "j1"}.get(name, name)
    function = getattr(_special_impl, own, None) or getattr(_special_more, own)
    wide = getattr(xp, "float64", None)

    def generic(*args: Any) -> Any:
        dtype = args[-1].dtype
        if wide is not None and dtype != wide:
            args = tuple(xp.astype(a, wide) if hasattr(a, "dtype") else a for a in args)
        with backend.silent_float_errors():
            out = function(xp, *args)
        return out if out.dtype == dtype else xp.astype(out, dtype)

    return generic


def _implementation(xp: Any, name: str) -> Any:
    """The function computing ``name`` on ``xp``'s arrays: the backend's own, else the
    generic one (found once per namespace)."""
    found = _IMPLEMENTATIONS.get((id(xp), name))
    if found is None:
        from .._backend import backend_of_namespace

        backend = backend_of_namespace(xp)
        native = backend.special_function(_SCIPY_NAMES.get(name, name))
        found = native if native is not None else _generic(xp, backend, name)
        _KEEP.append(xp)  # held, so that its id stays its own
        _IMPLEMENTATIONS[(id(xp), name)] = found
    return found


_KEEP: list[Any] = []


def _compute(xp: Any, name: str, *args: Any) -> Any:
    """``name`` of these arguments (float arrays, and ints such as polygamma's order)
    on their backend, in the last array's dtype."""
    real_only(xp, name, *args)
    out = _implementation(xp, name)(*args)
    dtype = args[-1].dtype
    return out if out.dtype == dtype else xp.astype(out, dtype)


def _unary(name: str) -> Any:
    def forward(xp: Any, x: Any) -> Any:
        return _compute(xp, name, _floating_input(xp, x))

    forward.__name__ = name
    return forward


def _polygamma_forward(xp: Any, x: Any, *, n: int) -> Any:
    x = _floating_input(xp, x)
    return _compute(xp, "digamma", x) if n == 0 else _compute(xp, "polygamma", n, x)


def _binary(name: str) -> Any:
    def forward(xp: Any, x: Any, q: Any) -> Any:
        # a Python number on either side takes the other's dtype (PyTorch's promotion)
        if not hasattr(x, "dtype"):
            x = xp.full_like(q, float(x))
        if not hasattr(q, "dtype"):
            q = xp.full_like(x, float(q))
        x, q = xp.broadcast_arrays(x, q)
        return _compute(xp, name, x, q)

    forward.__name__ = name
    return _floating2(forward)


def _i1_vjp(xp: Any, g: Any, ans: Any, x: Any) -> Any:
    # PyTorch's i1_backward: i0(x) - i1(x) / x, 1/2 at 0
    zero = x == 0
    return g * xp.where(zero, 0.5, xp.prim.i0(x) - ans / xp.where(zero, 1.0, x))


def _i1e_vjp(xp: Any, g: Any, ans: Any, x: Any) -> Any:
    # PyTorch's i1e_backward: i0e(x) - i1e(x) (sign(x) + 1 / x), 1/2 at 0
    zero = x == 0
    return g * xp.where(zero, 0.5, xp.prim.i0e(x) - ans * (
        xp.sign(x) + 1.0 / xp.where(zero, 1.0, x)))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)

erf = primitive(
    "erf", torch_name="Erf",
    forward=_unary("erf"),
    vjp=lambda xp, g, _ans, x: g * (_TWO_OVER_SQRT_PI * xp.exp(-(x * x))),
    jvp="elementwise",
    doc="""The error function ``2/sqrt(pi) * integral of exp(-t**2) from 0 to x``
    (PyTorch's ``torch.erf``); integer inputs are computed in the default float dtype.
    The gradient is ``2/sqrt(pi) exp(-x**2)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.0, 0.5, 3.0], requires_grad=True)
    >>> ad.erf(x)
    tensor([0.0000, 0.5205, 1.0000], grad_fn=<ErfBackward0>)
    >>> ad.erf(x).sum().backward(); x.grad
    tensor([1.1284e+00, 8.7878e-01, 1.3925e-04])
    """,
)
erfc = primitive(
    "erfc", torch_name="Erfc",
    forward=_unary("erfc"),
    vjp=lambda xp, g, _ans, x: g * (-_TWO_OVER_SQRT_PI * xp.exp(-(x * x))),
    jvp="elementwise",
    doc="""The complementary error function ``1 - erf(x)``, accurate where it is tiny
    (PyTorch's ``torch.erfc``).

    >>> import autodiff as ad
    >>> ad.erfc(ad.tensor([0.0, 5.0], dtype=ad.float64))
    tensor([1.0000e+00, 1.5375e-12], dtype=autodiff.float64)
    """,
)
erfinv = primitive(
    "erfinv", torch_name="Erfinv",
    forward=_unary("erfinv"),
    vjp=lambda xp, g, ans, _x: g * (math.sqrt(math.pi) / 2.0 * xp.exp(ans * ans)),
    jvp="elementwise",
    doc="""The inverse error function on ``[-1, 1]`` (PyTorch's ``torch.erfinv``): ±inf at
    ±1, nan beyond. The gradient is ``sqrt(pi)/2 exp(erfinv(x)**2)``.

    >>> import autodiff as ad
    >>> ad.erfinv(ad.tensor([0.0, 0.5, 1.0]))
    tensor([0.0000, 0.4769,    inf])
    """,
)
erfcx = primitive(
    "erfcx", torch_name="SpecialErfcx", namespace=SPECIAL,
    forward=_unary("erfcx"),
    vjp=lambda xp, g, ans, x: g * (2.0 * x * ans - _TWO_OVER_SQRT_PI),
    jvp="elementwise",
    doc="""The scaled complementary error function ``exp(x**2) erfc(x)``, finite where
    ``erfc`` underflows (PyTorch's ``torch.special.erfcx``).

    >>> import autodiff as ad
    >>> ad.special.erfcx(ad.tensor([0.0, 30.0]))
    tensor([1.0000, 0.0188])
    """,
)
lgamma = primitive(
    "lgamma", torch_name="Lgamma",
    forward=_unary("lgamma"),
    vjp=lambda xp, g, _ans, x: g * xp.prim.digamma(x),
    jvp="elementwise",
    doc="""``log|Gamma(x)|`` (PyTorch's ``torch.lgamma``, ``torch.special.gammaln``): inf at
    0 and the negative integers. The gradient is ``digamma(x)``.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.5, 3.0, 10.0], requires_grad=True)
    >>> ad.lgamma(x)
    tensor([ 0.5724,  0.6931, 12.8018], grad_fn=<LgammaBackward0>)
    >>> ad.lgamma(x).sum().backward(); x.grad
    tensor([-1.9635,  0.9228,  2.2518])
    """,
)
digamma = primitive(
    "digamma", torch_name="Digamma",
    forward=_unary("digamma"),
    vjp=lambda xp, g, _ans, x: g * xp.prim.polygamma(x, n=1),
    jvp="elementwise",
    doc="""``Gamma'(x) / Gamma(x)`` (PyTorch's ``torch.digamma``, ``torch.special.psi``):
    -inf at 0 (+inf at -0), nan at the negative integers. The gradient is
    ``polygamma(1, x)``.

    >>> import autodiff as ad
    >>> ad.digamma(ad.tensor([1.0, 0.5]))
    tensor([-0.5772, -1.9635])
    """,
)
_polygamma = primitive(
    "polygamma", torch_name="Polygamma",
    forward=_polygamma_forward,
    vjp=lambda xp, g, _ans, x, n: g * xp.prim.polygamma(x, n=n + 1),
    jvp="elementwise",
)


def polygamma(n: int, input: Tensor) -> Tensor:
    """The ``n``-th derivative of digamma (PyTorch's ``torch.polygamma(n, input)``;
    ``x.polygamma(n)`` as a method). The gradient is ``polygamma(n + 1, x)``.

    >>> import autodiff as ad
    >>> ad.polygamma(1, ad.tensor([1.0, 2.0]))
    tensor([1.6449, 0.6449])
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"polygamma: n must be an int, got {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _polygamma(input, n=n)


i0 = primitive(
    "i0", torch_name="I0",
    forward=_unary("i0"),
    vjp=lambda xp, g, _ans, x: g * xp.prim.i1(x),
    jvp="elementwise",
    doc="""The modified Bessel function of the first kind of order 0 (PyTorch's
    ``torch.i0``). The gradient is ``i1(x)``.

    >>> import autodiff as ad
    >>> ad.i0(ad.tensor([0.0, 1.0, 2.0]))
    tensor([1.0000, 1.2661, 2.2796])
    """,
)
i0e = primitive(
    "i0e", torch_name="SpecialI0e", namespace=SPECIAL,
    forward=_unary("i0e"),
    vjp=lambda xp, g, ans, x: g * (xp.prim.i1e(x) - xp.sign(x) * ans),
    jvp="elementwise",
    doc="""``exp(-|x|) i0(x)``, finite for large ``|x|`` (``torch.special.i0e``).

    >>> import autodiff as ad
    >>> ad.special.i0e(ad.tensor([0.0, 1.0, 1000.0]))
    tensor([1.0000, 0.4658, 0.0126])
    """,
)
i1 = primitive(
    "i1", torch_name="SpecialI1", namespace=SPECIAL,
    forward=_unary("i1"),
    vjp=_i1_vjp,
    jvp="elementwise",
    doc="""The modified Bessel function of the first kind of order 1
    (``torch.special.i1``). The gradient is ``i0(x) - i1(x) / x``, 1/2 at 0.

    >>> import autodiff as ad
    >>> ad.special.i1(ad.tensor([0.0, 1.0, -2.0]))
    tensor([ 0.0000,  0.5652, -1.5906])
    """,
)
i1e = primitive(
    "i1e", torch_name="SpecialI1e", namespace=SPECIAL,
    forward=_unary("i1e"),
    vjp=_i1e_vjp,
    jvp="elementwise",
    doc="""``exp(-|x|) i1(x)``, finite for large ``|x|`` (``torch.special.i1e``).

    >>> import autodiff as ad
    >>> ad.special.i1e(ad.tensor([0.0, 1.0, -2.0]))
    tensor([ 0.0000,  0.2079, -0.2153])
    """,
)
ndtr = primitive(
    "ndtr", torch_name="SpecialNdtr", namespace=SPECIAL,
    forward=_unary("ndtr"),
    vjp=lambda xp, g, _ans, x: g * (xp.exp(-0.5 * (x * x)) / _SQRT_2PI),
    jvp="elementwise",
    doc="""The standard normal distribution function ``P(Z <= x)``, accurate in the lower
    tail (``torch.special.ndtr``). The gradient is the normal density.

    >>> import autodiff as ad
    >>> ad.special.ndtr(ad.tensor([0.0, 1.0, -10.0], dtype=ad.float64))
    tensor([5.0000e-01, 8.4134e-01, 7.6199e-24], dtype=autodiff.float64)
    """,
)
ndtri = primitive(
    "ndtri", torch_name="SpecialNdtri", namespace=SPECIAL,
    forward=_unary("ndtri"),
    vjp=lambda xp, g, ans, _x: g * (_SQRT_2PI * xp.exp(0.5 * (ans * ans))),
    jvp="elementwise",
    doc="""The inverse of ``ndtr``: the ``x`` with ``ndtr(x) = p`` (``torch.special.ndtri``),
    -inf at 0 and inf at 1. The gradient is ``sqrt(2 pi) exp(ndtri(p)**2 / 2)``.

    >>> import autodiff as ad
    >>> ad.special.ndtri(ad.tensor([0.5, 0.975]))
    tensor([0.0000, 1.9600])
    """,
)
log_ndtr = primitive(
    "log_ndtr", torch_name="SpecialLogNdtr", namespace=SPECIAL,
    forward=_unary("log_ndtr"),
    vjp=lambda xp, g, ans, x: g * (xp.exp(-0.5 * (x * x) - ans) / _SQRT_2PI),
    jvp="elementwise",
    doc="""``log(ndtr(x))``, accurate in both tails (``torch.special.log_ndtr``).

    >>> import autodiff as ad
    >>> ad.special.log_ndtr(ad.tensor([0.0, -40.0]))
    tensor([-6.9315e-01, -8.0461e+02])
    """,
)
zeta = primitive(
    "zeta", torch_name="SpecialZeta", namespace=SPECIAL,
    forward=_binary("zeta"),
    # PyTorch has no derivative in x; in q it is -x zeta(x + 1, q)
    vjp=(None, lambda xp, g, _ans, x, q: g * (-x * xp.prim.zeta(x + 1.0, q))),
    jvp="elementwise",
    doc="""The Hurwitz zeta function ``sum over k >= 0 of (k + q)**-x``
    (``torch.special.zeta``); either argument may be a Python number. Differentiable in
    ``q`` (``-x zeta(x + 1, q)``); as in PyTorch, not in ``x``.

    >>> import autodiff as ad
    >>> ad.special.zeta(ad.tensor([2.0, 4.0]), 1.0)
    tensor([1.6449, 1.0823])
    """,
)

METHODS = {"polygamma": lambda self, n: polygamma(n, self)}

"""In-place variants PyTorch code calls on tensors: ``addcmul_``, ``addcdiv_``, ``lerp_``,
``addmm_``, ``addmv_``, ``addr_``, ``baddbmm_``, ``renorm_`` (optimizers and
initializers use them), and the random fills ``uniform_``, ``normal_``,
``bernoulli_``, ``random_``, ``exponential_``, each taking ``generator=``.

They go through ``apply_inplace`` as every in-place op does (a leaf that requires grad
refuses them outside ``no_grad``; versions are bumped). A random fill gives ``x``'s
history a zero gradient, as PyTorch's fills do.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .contraction import addcdiv, addcmul, addmm, addmv, addr, baddbmm, lerp
from .elementwise import where
from .inplace import _inplace, apply_inplace
from .random import draw
from .statistics_more import renorm

__all__: list[str] = []


def _filled(x: Tensor, values: Any) -> Tensor:
    """``values`` (an array of x's backend) in x's place, with a zero gradient to x."""
    mask = x._backend.xp.zeros(x.shape, dtype=x._backend.dtype("bool"))
    out = where(Tensor._wrap(mask, x._backend), x, Tensor._wrap(values, x._backend))
    return out.astype(x.dtype, copy=False)


def _draw(x: Tensor, generator: Any, kind: str) -> Any:
    owner = x._backend
    native = x._array.device if owner.multi_device else None
    return draw(generator, owner, lambda: getattr(owner, kind)(x.shape, "float64", native))


def _floating(name: str, x: Tensor) -> None:
    if "floating" not in x.dtype.kind:
        raise RuntimeError(f'"{name}" not implemented for \'{x.dtype.name}\'')


def _uniform(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
             generator: Any = None) -> Tensor:
    """Fill with uniform samples on [``from_``, ``to``)."""
    _floating("check_uniform_bounds", self)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={from_} > to={to}")

    def compute(x: Tensor) -> Tensor:
        u = _draw(x, generator, "uniform")
        return _filled(x, u * (to - from_) + from_)

    return apply_inplace(self, "uniform_", compute)


def _normal(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Any = None) -> Tensor:
    """Fill with normal samples."""
    _floating("normal_kernel_cpu", self)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return apply_inplace(self, "normal_", lambda x: _filled(
        x, _draw(x, generator, "normal") * std + mean))


def _bernoulli(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fill with ones with probability ``p`` (a number or a tensor), zeros otherwise."""
    if isinstance(p, Tensor):
        probs = p._array
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    else:
        probs = p

    def compute(x: Tensor) -> Tensor:
        xp = x._backend.xp
        u = _draw(x, generator, "uniform")
        threshold = xp.astype(probs, xp.float64) if isinstance(p, Tensor) else probs
        return _filled(x, xp.astype(u < threshold, x._array.dtype))

    return apply_inplace(self, "bernoulli_", compute)


def _random(self: Tensor, from_: int = 0, to: int | None = None, *,
            generator: Any = None) -> Tensor:
    """Fill with integers on [``from_``, ``to``) (``random_(to)`` draws from [0, ``to``))."""
    if to is None:
        if from_ == 0 and self.dtype.kind == "real floating":
            to = 2 ** {"float16": 11, "float32": 24}.get(self.dtype.name, 53) + 1
        elif from_ == 0:
            to = 2**31 if self.dtype.name in ("int32", "int64") else 2**8
        else:
            from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={from_} >= to={to}")

    def compute(x: Tensor) -> Tensor:
        owner = x._backend
        native = x._array.device if owner.multi_device else None
        ints = draw(generator, owner, lambda: owner.integers(int(from_), int(to), x.shape,
                                                             "int64", native))
        return _filled(x, owner.xp.astype(ints, x._array.dtype))

    return apply_inplace(self, "random_", compute)


def _exponential(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``."""
    _floating("exponential_cpu", self)
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")

    def compute(x: Tensor) -> Tensor:
        xp = x._backend.xp
        u = _draw(x, generator, "uniform")
        return _filled(x, -xp.log1p(-u) / lambd)

    return apply_inplace(self, "exponential_", compute)


METHODS: dict[str, Any] = {
    "addcmul_": _inplace(addcmul, "addcmul_"),
    "addcdiv_": _inplace(addcdiv, "addcdiv_"),
    "lerp_": _inplace(lerp, "lerp_"),
    "addmm_": _inplace(addmm, "addmm_"),
    "addmv_": _inplace(addmv, "addmv_"),
    "addr_": _inplace(addr, "addr_"),
    "baddbmm_": _inplace(baddbmm, "baddbmm_"),
    "renorm_": _inplace(renorm, "renorm_"),
    "uniform_": _uniform,
    "normal_": _normal,
    "bernoulli_": _bernoulli,
    "random_": _random,
    "exponential_": _exponential,
}

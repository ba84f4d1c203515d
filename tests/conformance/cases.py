"""The table of sample calls behind ``test_registry.py``: at least one case per primitive.

A case is a public call (``fn``, built from input tensors), a description of its inputs
(shape and value domain) and a numpy reference of its forward value. A case's name is
``<primitive>.<variant>``; the part before the dot says which registered primitive the
call must end in, and the completeness test checks every primitive has a case.

Inputs are drawn from ``numpy.random.default_rng`` seeded from the case name, so every
run (and every backend) sees the same values.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import autodiff as ad

F = ad.nn.functional


# -- inputs ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Arg:
    """One input: its shape, where its values come from, and whether it requires grad.

    ``domain`` is one of: ``real`` (standard normal), ``positive`` (in [0.5, 2]),
    ``nonzero`` (|x| in [0.5, 2], either sign: away from the kinks of abs/relu/sign),
    ``unit`` (in [0.1, 0.9]: probabilities), ``integer`` (whole numbers in [-2, 2],
    stored as floats, so comparisons see ties), ``bool``, or ``fixed`` (``values``).
    ``backend`` builds the input on that backend instead of the current one.
    """

    shape: tuple[int, ...] = ()
    domain: str = "real"
    grad: bool = True
    values: Any = None
    backend: str | None = None

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        if self.domain == "fixed":
            return np.asarray(self.values, dtype=np.float64)
        if self.domain == "bool":
            return rng.random(self.shape) < 0.5
        if self.domain == "real":
            return rng.standard_normal(self.shape)
        if self.domain == "positive":
            return rng.uniform(0.5, 2.0, self.shape)
        if self.domain == "nonzero":
            return rng.uniform(0.5, 2.0, self.shape) * rng.choice([-1.0, 1.0], self.shape)
        if self.domain == "unit":
            return rng.uniform(0.1, 0.9, self.shape)
        if self.domain == "integer":
            return rng.integers(-2, 3, self.shape).astype(np.float64)
        raise ValueError(f"unknown domain {self.domain!r}")

    @property
    def is_float(self) -> bool:
        return self.domain != "bool"


def real(*shape: int, grad: bool = True) -> Arg:
    return Arg(shape, "real", grad)


def positive(*shape: int, grad: bool = True) -> Arg:
    return Arg(shape, "positive", grad)


def nonzero(*shape: int, grad: bool = True) -> Arg:
    return Arg(shape, "nonzero", grad)


def unit(*shape: int, grad: bool = True) -> Arg:
    return Arg(shape, "unit", grad)


def integer(*shape: int, grad: bool = True) -> Arg:
    return Arg(shape, "integer", grad)


def boolean(*shape: int) -> Arg:
    return Arg(shape, "bool", grad=False)


def fixed(values: Any, grad: bool = True) -> Arg:
    return Arg(np.shape(values), "fixed", grad, values)


# -- cases ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Case:
    name: str
    fn: Callable[..., Any]
    reference: Callable[..., Any]
    args: tuple[Arg, ...]
    #: the backend the output lives on (None: the current one)
    out_backend: str | None = None
    #: keyword arguments for ``autodiff.testing.gradcheck``
    gradcheck: dict[str, float] = field(default_factory=dict)
    #: the documented error forward mode raises for this call (a regex), if it has no jvp
    jvp_error: str | None = None
    #: False when the inputs sit on a kink (ties of max/min, a constant row for std):
    #: the gradient there is a convention, with no derivative of its own, so the
    #: second-order checks leave the case out
    smooth: bool = True
    #: True when the value is fixed only up to the signs of vectors (the singular or
    #: eigenvectors of a decomposition): each library's solver picks its own, so the
    #: forward value is compared to numpy's in absolute value (their squares, and the
    #: gradient checks, pin the rest)
    up_to_sign: bool = False

    @property
    def prim(self) -> str:
        return self.name.split(".", 1)[0]

    def arrays(self, dtype: Any = np.float64, draw: int = 0) -> list[np.ndarray]:
        """The inputs as numpy arrays (float inputs in ``dtype``), reproducibly drawn;
        another ``draw`` gives other values of the same shapes and kinds."""
        rng = np.random.default_rng((zlib.crc32(self.name.encode()), draw))
        return [a.sample(rng).astype(dtype) if a.is_float else a.sample(rng) for a in self.args]

    def tensors(self, arrays: Sequence[np.ndarray]) -> list[ad.Tensor]:
        """The inputs as tensors on the current backend (or the one an Arg names)."""
        return [ad.tensor(array, requires_grad=arg.grad and arg.is_float, backend=arg.backend)
                for arg, array in zip(self.args, arrays, strict=True)]


CASES: list[Case] = []


def case(name: str, fn: Callable[..., Any], reference: Callable[..., Any], *args: Arg,
         **options: Any) -> None:
    CASES.append(Case(name, fn, reference, args, **options))


def _other_backend() -> str:
    """The far end of a round trip: numpy, or array_api_strict when numpy is current."""
    current = ad.get_backend().name
    return next(name for name in ("numpy", "array_api_strict") if name != current)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _bce(x: np.ndarray, y: np.ndarray, weight: Any = None, pos_weight: Any = None,
         reduction: str = "mean") -> np.ndarray:
    """PyTorch's definition: -w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]."""
    p = 1.0 if pos_weight is None else pos_weight
    loss = p * y * _softplus(-x) + (1.0 - y) * _softplus(x)
    if weight is not None:
        loss = loss * weight
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](loss)


def _norm(x: np.ndarray, p: float, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    if np.isinf(p):
        return np.max(np.abs(x), axis=axis, keepdims=keepdims)
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


# Tolerances for a case whose output is float32 even for float64 inputs.
LOOSE = {"eps": 1e-3, "atol": 1e-4, "rtol": 1e-3}

# -- transfer and casting
case("to_device.to_numpy", lambda x: x.to("numpy"), lambda x: x, real(2, 3),
     out_backend="numpy")
case("to_device.from_numpy", lambda x: x.to(ad.get_backend().name), lambda x: x,
     Arg((2, 3), backend="numpy"))
case("to_device.round_trip", lambda x: x.to(_other_backend()).to(ad.get_backend().name),
     lambda x: x, real(3))
case("astype.float64", lambda x: ad.astype(x, ad.float64), lambda x: x.astype(np.float64),
     real(2, 3))
case("astype.float32", lambda x: ad.astype(x, ad.float32), lambda x: x.astype(np.float32),
     real(2, 3), gradcheck=LOOSE)
# An integer output carries no gradient (PyTorch; and ad refuses requires_grad on ints).
case("astype.int64", lambda x: ad.astype(x, ad.int64), lambda x: x.astype(np.int64),
     real(2, 3))

# -- arithmetic: broadcasting and Python scalars on either side
case("add.same_shape", ad.add, np.add, real(2, 3), real(2, 3))
case("add.broadcast", lambda x, y: x + y, np.add, real(2, 1, 3), real(4, 1))
case("add.zero_d", ad.add, np.add, real(), real(3))
case("add.scalar_right", lambda x: x + 2.5, lambda x: x + 2.5, real(2, 3))
case("add.scalar_left", lambda x: 3 + x, lambda x: 3 + x, real(2, 3))
case("subtract.broadcast", ad.subtract, np.subtract, real(3), real(2, 3))
case("subtract.scalar_right", lambda x: x - 1.5, lambda x: x - 1.5, real(4))
case("subtract.scalar_left", lambda x: 1.5 - x, lambda x: 1.5 - x, real(4))
case("multiply.broadcast", lambda x, y: x * y, np.multiply, real(2, 3), real(3))
case("multiply.scalar_right", lambda x: x * 2, lambda x: x * 2, real(2, 2))
case("multiply.scalar_left", lambda x: -0.5 * x, lambda x: -0.5 * x, real(2, 2))
case("divide.broadcast", ad.divide, np.divide, real(2, 3), nonzero(2, 1))
case("divide.scalar_right", lambda x: x / 3, lambda x: x / 3, real(3))
case("divide.scalar_left", lambda y: 2.0 / y, lambda y: 2.0 / y, nonzero(3))
case("pow.tensor_tensor", ad.pow, np.power, positive(2, 3), real(3))
case("pow.scalar_exponent", lambda x: x**3, lambda x: x**3, real(2, 3))
case("pow.integer_exponent_negative_base", lambda x: x**2, lambda x: x**2, nonzero(4))
case("pow.fractional_exponent", lambda x: ad.pow(x, -1.5), lambda x: x**-1.5, positive(4))
case("pow.zero_exponent", lambda x: x**0, lambda x: x**0, real(3))
case("pow.scalar_base", lambda y: 2.0**y, lambda y: 2.0**y, real(2, 3))
case("negative.operator", lambda x: -x, np.negative, real(2, 3))
case("negative.function", ad.negative, np.negative, real())

# -- elementwise functions
case("exp.basic", ad.exp, np.exp, real(2, 3))
case("expm1.basic", ad.expm1, np.expm1, real(2, 3))
case("log.basic", ad.log, np.log, positive(2, 3))
case("log1p.basic", ad.log1p, np.log1p, positive(2, 3))
case("sin.basic", ad.sin, np.sin, real(2, 3))
case("cos.method", lambda x: x.cos(), np.cos, real(2, 3))
case("tanh.basic", ad.tanh, np.tanh, real(2, 3))
case("sqrt.basic", ad.sqrt, np.sqrt, positive(2, 3))
case("abs.function", ad.abs, np.abs, nonzero(2, 3))
case("abs.operator", abs, np.abs, nonzero(5))
case("where.broadcast", ad.where, np.where, boolean(2, 3), real(3), real(2, 1))
case("where.scalar_other", lambda c, x: ad.where(c, x, 0.0), lambda c, x: np.where(c, x, 0.0),
     boolean(2, 3), real(2, 3))
case("where.scalar_first", lambda c, y: ad.where(c, 2.0, y), lambda c, y: np.where(c, 2.0, y),
     boolean(4), real(4))
# PyTorch: a Python float is the default dtype (float32), as in ad.tensor(1.0).
case("where.two_scalars", lambda c: ad.where(c, 1.0, 0.0),
     lambda c: np.where(c, 1.0, 0.0).astype(np.float32), boolean(2, 3))

# -- non-differentiable elementwise functions (outputs never get a grad_fn)
case("sign.basic", ad.sign, np.sign, nonzero(2, 3))
case("equal.broadcast", ad.equal, np.equal, integer(2, 3), integer(3))
case("equal.scalar", lambda x: x == 1.0, lambda x: x == 1.0, integer(5))
case("not_equal.operator", lambda x, y: x != y, np.not_equal, integer(4), integer(4))
case("less.broadcast", lambda x, y: x < y, np.less, integer(2, 3), integer(2, 1))
case("less.scalar_left", lambda x: ad.less(0, x), lambda x: 0 < x, integer(5))
case("greater.reflected", lambda x: 0 < x, lambda x: 0 < x, integer(5))  # Python runs x > 0
case("less_equal.basic", ad.less_equal, np.less_equal, integer(6), integer(6))
case("greater.scalar", lambda x: x > 0.5, lambda x: x > 0.5, integer(2, 3))
case("greater_equal.basic", ad.greater_equal, np.greater_equal, integer(2, 3), integer(3))
case("logical_and.broadcast", ad.logical_and, np.logical_and, boolean(2, 3), boolean(3))
case("logical_or.method", lambda a, b: a.logical_or(b), np.logical_or, boolean(4), boolean(4))
case("logical_not.method", lambda a: a.logical_not(), np.logical_not, boolean(2, 3))
case("isnan.basic", ad.isnan, np.isnan, fixed([1.0, np.nan, np.inf, -np.inf, 0.0]))
case("isfinite.basic", ad.isfinite, np.isfinite, fixed([[1.0, np.nan], [np.inf, -np.inf]]))

# -- manipulation
case("reshape.infer", lambda x: ad.reshape(x, (-1, 2)), lambda x: x.reshape(-1, 2),
     real(2, 3, 2))
case("reshape.view_method", lambda x: x.view(3, -1), lambda x: x.reshape(3, -1), real(2, 3))
case("reshape.flatten", lambda x: x.flatten(), np.ravel, real(2, 3))
case("reshape.from_zero_d", lambda x: ad.reshape(x, (1, 1)), lambda x: x.reshape(1, 1), real())
case("reshape.expand_dims", lambda x: ad.expand_dims(x, axis=-1),
     lambda x: np.expand_dims(x, -1), real(2, 3))
case("permute_dims.three_d", lambda x: ad.permute_dims(x, (2, 0, 1)),
     lambda x: np.transpose(x, (2, 0, 1)), real(2, 3, 4))
case("permute_dims.transpose", lambda x: ad.transpose(x, 0, -1),
     lambda x: np.swapaxes(x, 0, -1), real(2, 3, 4))
case("permute_dims.matrix_transpose", ad.matrix_transpose, lambda x: np.swapaxes(x, -1, -2),
     real(2, 3, 4))
case("permute_dims.T", lambda x: x.T, np.transpose, real(2, 3))
case("broadcast_to.new_axis", lambda x: ad.broadcast_to(x, (2, 3)),
     lambda x: np.broadcast_to(x, (2, 3)), real(3))
case("broadcast_to.size_one_axes", lambda x: ad.broadcast_to(x, (4, 2, 3)),
     lambda x: np.broadcast_to(x, (4, 2, 3)), real(2, 1))
case("broadcast_to.zero_d", lambda x: ad.broadcast_to(x, (2, 2)),
     lambda x: np.broadcast_to(x, (2, 2)), real())
case("broadcast_to.expand_method", lambda x: x.expand(2, 3, 4),
     lambda x: np.broadcast_to(x, (2, 3, 4)), real(3, 1))

# -- indexing (x[key]; its gradient is the scatter-add primitive)
def _scatter_add_via_backward(v: ad.Tensor) -> ad.Tensor:
    """The gradient of ``z[[0, 2, 0]]`` for a (3, 4) ``z`` given the cotangent ``v``:
    ``index_scatter_add``'s output, made differentiable with ``create_graph``."""
    with ad.enable_grad():  # gradcheck's finite differences run under no_grad
        z = ad.zeros((3, 4), dtype=v.dtype, requires_grad=True)
        (grad,) = ad.autograd.grad(z[ad.tensor([0, 2, 0])], z, v, create_graph=True)
    return grad


def _scatter_add_reference(v: np.ndarray) -> np.ndarray:
    result = np.zeros((3, 4), dtype=v.dtype)
    np.add.at(result, [0, 2, 0], v)
    return result


case("getitem.int", lambda x: x[1], lambda x: x[1], real(3, 4))
case("getitem.negative_ints", lambda x: x[-1, 2], lambda x: x[-1, 2], real(3, 4))
case("getitem.slices", lambda x: x[:, 1:3], lambda x: x[:, 1:3], real(3, 4))
case("getitem.step", lambda x: x[::2], lambda x: x[::2], real(3, 4))
case("getitem.ellipsis", lambda x: x[..., 0], lambda x: x[..., 0], real(2, 3, 4))
case("getitem.none", lambda x: x[None, 1], lambda x: x[None, 1], real(3, 4))
case("getitem.duplicate_indices", lambda x: x[ad.tensor([0, 2, 0])], lambda x: x[[0, 2, 0]],
     real(3, 4))
case("getitem.indices_on_axis_1", lambda x: x[:, ad.tensor([3, 3, 1])],
     lambda x: x[:, [3, 3, 1]], real(3, 4))
case("getitem.list", lambda x: x[[0, 2]], lambda x: x[[0, 2]], real(3, 4))
case("getitem.mask", lambda x: x[x > 0], lambda x: x[x > 0], real(3, 4))
case("index_scatter_add.via_backward", _scatter_add_via_backward, _scatter_add_reference,
     real(3, 4))

# -- linear algebra
case("matmul.matrix_matrix", ad.matmul, np.matmul, real(2, 3), real(3, 4))
case("matmul.vector_vector", ad.matmul, np.matmul, real(3), real(3))
case("matmul.vector_matrix", lambda x, y: x @ y, np.matmul, real(3), real(3, 4))
case("matmul.matrix_vector", lambda x, y: x @ y, np.matmul, real(2, 3), real(3))
case("matmul.batched", ad.matmul, np.matmul, real(2, 3, 4), real(4, 5))
case("matmul.batch_broadcast", ad.matmul, np.matmul, real(2, 1, 3, 4), real(5, 4, 2))
case("matmul.vector_batched", ad.matmul, np.matmul, real(3), real(2, 3, 4))
case("matmul.batched_vector", ad.matmul, np.matmul, real(2, 3, 4), real(4))
case("matmul.dot", ad.dot, np.dot, real(4), real(4))
case("vector_norm.ord2_all", ad.linalg.vector_norm, lambda x: _norm(x, 2), real(2, 3))
case("vector_norm.ord1_axis", lambda x: ad.linalg.vector_norm(x, ord=1, axis=1),
     lambda x: _norm(x, 1, axis=1), nonzero(2, 3))
case("vector_norm.inf_keepdims", lambda x: ad.linalg.vector_norm(
    x, ord=float("inf"), axis=-1, keepdims=True),
     lambda x: _norm(x, np.inf, axis=-1, keepdims=True), real(2, 3))
case("vector_norm.ord3_axes", lambda x: ad.linalg.vector_norm(x, ord=3, axis=(0, 2)),
     lambda x: _norm(x, 3, axis=(0, 2)), real(2, 3, 4))
case("vector_norm.minus_inf", lambda x: ad.linalg.vector_norm(x, ord=-float("inf"), axis=0),
     lambda x: np.min(np.abs(x), axis=0), nonzero(3, 2))
case("vector_norm.ord0", lambda x: ad.linalg.vector_norm(x, ord=0, axis=1),
     lambda x: np.count_nonzero(x, axis=1).astype(x.dtype),
     fixed([[0.0, 1.5, -2.0], [3.0, 0.0, 0.0]]))
case("vector_norm.torch_norm", lambda x: x.norm(1, dim=0, keepdim=True),
     lambda x: _norm(x, 1, axis=0, keepdims=True), nonzero(3, 2))

# -- reductions
case("sum.all", ad.sum, np.sum, real(2, 3))
case("sum.axis", lambda x: ad.sum(x, axis=1), lambda x: np.sum(x, axis=1), real(2, 3))
case("sum.keepdims", lambda x: ad.sum(x, axis=1, keepdims=True),
     lambda x: np.sum(x, axis=1, keepdims=True), real(2, 3))
case("sum.negative_axis", lambda x: ad.sum(x, axis=-1), lambda x: np.sum(x, axis=-1),
     real(2, 3, 4))
case("sum.tuple_axis", lambda x: ad.sum(x, axis=(0, -1)), lambda x: np.sum(x, axis=(0, -1)),
     real(2, 3, 4))
case("sum.all_keepdims", lambda x: ad.sum(x, keepdims=True),
     lambda x: np.sum(x, keepdims=True), real(2, 3))
case("sum.torch_dim", lambda x: x.sum(dim=(1, 2), keepdim=True),
     lambda x: np.sum(x, axis=(1, 2), keepdims=True), real(2, 3, 4))
# PyTorch accepts dim 0 and -1 on a 0-d tensor.
case("sum.zero_d_dim", lambda x: x.sum(dim=0), np.sum, real())
case("mean.all", ad.mean, np.mean, real(2, 3))
case("mean.axis", lambda x: ad.mean(x, axis=0), lambda x: np.mean(x, axis=0), real(2, 3))
case("mean.negative_tuple_keepdims", lambda x: ad.mean(x, axis=(-1, -3), keepdims=True),
     lambda x: np.mean(x, axis=(-1, -3), keepdims=True), real(2, 3, 4))
case("mean.torch_dim", lambda x: x.mean(dim=-2), lambda x: np.mean(x, axis=-2), real(2, 3, 4))
case("mean.zero_d_negative_axis", lambda x: ad.mean(x, axis=-1), np.mean, real())
case("all.bool_axis", lambda a: ad.all(a, axis=1), lambda a: np.all(a, axis=1), boolean(3, 4))
case("all.float_input", ad.all, np.all, integer(2, 3))
case("any.bool_keepdims", lambda a: ad.any(a, axis=0, keepdims=True),
     lambda a: np.any(a, axis=0, keepdims=True), boolean(3, 2))
case("any.float_input", lambda x: x.any(dim=-1), lambda x: np.any(x, axis=-1), integer(2, 3))

# -- nn.functional
case("relu.basic", F.relu, lambda x: np.maximum(x, 0.0), nonzero(2, 3))
case("relu.method", lambda x: x.relu(), lambda x: np.maximum(x, 0.0), nonzero(6))
case("sigmoid.basic", F.sigmoid, _sigmoid, real(2, 3))
case("sigmoid.large", ad.nn.functional.sigmoid, _sigmoid,
     fixed([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
case("celu.default_alpha", F.celu, lambda x: np.where(x > 0, x, np.expm1(x)), nonzero(2, 3))
case("celu.alpha", lambda x: F.celu(x, alpha=0.5),
     lambda x: np.where(x > 0, x, 0.5 * np.expm1(x / 0.5)), nonzero(2, 3))
case("binary_cross_entropy_with_logits.mean", F.binary_cross_entropy_with_logits, _bce,
     real(2, 3), unit(2, 3))
case("binary_cross_entropy_with_logits.sum",
     lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="sum"),
     lambda x, y: _bce(x, y, reduction="sum"), real(4), unit(4))
case("binary_cross_entropy_with_logits.none",
     lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
     lambda x, y: _bce(x, y, reduction="none"), real(2, 3), unit(2, 3))
case("binary_cross_entropy_with_logits.weight",
     lambda x, y, w: F.binary_cross_entropy_with_logits(x, y, weight=w),
     lambda x, y, w: _bce(x, y, weight=w), real(2, 3), unit(2, 3), positive(3, grad=False))
case("binary_cross_entropy_with_logits.pos_weight",
     lambda x, y, p: F.binary_cross_entropy_with_logits(x, y, pos_weight=p, reduction="sum"),
     lambda x, y, p: _bce(x, y, pos_weight=p, reduction="sum"),
     real(2, 3), unit(2, 3), positive(3, grad=False))
case("binary_cross_entropy_with_logits.weight_and_pos_weight",
     lambda x, y, w, p: F.binary_cross_entropy_with_logits(
         x, y, w, pos_weight=p, reduction="none"),
     lambda x, y, w, p: _bce(x, y, w, p, reduction="none"),
     real(2, 3), unit(2, 3), positive(2, 1, grad=False), positive(3, grad=False))
# Logits of +-1000: exact (0 for the right label, 1000 for the wrong one), never inf/nan.
case("binary_cross_entropy_with_logits.large_logits",
     lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
     lambda x, y: _bce(x, y, reduction="none"),
     fixed([1000.0, -1000.0, 1000.0, -1000.0]), fixed([1.0, 0.0, 0.0, 1.0]))
case("binary_cross_entropy_with_logits.large_logits_pos_weight",
     lambda x, y, p: F.binary_cross_entropy_with_logits(x, y, pos_weight=p),
     lambda x, y, p: _bce(x, y, pos_weight=p),
     fixed([1000.0, -1000.0, 1000.0, -1000.0]), fixed([1.0, 0.0, 0.0, 1.0]),
     fixed([2.0, 2.0, 2.0, 2.0], grad=False))


# -- the other chapters: each ``cases_<chapter>.py`` beside this file adds its own cases
# (importing ``case`` and the Arg helpers from here), so chapters grow independently.
def _load_chapters() -> None:
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        importlib.import_module(f"{__package__}.{path.stem}")


_load_chapters()

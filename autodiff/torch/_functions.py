"""The functions of ``autodiff.torch`` whose meaning differs from ``autodiff``'s.

``autodiff`` is an Array API namespace, so where PyTorch gives a name another meaning
(``max(x, 1)`` returns values and indices, ``std`` is unbiased, ``sort`` returns both),
the two namespaces need two functions. Every such name is defined here, once, and
listed in :data:`TABLE`, which the docs page "Coming from PyTorch" shows (a test checks
that the page and the table agree). Most of them are the Tensor method called as a
function: methods already follow PyTorch.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import autodiff as ad
from autodiff import Tensor

__all__ = ["EXTRAS", "TABLE", "Difference"]


class Difference(NamedTuple):
    """One row of the table: how ``autodiff`` and ``autodiff.torch`` read a name."""

    autodiff: str
    torch: str


#: name -> how each namespace reads it; the docs table is this table
TABLE: dict[str, Difference] = {}

#: PyTorch-only names, used only while ``autodiff`` has none of its own
EXTRAS: dict[str, Any] = {}


def _extra(fn: Any) -> Any:
    fn.__module__ = "autodiff.torch"
    EXTRAS[fn.__name__] = fn
    return fn


def _differs(name: str, autodiff: str, torch: str) -> Any:
    def register(fn: Any) -> Any:
        fn.__name__ = fn.__qualname__ = name
        fn.__module__ = "autodiff.torch"
        TABLE[name] = Difference(autodiff, torch)
        return fn

    return register


def _tensor(op: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(value).__name__}")
    return value


@_differs("max", "`max(x, axis=None)`: the values only",
          "`max(x)` the value; `max(x, dim, keepdim=False)` a `(values, indices)` pair; "
          "`max(x, other)` is `maximum`")
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    if other is not None or isinstance(dim, Tensor):
        return ad.maximum(input, dim if other is None else other)
    return Tensor.max(_tensor("max", input), dim, keepdim)


@_differs("min", "`min(x, axis=None)`: the values only",
          "`min(x)` the value; `min(x, dim, keepdim=False)` a `(values, indices)` pair; "
          "`min(x, other)` is `minimum`")
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    if other is not None or isinstance(dim, Tensor):
        return ad.minimum(input, dim if other is None else other)
    return Tensor.min(_tensor("min", input), dim, keepdim)


@_differs("std", "`correction=0` unless told", "unbiased (`correction=1`) unless told; "
          "`std(x, dim, unbiased, keepdim, *, correction)`")
def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None) -> Tensor:
    return Tensor.std(_tensor("std", input), dim, unbiased, keepdim, correction=correction)


@_differs("var", "`correction=0` unless told", "unbiased (`correction=1`) unless told; "
          "`var(x, dim, unbiased, keepdim, *, correction)`")
def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
        *, correction: float | None = None) -> Tensor:
    return Tensor.var(_tensor("var", input), dim, unbiased, keepdim, correction=correction)


def _pair(name: str, spread: Any) -> Any:
    def both(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
        value = spread(input, dim, unbiased, keepdim, correction=correction)
        return value, ad.mean(input, axis=dim, keepdims=keepdim)

    both.__name__ = both.__qualname__ = name
    return _extra(both)


_pair("std_mean", std)
_pair("var_mean", var)


@_differs("sort", "`sort(x, axis=-1)`: the sorted tensor",
          "`sort(x, dim=-1, descending=False, stable=False)`: a `(values, indices)` pair")
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Any:
    return Tensor.sort(_tensor("sort", input), dim, descending, stable=stable)


@_differs("argsort", "`argsort(x, dim, /, *, descending=False, stable=True)`",
          "`argsort(x, dim=-1, descending=False, stable=False)`: descending positional too")
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:
    return Tensor.argsort(_tensor("argsort", input), dim, descending, stable=stable)


@_differs("equal", "elementwise `==`, a boolean tensor",
          "one `bool`: same shape and every element equal (`eq` is elementwise)")
def equal(input: Tensor, other: Tensor) -> bool:
    a, b = _tensor("equal", input), _tensor("equal", other)
    return a.shape == b.shape and builtins.bool(ad.all(ad.equal(a, b)))


@_differs("nonzero", "a tuple of index tensors, one per axis",
          "an `(N, ndim)` index tensor; `as_tuple=True` gives the tuple")
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    return Tensor.nonzero(_tensor("nonzero", input), as_tuple=as_tuple)


@_differs("where", "`where(condition, x1, x2)` only",
          "also `where(condition)`: `nonzero(condition, as_tuple=True)`")
def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes 1 or 3 arguments: where(condition) or "
                        "where(condition, input, other)")
    return ad.where(condition, input, other)


def _reduction(name: str, with_dtype: bool) -> Any:
    method = getattr(Tensor, name)

    def reduce(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
               **kwargs: Any) -> Tensor:
        if with_dtype:
            kwargs["dtype"] = dtype
        elif dtype is not None:
            raise TypeError(f"{name}() got an unexpected keyword argument 'dtype'")
        return method(_tensor(name, input), dim, keepdim, **kwargs)

    extra = ", *, dtype=None" if with_dtype else ""
    ours = (f"`{name}(x, axis=None, *, keepdims=False)`: keepdims keyword only"
            if name in ("sum", "mean", "prod") else
            f"`{name}(x, *, axis=None, keepdims=False)`: keyword only")
    return _differs(name, ours, f"`{name}(x, dim=None, keepdim=False{extra})`, "
                    "positional")(reduce)


sum = _reduction("sum", True)
mean = _reduction("mean", True)
prod = _reduction("prod", True)
all = _reduction("all", False)
any = _reduction("any", False)
argmax = _reduction("argmax", False)
argmin = _reduction("argmin", False)


@_differs("flip", "`flip(x, axis=None)`: every axis by default",
          "`flip(x, dims)`: `dims` required, positional")
def flip(input: Tensor, dims: Any) -> Tensor:
    return ad.flip(_tensor("flip", input), axis=tuple(_dims(dims)))


@_differs("count_nonzero", "`count_nonzero(x, axis=None, keepdims=False)`, keyword only",
          "`count_nonzero(x, dim=None)`, positional")
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    return ad.count_nonzero(_tensor("count_nonzero", input), axis=dim)


@_differs("meshgrid", "`meshgrid(*arrays, indexing='xy')`: Cartesian indexing by default",
          "`meshgrid(*tensors, indexing='ij')`: matrix indexing by default; a list works too")
def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return tuple(ad.meshgrid(*tensors, indexing=indexing))


_CATEGORY = {"bool": 0, "unsigned integer": 1, "signed integer": 1, "real floating": 2,
             "complex floating": 3}


def _category(dtype: Any) -> int:
    if not isinstance(dtype, ad.DType):
        raise TypeError(f"expected an autodiff dtype, got {dtype!r}")
    return _CATEGORY[dtype.kind]


@_differs("can_cast", "`can_cast(from_, to)`: the standard's safe casts only",
          "PyTorch's same-kind casts: any cast that does not go down a kind (bool, integer, "
          "floating, complex), so `can_cast(float64, float32)` is True")
def can_cast(from_: Any, to: Any) -> bool:
    return _category(from_) <= _category(to)


def _number_dtype(value: Any) -> Any:
    """The dtype PyTorch gives a Python number taking part in promotion."""
    if isinstance(value, bool):
        return ad.bool
    if isinstance(value, int):
        return ad.int64
    if isinstance(value, float):
        return ad.get_default_dtype()
    if isinstance(value, complex):
        return _complex_of(ad.get_default_dtype())
    raise TypeError(f"result_type(): expected a Tensor or a number, got {type(value).__name__}")


def _complex_of(dtype: Any) -> Any:
    return ad.complex128 if dtype == ad.float64 else ad.complex64


def _combine(higher: Any, lower: Any) -> Any:
    """PyTorch's ``combine_categories``: a class of operands of lower priority (0-d
    tensors, then numbers) counts only where it brings a higher kind."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "complex floating":
        return higher
    if lower.kind == "complex floating":
        return _complex_of(higher) if higher.kind == "real floating" else lower
    if higher.kind == "real floating":
        return higher
    if higher == ad.bool or lower.kind == "real floating":
        return promote_types(higher, lower)
    return higher


@_differs("result_type", "the standard's promotion table (an `int32` array and a `float32` "
          "one give `float64`)",
          "PyTorch's: the higher kind wins (`float32`), and a 0-d tensor or a number "
          "counts only where it brings a higher kind")
def result_type(tensor: Any, other: Any) -> Any:
    classes: list[Any] = [None, None, None]  # tensors with axes, 0-d tensors, numbers
    for value in (tensor, other):
        if isinstance(value, Tensor):
            index, dtype = (0 if value.ndim else 1), value.dtype
        else:
            index, dtype = 2, _number_dtype(value)
        current = classes[index]
        classes[index] = dtype if current is None else promote_types(current, dtype)
    return _combine(classes[0], _combine(classes[1], classes[2]))


@_extra
def promote_types(type1: Any, type2: Any) -> Any:
    """PyTorch's ``promote_types``: the higher kind wins; within a kind, the standard's
    table (``int32`` and ``float16`` give ``float16``; ``uint8`` and ``int8`` ``int16``)."""
    first, second = _category(type1), _category(type2)
    if first == second:
        return ad.result_type(type1, type2)
    higher, lower = (type1, type2) if first > second else (type2, type1)
    if higher.kind == "complex floating" and lower == ad.float64:
        return ad.complex128  # a complex of the float's precision at least
    return higher


def _dims(dims: Any) -> list[int]:
    return [operator.index(dims)] if not isinstance(dims, Sequence) else list(dims)


@_extra
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    x = _tensor("split", tensor)
    axis = operator.index(dim) % builtins.max(x.ndim, 1)
    length = x.shape[axis]
    if isinstance(split_size_or_sections, Sequence):
        sizes = [operator.index(size) for size in split_size_or_sections]
        if builtins.sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input "
                f"tensor's size at dimension {axis}), but got split_sizes={sizes}")
    else:
        step = operator.index(split_size_or_sections)
        if step <= 0 and length > 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        sizes = [builtins.min(step, length - start) for start in range(0, length, step)] \
            if length else [0]
    pieces, start = [], 0
    lead = (slice(None),) * axis
    for size in sizes:
        pieces.append(x[(*lead, slice(start, start + size))])
        start += size
    return tuple(pieces)


@_extra
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    x = _tensor("chunk", input)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = x.shape[operator.index(dim)]
    return split(x, builtins.max(-(-length // chunks), 1), dim)


@_differs("squeeze", "`squeeze(x, axis)`: an axis that is not 1 raises",
          "`squeeze(x, dim=None)`: an axis that is not 1 is left alone")
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    return Tensor.squeeze(_tensor("squeeze", input), dim)


def _alias(name: str, target: str) -> None:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(ad, target)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"PyTorch's ``{name}``: ``autodiff.{target}``."
    _extra(call)


for _name, _target in {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
                       "gt": "greater", "ge": "greater_equal", "greater": "greater",
                       "not_equal": "not_equal", "absolute": "abs", "negative": "negative",
                       "swapaxes": "transpose", "swapdims": "transpose",
                       "true_divide": "divide", "clip": "clamp", "arccos": "acos",
                       "arcsin": "asin", "arctan": "atan", "arccosh": "acosh",
                       "arcsinh": "asinh", "arctanh": "atanh", "arctan2": "atan2",
                       "fix": "trunc"}.items():
    _alias(_name, _target)


@_extra
def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is an autodiff Tensor."""
    return isinstance(obj, Tensor)


@_extra
def from_numpy(array: Any) -> Tensor:
    """A tensor from a numpy array, keeping its dtype."""
    return ad.asarray(array)


@_extra
def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return _tensor("numel", input).numel()


@_extra
def is_floating_point(input: Tensor) -> bool:
    """Whether ``input`` has a floating-point dtype."""
    return builtins.bool(_tensor("is_floating_point", input).dtype.is_floating_point)


@_extra
def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (a tensor of at most two axes is returned as is)."""
    x = _tensor("t", input)
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return x if x.ndim < 2 else ad.transpose(x, 0, 1)


@_extra
def argwhere(input: Tensor) -> Tensor:
    """The indices of the nonzero elements, one row each: ``nonzero(input)``."""
    return nonzero(input)


@_extra
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """PyTorch's ``torch.diagonal``: the diagonal over ``dim1`` and ``dim2``."""
    return Tensor.diagonal(_tensor("diagonal", input), offset, dim1, dim2)


#: PyTorch's top-level spellings of ``torch.nn.functional`` functions, those whose
#: positional arguments match (``torch.embedding`` and ``torch.batch_norm`` do not, and
#: the top-level losses take ``reduction`` as an int)
FUNCTIONAL = ("softmax", "log_softmax", "dropout", "alpha_dropout", "feature_alpha_dropout",
              "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "layer_norm", "group_norm", "rms_norm", "pixel_shuffle",
              "pixel_unshuffle", "cosine_similarity", "pairwise_distance", "pdist", "celu",
              "selu", "prelu", "rrelu", "hardshrink", "threshold", "bilinear", "max_pool1d",
              "max_pool2d", "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d")


class Size(tuple[int, ...]):
    """PyTorch's ``torch.Size``: a tuple of ints (``x.shape`` compares equal to it)."""

    def numel(self) -> int:
        count = 1
        for size in self:
            count *= size
        return count

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"


EXTRAS["Size"] = Size


def table_markdown() -> str:
    """:data:`TABLE` as the Markdown table the docs page "Coming from PyTorch" shows."""
    rows = ["| name | `autodiff` (Array API) | `autodiff.torch` (PyTorch) |",
            "| --- | --- | --- |"]
    rows += [f"| `{name}` | {row.autodiff} | {row.torch} |" for name, row in TABLE.items()]
    return "\n".join(rows)

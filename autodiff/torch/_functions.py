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
        fn.__doc__ = fn.__doc__ or (f"PyTorch's ``torch.{name}``: {torch}.\n\n"
                                    f"(``autodiff.{name}``, the Array API's: {autodiff}.)")
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


@_differs("squeeze", "`squeeze(x, axis)`: an axis that is not 1 raises",
          "`squeeze(x, dim=None)`: an axis that is not 1 is left alone")
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    return Tensor.squeeze(_tensor("squeeze", input), dim)


@_differs("searchsorted", "`searchsorted(x1, x2, /, *, side='left', sorter=None)`: a 1-D "
          "`x1`", "`searchsorted(sorted_sequence, input, *, out_int32=False, right=False, "
          "side=None, sorter=None)`: an N-d sequence is searched along its last dim")
def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Any = None) -> Tensor:
    sequence = _tensor("searchsorted", sorted_sequence)
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                           f"got {side}")
    if side is not None and right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                           "got side of left while right was True")
    upper = right or side == "right"
    if sequence.ndim <= 1:
        found = ad.searchsorted(sequence, input, side="right" if upper else "left",
                                sorter=sorter)
    else:
        found = _searchsorted_rows(sequence, input, upper, sorter)
    return ad.astype(found, ad.int32 if out_int32 else ad.int64)


def _searchsorted_rows(sequence: Tensor, values: Any, upper: bool, sorter: Any) -> Tensor:
    """Each row of ``values`` searched in the same row of ``sequence``: the count of
    the row's entries below each value (at or below it for ``upper``)."""
    if not isinstance(values, Tensor) or values.shape[:-1] != sequence.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension "
                           f"or the first N-1 dimensions of boundaries tensor and input value "
                           f"tensor must match, but we got boundaries tensor "
                           f"{list(sequence.shape)} and input value tensor "
                           f"{list(getattr(values, 'shape', ()))}")
    if sorter is not None:
        sequence = ad.take_along_dim(sequence, sorter, -1)
    sequence, values = sequence.detach(), values.detach()
    below = ad.less_equal if upper else ad.less
    return ad.sum(ad.astype(below(sequence[..., None, :], values[..., :, None]), ad.int64),
                  axis=-1)


@_differs("diff", "`diff(x, /, *, axis=-1, n=1, prepend=None, append=None)`: keywords",
          "`diff(input, n=1, dim=-1, prepend=None, append=None)`, positional")
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Any = None,
         append: Any = None) -> Tensor:
    return ad.diff(_tensor("diff", input), axis=dim, n=n, prepend=prepend, append=append)


@_extra
def zero_(input: Tensor) -> Tensor:
    """PyTorch's ``torch.zero_``: ``input.zero_()``, filled with zeros in place."""
    return _tensor("zero_", input).zero_()


def table_markdown() -> str:
    """:data:`TABLE` as the Markdown table the docs page "Coming from PyTorch" shows."""
    rows = ["| name | `autodiff` (Array API) | `autodiff.torch` (PyTorch) |",
            "| --- | --- | --- |"]
    rows += [f"| `{name}` | {row.autodiff} | {row.torch} |" for name, row in TABLE.items()]
    return "\n".join(rows)

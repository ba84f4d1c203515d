"""The Tensor: a backend array plus what autograd needs (grad, grad_fn, flags).

Operators and op methods (``+``, ``x.exp()``, ``x.sum(dim=0)`` …) are bound onto
the class where the package is assembled (``autodiff/_methods.py``), so this
module imports no op module.
"""

from __future__ import annotations

import builtins
import warnings
import weakref
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from backends import Backend

from . import _backend, _dtypes, _format, _graph, _mode
from ._device import Device
from ._dtypes import DType

if TYPE_CHECKING:
    from ._graph import Node

__all__ = ["SUPPORTED_API_VERSIONS", "Size", "Tensor", "to_array"]

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead."
)
INTEGER_GRAD_MESSAGE = "Only Tensors of floating point and complex dtype can require gradients"
_HIDDEN_DTYPES = ("int64", "bool")


#: The versions of the Array API standard ``__array_namespace__`` accepts; the last is
#: the one autodiff implements (``autodiff.__array_api_version__``).
SUPPORTED_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12")


class Size(int):
    """``x.size``: the number of elements, as the Array API standard has it, that can
    also be called as PyTorch's method: ``x.size()`` is the shape, ``x.size(dim)`` the
    length of one dimension.

    >>> import autodiff as ad
    >>> x = ad.ones(2, 3)
    >>> x.size, x.size(), x.size(-1)
    (6, (2, 3), 3)
    """

    shape: tuple[builtins.int, ...]

    def __new__(cls, count: builtins.int, shape: tuple[builtins.int, ...]) -> Size:
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: builtins.int | None = None) -> Any:
        if dim is None:
            return self.shape
        ndim = len(self.shape)
        if not ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {dim})")
        return self.shape[dim]

    def __reduce__(self) -> Any:
        return (Size, (builtins.int(self), self.shape))


class Tensor:
    """An n-dimensional array on some backend that can take part in autograd.

    >>> import autodiff as ad
    >>> x = ad.ones(2, 2, requires_grad=True)
    >>> out = ((x + 2) * (x + 2) * 3).mean()
    >>> out.backward()
    >>> x.grad
    tensor([[4.5000, 4.5000],
            [4.5000, 4.5000]])
    """

    __slots__ = ("_array", "_backend", "_grad_fn", "_requires_grad", "_grad", "_acc",
                 "_version", "_tangents", "__weakref__")

    _array: Any
    _backend: Backend
    _grad_fn: Node | None
    _requires_grad: builtins.bool
    _grad: Tensor | None
    _acc: _graph.AccumulateGrad | None
    #: bumped by every in-place write; saved tensors remember it (see _graph)
    _version: builtins.int
    #: forward-mode tangents by dual level (None when it has none)
    _tangents: dict[builtins.int, Tensor] | None


    if TYPE_CHECKING:  # bound in _methods.py where the package is assembled
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...
        def __and__(self, other: Any) -> Tensor: ...
        def __or__(self, other: Any) -> Tensor: ...
        def __eq__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __getitem__(self, key: Any) -> Tensor: ...
        def __iter__(self) -> Iterator[Tensor]: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def add(self, other: Any) -> Tensor: ...
        def sub(self, other: Any) -> Tensor: ...
        def mul(self, other: Any) -> Tensor: ...
        def div(self, other: Any) -> Tensor: ...
        def pow(self, other: Any) -> Tensor: ...
        def matmul(self, other: Any) -> Tensor: ...
        def dot(self, other: Any) -> Tensor: ...
        def neg(self) -> Tensor: ...
        def zero_(self) -> Tensor: ...
        def exp(self) -> Tensor: ...
        def expm1(self) -> Tensor: ...
        def log(self) -> Tensor: ...
        def log1p(self) -> Tensor: ...
        def sin(self) -> Tensor: ...
        def cos(self) -> Tensor: ...
        def tanh(self) -> Tensor: ...
        def sqrt(self) -> Tensor: ...
        def abs(self) -> Tensor: ...
        def sign(self) -> Tensor: ...
        def isnan(self) -> Tensor: ...
        def isfinite(self) -> Tensor: ...
        def relu(self) -> Tensor: ...
        def sigmoid(self) -> Tensor: ...
        def flatten(self) -> Tensor: ...
        def t(self) -> Tensor: ...
        def cpu(self) -> Tensor: ...
        def float(self) -> Tensor: ...
        def double(self) -> Tensor: ...
        def half(self) -> Tensor: ...
        def long(self) -> Tensor: ...
        def int(self) -> Tensor: ...
        def bool(self) -> Tensor: ...
        def sum(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def mean(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def all(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def any(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def norm(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def reshape(self, *shape: Any) -> Tensor: ...
        def view(self, *shape: Any) -> Tensor: ...
        def permute(self, *axes: Any) -> Tensor: ...
        def transpose(self, dim0: builtins.int, dim1: builtins.int) -> Tensor: ...
        def unsqueeze(self, dim: builtins.int) -> Tensor: ...
        def expand(self, *shape: Any) -> Tensor: ...
        def astype(self, dtype: Any, /, *, copy: builtins.bool = True) -> Tensor: ...
        def to(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def cuda(self, device: Any = None) -> Tensor: ...
        def to_device(self, device: Any, /, *, stream: Any = None) -> Tensor: ...

        @property
        def T(self) -> Tensor: ...  # noqa: N802 - the standard's name

        @property
        def mT(self) -> Tensor: ...  # noqa: N802 - the standard's name

    # ``ad.Tensor([1., 2.])`` builds a float tensor as ``torch.Tensor`` does, and
    # ``ad.Tensor(2, 3)`` an uninitialised one of that shape.
    def __init__(self, *data: Any, requires_grad: builtins.bool = False) -> None:
        if data and all(isinstance(size, int) and not isinstance(size, bool) for size in data):
            backend = _backend.get_backend()
            array = backend.xp.empty(data, dtype=backend.dtype(_dtypes.get_default_dtype().name))
        elif len(data) == 1:
            array, backend = to_array(data[0], _dtypes.get_default_dtype(), None, None)
        else:
            raise TypeError(f"Tensor(): expected data or integer sizes, got {data!r}")
        self._array, self._backend = array, backend
        self._grad_fn, self._requires_grad, self._grad, self._acc = None, False, None, None
        self._version, self._tangents = 0, None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array: Any, backend: Backend) -> Tensor:
        """A constant tensor around an existing backend array (the hot path: no checks)."""
        tensor = object.__new__(cls)
        tensor._array = array
        tensor._backend = backend
        tensor._grad_fn = None
        tensor._requires_grad = False
        tensor._grad = None
        tensor._acc = None
        tensor._version = 0
        tensor._tangents = None
        return tensor

    # -- what it holds ------------------------------------------------------------
    @property
    def array(self) -> Any:
        """The underlying backend array (no copy)."""
        return self._array

    @property
    def backend(self) -> str:
        """The name of the backend this tensor's array belongs to."""
        return self._backend.name

    @property
    def shape(self) -> tuple[builtins.int, ...]:
        return tuple(self._array.shape)

    @property
    def size(self) -> Size:
        """The number of elements (the standard's ``x.size``), an int that can also be
        called as PyTorch's ``x.size()`` (the shape) and ``x.size(dim)``."""
        return Size(self.numel(), tuple(self._array.shape))

    @property
    def ndim(self) -> builtins.int:
        return len(self._array.shape)

    def dim(self) -> builtins.int:
        return self.ndim

    def numel(self) -> builtins.int:
        count = 1
        for extent in self._array.shape:
            count *= extent
        return count

    def __len__(self) -> builtins.int:
        if not self._array.shape:
            raise TypeError("len() of a 0-d tensor")
        return int(self._array.shape[0])

    @property
    def dtype(self) -> DType:
        return _dtypes.BY_NAME[self._backend.dtype_name(self._array.dtype)]

    @property
    def device(self) -> Device:
        backend = self._backend
        return Device(backend.device_type, backend.device_index(self._array)
                      if backend.multi_device else None)

    @property
    def is_cuda(self) -> builtins.bool:
        return self._backend.device_type == "cuda"

    def _describe_place(self) -> str:
        place = f"backend {self._backend.name!r}"
        if self._backend.multi_device:
            place += f" on device {str(self.device)!r}"
        return place

    # -- autograd state -----------------------------------------------------------
    @property
    def grad_fn(self) -> Node | None:
        return _graph.named(self._grad_fn)  # handed out in its named class

    @property
    def is_leaf(self) -> builtins.bool:
        return self._grad_fn is None

    @property
    def requires_grad(self) -> builtins.bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: builtins.bool) -> None:
        if self._grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag and not self.dtype.is_differentiable:
            raise RuntimeError(INTEGER_GRAD_MESSAGE)
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return the tensor."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        if self._grad_fn is not None and not self.retains_grad:
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                            f"{type(value).__name__}")
        if value is not None and value.shape != self.shape:
            raise RuntimeError(f"assigned grad has data of a different size: expected "
                               f"{self.shape}, got {value.shape}")
        self._grad = value

    @property
    def retains_grad(self) -> builtins.bool:
        node = self._grad_fn
        extra = None if node is None else node._extra
        return extra is not None and extra.retained is not None and extra.retained() is self

    def retain_grad(self) -> None:
        """Fill ``.grad`` of this non-leaf tensor during backward (a no-op on leaves)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        self._grad_fn.extra().retained = weakref.ref(self)

    def register_hook(self, hook: Any) -> _graph.Handle:
        """Run ``hook(grad)`` each time this tensor's gradient is computed; a returned
        tensor replaces the gradient. ``handle.remove()`` takes the hook away.

        >>> import autodiff as ad
        >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda grad: grad * 10)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([20., 40.])
        >>> handle.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        node = self._grad_fn or self._accumulator()
        return _graph.Handle(node.extra().tensor_hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Any) -> _graph.Handle:
        """Run ``hook(tensor)`` after a gradient was accumulated into this leaf's
        ``.grad`` (an optimizer step per parameter, say).

        >>> import autodiff as ad
        >>> w = ad.tensor([1.0], requires_grad=True)
        >>> _ = w.register_post_accumulate_grad_hook(lambda t: print("grad", t.grad))
        >>> (w * 3).sum().backward()
        grad tensor([3.])
        """
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        return _graph.Handle(self._accumulator().extra().post_accumulate_hooks, hook)

    def _accumulator(self) -> _graph.AccumulateGrad:
        """This leaf's AccumulateGrad node (one per tensor, made when first needed)."""
        node = self._acc
        if node is None:
            node = self._acc = _graph.AccumulateGrad(self)
        return node

    def detach(self) -> Tensor:
        """A tensor sharing this one's array, cut from the graph."""
        return Tensor._wrap(self._array, self._backend)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place, making it a leaf."""
        self._grad_fn = None
        self._requires_grad = False
        return self

    def backward(
        self, gradient: Any = None, retain_graph: builtins.bool | None = None,
        create_graph: builtins.bool = False, inputs: Sequence[Tensor] | None = None,
    ) -> None:
        """Accumulate the gradient of this tensor into the leaves' ``.grad``.

        ``gradient`` is the vector of the vector-Jacobian product; it may be left
        out for a single-element tensor.
        """
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- leaving autodiff ---------------------------------------------------------
    def _host(self) -> np.ndarray:
        return self._backend.to_numpy(self._array)

    def numpy(self) -> np.ndarray:
        """The values as a numpy array (shared memory on the numpy backend)."""
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._host()

    def __array__(self, dtype: Any = None, copy: builtins.bool | None = None) -> np.ndarray:
        values = self.numpy()
        return values if dtype is None else values.astype(dtype)

    def item(self) -> Any:
        """The single value as a Python number."""
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted "
                               "to Scalar")
        return self._host().reshape(()).item()

    def tolist(self) -> Any:
        return self._host().tolist()

    # Python scalars from a one-element tensor; the messages are PyTorch's.
    def _scalar(self, to: str) -> Any:
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if to != "complex" and self.dtype.kind == "complex floating":
            # PyTorch converts a complex value with a zero imaginary part; the standard
            # requires a TypeError, whatever the value.
            raise TypeError(f"{to}() of a complex tensor: take .real (or abs(...)) first, "
                            "or convert with complex()")
        return self._host().reshape(()).item()

    def __float__(self) -> builtins.float:
        return float(self._scalar("float"))

    def __int__(self) -> builtins.int:
        return int(self._scalar("int"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __index__(self) -> builtins.int:
        # bool counts as an integer here, as in PyTorch (operator.index(tensor(True)) == 1)
        if self.numel() != 1 or self.dtype.kind not in (
                "signed integer", "unsigned integer", "bool"):
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._host().reshape(()).item())

    def __bool__(self) -> builtins.bool:
        count = self.numel()
        if count != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'no values' if count == 0 else 'more than one value'} "
                               "is ambiguous")
        return bool(self._host().reshape(()).item())

    __hash__ = object.__hash__

    # -- the Array API: namespace and DLPack ----------------------------------------
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The ``autodiff`` module: the Array API namespace of this tensor.

        >>> import autodiff as ad
        >>> ad.ones(2).__array_namespace__() is ad
        True
        """
        import autodiff

        if api_version is not None and api_version not in SUPPORTED_API_VERSIONS:
            raise ValueError(
                f"__array_namespace__: unsupported api_version {api_version!r}; expected "
                f"None or one of {', '.join(SUPPORTED_API_VERSIONS)}")
        return autodiff

    def __dlpack__(self, /, *, stream: Any = None, max_version: Any = None,
                   dl_device: Any = None, copy: builtins.bool | None = None) -> Any:
        """A DLPack capsule of the values (shared memory), as ``torch.Tensor.__dlpack__``."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use "
                              "tensor.detach()")
        # pass on only what was given: older producers do not know every keyword
        given = {"stream": stream, "max_version": max_version, "dl_device": dl_device,
                 "copy": copy}
        return self._array.__dlpack__(**{k: v for k, v in given.items() if v is not None})

    def __dlpack_device__(self) -> tuple[Any, builtins.int]:
        return self._array.__dlpack_device__()  # type: ignore[no-any-return]

    # -- printing -----------------------------------------------------------------
    def __repr__(self) -> str:
        suffixes = []
        # As PyTorch shows a device other than the default one, show a backend other
        # than the current one (and a GPU tensor's device).
        backend = self._backend
        if backend.device_type != "cpu":
            suffixes.append(f"device='{self.device}'")
        elif backend is not _backend.get_backend():
            suffixes.append(f"backend='{backend.name}'")
        dtype = self.dtype
        # An empty tensor names every dtype but the default float, as PyTorch does.
        hidden = () if self.numel() == 0 else (*_HIDDEN_DTYPES, _dtypes.default_complex().name)
        if dtype is not _dtypes.get_default_dtype() and dtype.name not in hidden:
            suffixes.append(f"dtype={dtype!r}")
        if self._grad_fn is not None:
            suffixes.append(f"grad_fn=<{self._grad_fn.name()}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        levels = _mode.state.forward_levels
        if self._tangents and levels and levels[-1] in self._tangents:
            suffixes.append(f"tangent={self._tangents[levels[-1]]!r}")
        return _format.format_tensor(self._host(), suffixes)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if not self._array.shape:  # a 0-d tensor formats as its number, as in PyTorch
            return format(self.item(), spec)
        return format(repr(self), spec)


def _python_dtype(data: Any) -> DType | None:
    """The dtype PyTorch gives Python data: bool, int64, the default float or complex."""
    kinds = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Tensor):
            kinds.add(item.dtype.kind)
        else:
            kinds.add(type(item).__name__)
    if "complex" in kinds or "complex floating" in kinds:
        return _dtypes.default_complex()
    if "float" in kinds or "real floating" in kinds:
        return _dtypes.get_default_dtype()
    if kinds <= {"bool"} and kinds:
        return _dtypes.bool
    if kinds & {"int", "signed integer", "unsigned integer", "bool"}:
        return _dtypes.int64
    return _dtypes.get_default_dtype() if not kinds else None


def to_array(data: Any, dtype: Any, device: Any, backend: Any,
             copy: builtins.bool | None = True) -> tuple[Any, Backend]:
    """A new backend array and its backend from any tensor-like ``data``.

    Python data and numpy arrays are host data: they go to the requested backend or
    device, else the current backend. Arrays of another library (a cupy array) stay
    on their own backend unless a backend or device is requested.
    """
    target, native_device = _backend.place(backend, device)
    wanted = None if dtype is None else _dtypes.to_dtype(dtype)

    if isinstance(data, Tensor):
        source, values = data._backend, data._array
    else:
        inferred = _backend.backend_of_array(data)
        values = data
        if inferred is None:  # host data
            if not isinstance(data, (np.ndarray, np.generic)):
                if wanted is None:
                    wanted = _python_dtype(data)
                values = np.asarray(_host_values(data), dtype=None if wanted is None
                                    else _numpy_dtype(wanted))
            target = target or _backend.get_backend()
            if wanted is None and values.dtype.name not in _dtypes.BY_NAME:
                raise TypeError(f"tensor: unsupported numpy dtype {values.dtype}")
            name = wanted.name if wanted is not None else values.dtype.name
            return target.asarray(values, name, native_device, copy), target
        source = inferred
    target = target or source
    name = wanted.name if wanted is not None else source.dtype_name(values.dtype)
    if target is source and native_device is None:
        return target.asarray(values, name, copy=copy), target
    return target.asarray(source.to_numpy(values), name, native_device, copy), target


def _numpy_dtype(dtype: DType) -> Any:
    return np.dtype(dtype.name)


def _host_values(data: Any) -> Any:
    """Nested Python data with any tensors inside replaced by their values."""
    if isinstance(data, Tensor):
        return data._host()
    if isinstance(data, (list, tuple)):
        return [_host_values(item) for item in data]
    return data

"""What a Tensor gives to the world outside autodiff: numpy arrays, Python numbers,
DLPack capsules, its Array API namespace and its printed form (a mixin of ``Tensor``)."""

from __future__ import annotations

import builtins
import copy
from typing import TYPE_CHECKING, Any, SupportsIndex, cast

import numpy as np

from backends import BackendError

from . import _backend, _dtypes, _format, _mode, _rules

if TYPE_CHECKING:
    from backends import Backend

    from ._dtypes import DType
    from ._graph import Node

_HIDDEN_DTYPES = ("int64", "bool")

#: The versions of the Array API standard ``__array_namespace__`` accepts; the last is
#: the one autodiff implements (``autodiff.__array_api_version__``).
SUPPORTED_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12", "2025.12")

DEEPCOPY_NONLEAF_MESSAGE = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
    "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
    "because of a torch.nn.utils.weight_norm usage, see "
    "https://github.com/pytorch/pytorch/pull/103001"
)


def rebuild_tensor(cls: type[TensorIO], values: np.ndarray, dtype: str, backend: str,
                   device: builtins.int | None, requires_grad: builtins.bool) -> Any:
    """A pickled tensor, unpickled: its values on the backend (and device) it was
    pickled from, a leaf with its ``requires_grad``. Pickles name this function, so
    its name and arguments stay as they are."""
    try:
        target, native_device = _backend.place(backend, None)
    except BackendError as error:
        raise BackendError(f"unpickling a tensor of backend {backend!r}: {error}. Unpickle it "
                           f"where that backend is available, or pickle t.to(backend=...) of "
                           f"an available one") from None
    target = cast("Backend", target)  # a backend was named, so place gives one
    if device is not None:
        native_device = target.device(device)
    tensor = cls._wrap(_mode.from_data(target.asarray(values, dtype, native_device)), target)
    tensor._requires_grad = requires_grad
    return tensor


class TensorIO:
    """Conversions and printing; the state they read is ``Tensor``'s."""

    __slots__ = ()
    #: numpy defers to the tensor's reflected operators, as it does for PyTorch's:
    #: ``np.float32(2) * x`` is ``x.__rmul__(np.float32(2))``, a tensor, and
    #: ``ndarray * x`` raises the op's TypeError rather than leaving autodiff
    __array_priority__ = 1000
    _array: Any
    _backend: Backend
    _grad_fn: Node | None
    _requires_grad: builtins.bool
    _tangents: dict[builtins.int, Any] | None

    if TYPE_CHECKING:  # Tensor's
        _grad: Any

        @classmethod
        def _wrap(cls, array: Any, backend: Backend) -> Any: ...

        def detach(self) -> Any: ...

        @property
        def dtype(self) -> DType: ...

        @property
        def device(self) -> Any: ...

        def numel(self) -> builtins.int: ...

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

    # -- pickle and copy, as PyTorch's tensors do ------------------------------------------
    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        """Pickles the values (through numpy), dtype, backend (and device) and
        ``requires_grad``; a non-leaf unpickles as a leaf, and ``.grad`` is not kept,
        as in PyTorch. A lazy backend's array is pickled as it is (on dask, its task
        graph and chunks), so shipping a tensor to a cluster's workers computes nothing.

        >>> import pickle, autodiff as ad
        >>> pickle.loads(pickle.dumps(ad.tensor([1.0, 2.0], requires_grad=True)))
        tensor([1., 2.], requires_grad=True)
        """
        backend = self._backend
        device = backend.device_index(self._array) if backend.multi_device else None
        values = self._array if backend.lazy else self._host()
        return (rebuild_tensor, (type(self), values, self.dtype.name, backend.name,
                                 device, self._requires_grad))

    def __copy__(self) -> Any:
        """``copy.copy``: a leaf sharing this tensor's memory (and, as a ``detach()``
        alias, its version counter), with its ``requires_grad`` and no ``.grad``."""
        alias = self.detach()
        alias._requires_grad = self._requires_grad
        return alias

    def __deepcopy__(self, memo: dict[builtins.int, Any]) -> Any:
        """``copy.deepcopy`` of a leaf: new memory, its ``requires_grad`` and a deep copy
        of its ``.grad``; a non-leaf raises, as in PyTorch.

        >>> import copy, autodiff as ad
        >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> copy.deepcopy(x).grad
        tensor([2., 4.])
        """
        if self._grad_fn is not None:
            raise RuntimeError(DEEPCOPY_NONLEAF_MESSAGE)
        backend = self._backend
        new = type(self)._wrap(backend.copy(self._array), backend)
        new._requires_grad = self._requires_grad
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        return new

    # -- the Array API: namespace and DLPack ----------------------------------------
    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The ``autodiff`` module: the Array API namespace of this tensor.

        >>> import autodiff as ad
        >>> ad.ones(2).__array_namespace__() is ad
        True
        """
        if api_version is not None and api_version not in SUPPORTED_API_VERSIONS:
            raise ValueError(
                f"__array_namespace__: unsupported api_version {api_version!r}; expected "
                f"None or one of {', '.join(SUPPORTED_API_VERSIONS)}")
        return _rules.namespace_module()

    def __dlpack__(self, /, *, stream: Any = None, max_version: Any = None,
                   dl_device: Any = None, copy: builtins.bool | None = None) -> Any:
        """A DLPack capsule of the values (shared memory), as ``torch.Tensor.__dlpack__``."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use "
                              "tensor.detach()")
        # pass on only what was given: older producers do not know every keyword
        given = {"stream": stream, "max_version": max_version, "dl_device": dl_device,
                 "copy": copy}
        return self._dlpack_source().__dlpack__(
            **{k: v for k, v in given.items() if v is not None})

    def __dlpack_device__(self) -> tuple[Any, builtins.int]:
        return self._dlpack_source().__dlpack_device__()

    def _dlpack_source(self) -> Any:
        # a lazy array (dask) is a task graph, not memory: its computed values go out
        return self._host() if self._backend.lazy else self._array

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

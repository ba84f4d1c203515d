"""The Tensor: a backend array plus what autograd needs (grad, grad_fn, flags).

Operators and op methods (``+``, ``x.exp()``, ``x.sum(dim=0)`` …) are bound onto
the class where the package is assembled (``autodiff/_assemble.py``), so this
module imports no op module.
"""

from __future__ import annotations

import builtins
import warnings
import weakref
from typing import TYPE_CHECKING, Any

from backends import Backend

from . import _backend, _dtypes, _graph, _mode, _views
from ._convert import to_array
from ._device import Device
from ._dtypes import DType
from ._tensor_io import SUPPORTED_API_VERSIONS, TensorIO

if TYPE_CHECKING:
    from ._graph import Node
    from ._tensor_methods import TensorMethods  # the methods _assemble binds
else:
    TensorMethods = object

__all__ = ["SUPPORTED_API_VERSIONS", "Size", "Tensor"]

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead."
)
INTEGER_GRAD_MESSAGE = "Only Tensors of floating point and complex dtype can require gradients"


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


class Tensor(TensorIO, TensorMethods):
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
                 "_version", "_tangents", "_view", "__weakref__")

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
    #: for a view or a detached alias, where its memory comes from; for a tensor with
    #: live aliases, their list (see _views); None for every other tensor
    _view: _views.ViewOf | _views.Aliases | None


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
        self._version, self._tangents, self._view = 0, None, None
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
        tensor._view = None
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
        # autodiff.compile: where the array came from (outside a trace this costs a
        # plain read, not the thread-local one)
        if _mode.traces.count and _mode.tracing.active is not None:
            _mode.tracing.active.grad_read(self)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            self._check_assigned_grad(value)
        if _mode.traces.count and _mode.tracing.active is not None:
            _mode.tracing.active.grad_set(self, value)  # autodiff.compile records it
        self._grad = value

    def _check_assigned_grad(self, value: Any) -> None:
        """PyTorch's checks on ``x.grad = value``: a tensor of x's dtype, shape and place."""
        if not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                            f"type {type(value).__name__}")
        if value.dtype != self.dtype:
            raise RuntimeError(f"attempting to assign a gradient with dtype "
                               f"'{value.dtype.name}' to a tensor with grad_dtype "
                               f"'{self.dtype.name}'. The gradient must match the tensor's "
                               f"dtype.")
        if value.shape != self.shape:
            raise RuntimeError(f"assigned grad has data of a different size: expected "
                               f"{self.shape}, got {value.shape}")
        if value._backend is not self._backend or value.device != self.device:
            raise RuntimeError(f"assigned grad has data located on a different device: the "
                               f"tensor is on {self._describe_place()}, the grad on "
                               f"{value._describe_place()}")

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
        """A tensor sharing this one's array (and version counter), cut from the graph."""
        return _views.detached(Tensor._wrap(self._array, self._backend), self)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place, making it a leaf."""
        self._grad_fn = None
        self._requires_grad = False
        return self

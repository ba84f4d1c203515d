"""Creation functions and moving tensors between backends.

Every creation function takes ``dtype=``, ``device=`` (``"cpu"``, ``"cuda"``,
``"cuda:1"``), ``backend=`` (a backend name) and ``requires_grad=``; shapes may be
given as sizes (``ones(2, 3)``), as one sequence (``ones((2, 3))``, the standard's
``shape``) or as PyTorch's ``size=``.
"""

from __future__ import annotations

from typing import Any

from backends import Backend

from .. import _backend, _dtypes, _mode
from .._convert import to_array
from .._device import device as parse_device
from .._tensor import Tensor
from ._helpers import pick, shape_from
from .transfer import placement, to_device

__all__ = ["arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full",
           "full_like", "linspace", "ones", "ones_like", "tensor", "zeros",
           "zeros_like"]
NOT_METHODS = tuple(__all__)


def _sizes(sizes: tuple[Any, ...], size: Any) -> tuple[Any, ...]:
    """Sizes given positionally (``ones(2, 3)``) or as ``size=`` (``randn(size=())``)."""
    if size is None:
        return sizes
    if sizes:
        raise TypeError("got a shape both positionally and as size=; pass one")
    return (size,)


def _shape_args(op: str, shape: Any, sizes: tuple[Any, ...], size: Any) -> tuple[Any, ...]:
    """The standard's ``shape`` argument, PyTorch's sizes (``zeros(2, 3)``) and ``size=``."""
    if shape is None:
        if size is None:
            raise TypeError(f"{op}() missing its shape: pass a shape such as (2, 3)")
        if sizes:
            raise TypeError(f"{op}: got a shape both positionally and as size=; pass one")
        return (size,)
    if size is not None:
        raise TypeError(f"{op}: got a shape both positionally and as size=; pass one")
    return (shape, *sizes)


def _finish(array: Any, backend: Backend, requires_grad: bool) -> Tensor:
    tensor = Tensor._wrap(_mode.from_data(array), backend)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _like_place(x: Tensor, dtype: Any, device: Any, backend: Any) -> tuple[Any, Any, Any]:
    """Defaults of the ``*_like`` functions: x's dtype, and x's backend and device."""
    if device is None and backend is None:
        backend = x._backend
        if x._backend.multi_device:
            device = str(x.device)
    return (x.dtype if dtype is None else dtype), device, backend


def tensor(data: Any, *, dtype: Any = None, device: Any = None, backend: Any = None,
           requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (Python data or any array).

    Python floats become the default float dtype (float32), ints int64; an array
    keeps its dtype; a cupy array stays on cupy unless ``device``/``backend`` say
    otherwise.

    >>> import autodiff as ad
    >>> ad.tensor([[2.0]], requires_grad=True)
    tensor([[2.]], requires_grad=True)
    """
    array, owner = to_array(data, dtype, device, backend)
    return _finish(array, owner, requires_grad)


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            backend: Any = None, requires_grad: bool = False) -> Tensor:
    """``obj`` as a tensor, sharing memory where it can (the standard's ``asarray``).

    A tensor comes back itself, or, when another dtype or place is asked for, converted
    by differentiable ops, so library code calling ``xp.asarray(x, dtype=...)`` keeps
    the graph. ``copy=True`` always copies; ``copy=False`` never does, and raises
    ``ValueError`` where a copy would be needed (Python data, a dtype change).

    >>> import autodiff as ad
    >>> x = ad.ones(2); ad.asarray(x) is x
    True
    >>> ad.asarray([1, 2], dtype=ad.float64)
    tensor([1., 2.], dtype=autodiff.float64)
    """
    if isinstance(obj, Tensor):
        return _tensor_as(obj, dtype, device, backend, copy, requires_grad)
    if copy is False and _backend.backend_of_array(obj) is None and not hasattr(
            obj, "__array_interface__") and not hasattr(obj, "__dlpack__"):
        raise ValueError(f"asarray: copy=False, but a {type(obj).__name__} can only be "
                         "made a tensor by copying; pass copy=None or copy=True")
    array, owner = to_array(obj, dtype, device, backend, copy)
    return _finish(array, owner, requires_grad)


def _tensor_as(x: Tensor, dtype: Any, device: Any, backend: Any, copy: bool | None,
               requires_grad: bool) -> Tensor:
    from .datatypes import astype

    result = x
    if device is not None or backend is not None:
        owner, _ = _backend.place(backend, device)
        if owner is not x._backend or (device is not None and parse_device(device) != x.device):
            result = to_device(x, device=device, backend=backend)
    if dtype is not None and _dtypes.to_dtype(dtype) is not result.dtype:
        result = astype(result, dtype)
    if result is not x and copy is False:
        raise ValueError(f"asarray: copy=False, but going from {x.dtype!r} on "
                         f"{x._describe_place()} to {result.dtype!r} on "
                         f"{result._describe_place()} needs a copy")
    if copy and result is x:
        result = astype(x, x.dtype)  # a copy that keeps the graph
    if requires_grad and not result.requires_grad:
        result = result.detach().requires_grad_(True)
    return result


def _filled(op: str, fill: Any, sizes: tuple[Any, ...], dtype: Any, device: Any,
            backend: Any, requires_grad: bool) -> Tensor:
    shape = shape_from(op, sizes)
    owner, native, resolved = placement(dtype, device, backend)
    xp = owner.xp
    kwargs = {} if native is None else {"device": native}
    array = xp.full(shape, fill, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def zeros(shape: Any = None, *sizes: Any, size: Any = None, dtype: Any = None,
          device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> import autodiff as ad
    >>> ad.zeros(3)
    tensor([0., 0., 0.])
    """
    return _filled("zeros", 0, _shape_args("zeros", shape, sizes, size), dtype, device,
                   backend, requires_grad)


def ones(shape: Any = None, *sizes: Any, size: Any = None, dtype: Any = None,
         device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    >>> import autodiff as ad
    >>> ad.ones(2, 2)
    tensor([[1., 1.],
            [1., 1.]])
    """
    return _filled("ones", 1, _shape_args("ones", shape, sizes, size), dtype, device,
                   backend, requires_grad)


def empty(shape: Any = None, *sizes: Any, size: Any = None, dtype: Any = None,
          device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor whose values are unspecified (here: zeros, so results are reproducible).

    >>> import autodiff as ad
    >>> ad.empty(2, 3).shape
    (2, 3)
    """
    return _filled("empty", 0, _shape_args("empty", shape, sizes, size), dtype, device,
                   backend, requires_grad)


def full(shape: Any = None, fill_value: Any = None, *, size: Any = None, dtype: Any = None,
         device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype follows the value: bool, int64, the
    default float or complex dtype). A 0-d tensor that does not require grad may be
    the value, as in PyTorch; to keep a gradient, use ``broadcast_to(v, shape)``.

    >>> import autodiff as ad
    >>> ad.full((2,), 7)
    tensor([7, 7])
    """
    if isinstance(fill_value, Tensor):
        if fill_value.requires_grad or fill_value.ndim:
            raise TypeError("full: fill_value must be a Python number or a 0-d tensor that "
                            "does not require grad; to keep the gradient of a tensor v, use "
                            "broadcast_to(v, shape)")
        fill_value = fill_value.item()
    elif fill_value is None:
        raise TypeError("full() missing its fill_value")
    if dtype is None:
        dtype = _dtypes.to_dtype(type(fill_value)) if isinstance(
            fill_value, (bool, int, float, complex)) else None
    sizes = _shape_args("full", shape, (), size)
    return _filled("full", fill_value, sizes, dtype, device, backend, requires_grad)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
        device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the ``k``-th diagonal.

    >>> import autodiff as ad
    >>> ad.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    owner, native, resolved = placement(dtype, device, backend)
    kwargs = {} if native is None else {"device": native}
    array = owner.xp.eye(n_rows, n_cols, k=k, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, end: Any = None, backend: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop); int64 for integer arguments, else float.
    (``end=`` is PyTorch's name for ``stop``.)

    >>> import autodiff as ad
    >>> ad.arange(4.0)
    tensor([0., 1., 2., 3.])
    """
    stop = pick("arange", "stop", stop, "end", end, None)
    if stop is None:
        start, stop = 0, start
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop, step))
    default = _dtypes.int64 if integral else _dtypes.get_default_dtype()
    owner, native, resolved = placement(dtype, device, backend, default)
    kwargs = {} if native is None else {"device": native}
    array = owner.xp.arange(start, stop, step, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def _end_value(end: Any, name: str) -> Any:
    if not isinstance(end, Tensor):
        return end
    if end.ndim:
        raise RuntimeError(f"linspace only supports 0-dimensional start and end tensors, but "
                           f"got {name} with {end.ndim} dimension(s).")
    return end.item()


def linspace(start: Any, stop: Any, /, num: int | None = None, *, dtype: Any = None,
             device: Any = None, endpoint: bool = True, steps: int | None = None,
             backend: Any = None, requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` (``stop`` left out when
    ``endpoint=False``; ``steps=`` is PyTorch's name for ``num``). Complex ends give
    the default complex dtype.

    >>> import autodiff as ad
    >>> ad.linspace(0, 1, 3)
    tensor([0.0000, 0.5000, 1.0000])
    >>> ad.linspace(0, 1, 4, endpoint=False)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    num = pick("linspace", "num", num, "steps", steps, None)
    # 0-d tensor ends are read as Python numbers, as PyTorch's .item(): the line is then
    # computed in the result's dtype, not in the ends' (a float32 end would round it)
    start, stop = (_end_value(e, n) for e, n in ((start, "start"), (stop, "end")))
    if num is None:
        raise TypeError("linspace() missing its number of values, num")
    default = _dtypes.default_complex() if isinstance(start, complex) or isinstance(
        stop, complex) else None
    owner, native, resolved = placement(dtype, device, backend, default)
    kwargs = {} if native is None else {"device": native}
    xp = owner.xp
    if resolved.kind != "complex floating":
        array = xp.linspace(start, stop, num, dtype=owner.dtype(resolved.name),
                            endpoint=endpoint, **kwargs)
        return _finish(array, owner, requires_grad)
    # a complex line is two real ones, computed alike (numpy's complex steps reduce
    # to them exactly); some libraries (cupy) take no complex ends
    start, stop = complex(start), complex(stop)
    part = owner.dtype("float32" if resolved.name == "complex64" else "float64")
    real, imag = (xp.astype(xp.linspace(a, b, num, dtype=part, endpoint=endpoint, **kwargs),
                            owner.dtype(resolved.name))
                  for a, b in ((start.real, stop.real), (start.imag, stop.imag)))
    return _finish(real + imag * 1j, owner, requires_grad)


def zeros_like(x: Tensor, /, *, dtype: Any = None, device: Any = None, backend: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros with ``x``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.zeros_like(ad.ones(2))
    tensor([0., 0.])
    """
    dtype, device, backend = _like_place(x, dtype, device, backend)
    return zeros(x.shape, dtype=dtype, device=device, backend=backend,
                 requires_grad=requires_grad)


def ones_like(x: Tensor, /, *, dtype: Any = None, device: Any = None, backend: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones with ``x``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.ones_like(ad.zeros(2))
    tensor([1., 1.])
    """
    dtype, device, backend = _like_place(x, dtype, device, backend)
    return ones(x.shape, dtype=dtype, device=device, backend=backend,
                requires_grad=requires_grad)


def empty_like(x: Tensor, /, *, dtype: Any = None, device: Any = None, backend: Any = None,
               requires_grad: bool = False) -> Tensor:
    """An unspecified tensor with ``x``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.empty_like(ad.ones(2, 2)).shape
    (2, 2)
    """
    dtype, device, backend = _like_place(x, dtype, device, backend)
    return empty(x.shape, dtype=dtype, device=device, backend=backend,
                 requires_grad=requires_grad)


def full_like(x: Tensor, /, fill_value: Any, *, dtype: Any = None, device: Any = None,
              backend: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with ``x``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.full_like(ad.ones(2), 5)
    tensor([5., 5.])
    """
    dtype, device, backend = _like_place(x, dtype, device, backend)
    return full(x.shape, fill_value, dtype=dtype, device=device, backend=backend,
                requires_grad=requires_grad)


#: DLPack's device types (``DLDeviceType``) that autodiff has a device spec for
_DLPACK_DEVICE_TYPES = {1: "cpu", 2: "cuda"}


def _dlpack_device(x: Any) -> str | None:
    """The device spec of a DLPack producer (None when it says nothing we know)."""
    ask = getattr(x, "__dlpack_device__", None)
    if ask is None:
        return None
    kind, index = ask()
    name = _DLPACK_DEVICE_TYPES.get(int(kind))
    if name is None or name == "cpu":
        return name
    return f"{name}:{int(index)}"


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None,
                backend: Any = None) -> Tensor:
    """A tensor sharing memory with any object that exports ``__dlpack__`` (a copy
    with ``copy=True``).

    The tensor stays where the data is, as in PyTorch: host data goes to a host
    backend (the current one when it is one), device data to a backend of that device.

    >>> import autodiff as ad, numpy as np
    >>> ad.from_dlpack(np.arange(3.0)).tolist()
    [0.0, 1.0, 2.0]
    """
    if isinstance(x, Tensor):
        x = x._array
    owner = _backend.backend_of_array(x) if backend is None and device is None else None
    if owner is None:
        if backend is None and device is None:
            device = _dlpack_device(x)
        owner, _, _ = placement(None, device, backend)
    array = owner.from_dlpack(x)
    if copy:
        array = owner.asarray(array, owner.dtype_name(array.dtype), copy=True)
    return Tensor._wrap(_mode.from_data(array), owner)

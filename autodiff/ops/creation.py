"""Creation functions, random numbers and moving tensors between backends.

Every creation function takes ``dtype=``, ``device=`` (``"cpu"``, ``"cuda"``,
``"cuda:1"``), ``backend=`` (a backend name) and ``requires_grad=``; shapes may be
given as sizes (``ones(2, 3)``) or as one sequence (``ones((2, 3))``).
"""

from __future__ import annotations

from typing import Any

from backends import Backend

from .. import _backend, _dtypes
from .._dtypes import DType
from .._primitive import Op, primitive
from .._tensor import Tensor, to_array
from ._helpers import shape_from

__all__ = ["Generator", "arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full",
           "full_like", "linspace", "manual_seed", "ones", "ones_like", "rand", "randint",
           "randn", "tensor", "to_device", "zeros", "zeros_like"]
NOT_METHODS = tuple(__all__)


def _place(dtype: Any, device: Any, backend: Any, default: DType | None = None
           ) -> tuple[Backend, Any, DType]:
    """The backend, native device and dtype a new tensor gets."""
    target, native = _backend.place(backend, device)
    resolved = _dtypes.to_dtype(dtype) if dtype is not None else (
        default or _dtypes.get_default_dtype())
    return target or _backend.get_backend(), native, resolved


def _sizes(sizes: tuple[Any, ...], size: Any) -> tuple[Any, ...]:
    """Sizes given positionally (``ones(2, 3)``) or as ``size=`` (``randn(size=())``)."""
    if size is None:
        return sizes
    if sizes:
        raise TypeError("got a shape both positionally and as size=; pass one")
    return (size,)


def _finish(array: Any, backend: Backend, requires_grad: bool) -> Tensor:
    tensor = Tensor._wrap(array, backend)
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
    """Like ``tensor``, but returns ``obj`` itself when it already is a suitable tensor.

    >>> import autodiff as ad
    >>> x = ad.ones(2); ad.asarray(x) is x
    True
    """
    if isinstance(obj, Tensor) and copy is not True and device is None and backend is None and (
            dtype is None or _dtypes.to_dtype(dtype) is obj.dtype) and not requires_grad:
        return obj
    array, owner = to_array(obj, dtype, device, backend, copy)
    return _finish(array, owner, requires_grad)


def _filled(op: str, fill: Any, sizes: tuple[Any, ...], dtype: Any, device: Any,
            backend: Any, requires_grad: bool) -> Tensor:
    shape = shape_from(op, sizes)
    owner, native, resolved = _place(dtype, device, backend)
    xp = owner.xp
    kwargs = {} if native is None else {"device": native}
    array = xp.full(shape, fill, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> import autodiff as ad
    >>> ad.zeros(3)
    tensor([0., 0., 0.])
    """
    return _filled("zeros", 0, _sizes(sizes, size), dtype, device, backend, requires_grad)


def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    >>> import autodiff as ad
    >>> ad.ones(2, 2)
    tensor([[1., 1.],
            [1., 1.]])
    """
    return _filled("ones", 1, _sizes(sizes, size), dtype, device, backend, requires_grad)


def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor whose values are unspecified (here: zeros, so results are reproducible).

    >>> import autodiff as ad
    >>> ad.empty(2, 3).shape
    (2, 3)
    """
    return _filled("empty", 0, _sizes(sizes, size), dtype, device, backend, requires_grad)


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype follows the value, as in PyTorch).

    >>> import autodiff as ad
    >>> ad.full((2,), 7)
    tensor([7, 7])
    """
    if dtype is None:
        dtype = _dtypes.to_dtype(type(fill_value)) if isinstance(
            fill_value, (bool, int, float, complex)) else None
    return _filled("full", fill_value, (size,), dtype, device, backend, requires_grad)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
        device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the ``k``-th diagonal.

    >>> import autodiff as ad
    >>> ad.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    owner, native, resolved = _place(dtype, device, backend)
    kwargs = {} if native is None else {"device": native}
    array = owner.xp.eye(n_rows, n_cols, k=k, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def arange(start: Any, stop: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop); int64 for integer arguments, else float.

    >>> import autodiff as ad
    >>> ad.arange(4.0)
    tensor([0., 1., 2., 3.])
    """
    if stop is None:
        start, stop = 0, start
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop, step))
    default = _dtypes.int64 if integral else _dtypes.get_default_dtype()
    owner, native, resolved = _place(dtype, device, backend, default)
    kwargs = {} if native is None else {"device": native}
    array = owner.xp.arange(start, stop, step, dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def linspace(start: float, stop: float, num: int, *, dtype: Any = None, device: Any = None,
             backend: Any = None, endpoint: bool = True, requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``.

    >>> import autodiff as ad
    >>> ad.linspace(0, 1, 3)
    tensor([0.0000, 0.5000, 1.0000])
    """
    owner, native, resolved = _place(dtype, device, backend)
    kwargs = {} if native is None else {"device": native}
    array = owner.xp.linspace(start, stop, num, dtype=owner.dtype(resolved.name),
                              endpoint=endpoint, **kwargs)
    return _finish(array, owner, requires_grad)


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


def manual_seed(seed: int) -> Generator:
    """Seed every loaded backend's generator, so random tensors are reproducible.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0); a = ad.randn(3)
    >>> _ = ad.manual_seed(0); bool((ad.randn(3) == a).all())
    True
    """
    import backends

    for name in backends.available_backends():
        backends.load_backend(name).seed(int(seed))
    return Generator(int(seed))


class Generator:
    """What ``manual_seed`` returns (PyTorch returns its default generator)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def initial_seed(self) -> int:
        return self._seed

    def __repr__(self) -> str:
        return f"<autodiff.Generator object at {hex(id(self))}>"


def _random(op: str, draw: str, sizes: tuple[Any, ...], dtype: Any, device: Any,
            backend: Any, requires_grad: bool) -> Tensor:
    shape = shape_from(op, sizes)
    owner, native, resolved = _place(dtype, device, backend)
    if not resolved.is_floating_point:
        raise TypeError(f"{op}: expected a floating point dtype, got {resolved!r}")
    array = getattr(owner, draw)(shape, resolved.name, native)
    return _finish(array, owner, requires_grad)


def randn(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples.

    >>> import autodiff as ad
    >>> ad.randn(2, 3).shape
    (2, 3)
    """
    return _random("randn", "normal", _sizes(sizes, size), dtype, device, backend, requires_grad)


def rand(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1).

    >>> import autodiff as ad
    >>> bool((ad.rand(100) < 1).all())
    True
    """
    return _random("rand", "uniform", _sizes(sizes, size), dtype, device, backend, requires_grad)


def randint(low: int, high: Any = None, size: Any = (), *, dtype: Any = None,
            device: Any = None, backend: Any = None) -> Tensor:
    """Uniform integers on [low, high) (int64 unless ``dtype`` says otherwise).

    >>> import autodiff as ad
    >>> ad.randint(0, 10, (3,)).dtype
    autodiff.int64
    """
    if high is None or not isinstance(high, int):  # randint(high, size), as in PyTorch
        low, high, size = 0, low, (size if high is None else high)
    shape = shape_from("randint", (size,))
    owner, native, resolved = _place(dtype, device, backend, _dtypes.int64)
    return Tensor._wrap(owner.integers(low, high, shape, resolved.name, native), owner)


def from_dlpack(x: Any, /, *, device: Any = None, backend: Any = None) -> Tensor:
    """A tensor sharing memory with any object that exports ``__dlpack__``.

    >>> import autodiff as ad, numpy as np
    >>> ad.from_dlpack(np.arange(3.0))
    tensor([0., 1., 2.], dtype=autodiff.float64)
    """
    if isinstance(x, Tensor):
        x = x._array
    owner = _backend.backend_of_array(x) if backend is None and device is None else None
    if owner is None:
        owner, _, _ = _place(None, device, backend)
    return Tensor._wrap(owner.from_dlpack(x), owner)


# -- moving between backends and devices -----------------------------------------------
def _transfer_forward(xp: Any, x: Any, target: Backend, device: Any, source: Backend,
                      source_device: Any) -> Any:
    name = source.dtype_name(x.dtype)
    if target is source:
        return target.asarray(x, name, device)
    return target.asarray(source.to_numpy(x), name, device)


_transfer: Op = primitive(
    "to_device", torch_name="ToCopy",
    forward=_transfer_forward,
    vjp=lambda g, ans, x, target, device, source, source_device: _transfer(
        g, target=source, device=source_device, source=target, source_device=device),
    jvp="linear",
    namespace="autodiff.Tensor", moves=True,
)


def to_device(x: Tensor, device: Any = None, backend: Any = None) -> Tensor:
    """``x`` on another device or backend; differentiable (the gradient comes back).

    >>> import autodiff as ad
    >>> ad.ones(2).to("cpu").device
    device(type='cpu')
    """
    owner, native, _ = _place(None, device, backend)
    source_device = x._backend.device(x.device.index) if x._backend.multi_device else None
    same_place = owner is x._backend and (
        not owner.multi_device or native is None or x.device.index == _index(native))
    if same_place:
        return x
    return _transfer(x, target=owner, device=native, source=x._backend,
                     source_device=source_device)


def _index(native: Any) -> int | None:
    index = getattr(native, "id", None)
    return None if index is None else int(index)

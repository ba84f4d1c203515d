"""Moving a tensor between backends and devices, differentiably: the gradient goes
back where the tensor came from."""

from __future__ import annotations

from typing import Any

from backends import Backend

from .. import _backend, _dtypes
from .._dtypes import DType
from .._primitive import Op, primitive
from .._tensor import Tensor

__all__ = ["to_device"]
NOT_METHODS = ("to_device",)  # bound as x.to_device(device) (the standard's method)


def placement(dtype: Any, device: Any, backend: Any, default: DType | None = None
           ) -> tuple[Backend, Any, DType]:
    """The backend, native device and dtype a new tensor gets."""
    target, native = _backend.place(backend, device)
    resolved = _dtypes.to_dtype(dtype) if dtype is not None else (
        default or _dtypes.get_default_dtype())
    return target or _backend.get_backend(), native, resolved



def _transfer_forward(xp: Any, x: Any, target: Backend, device: Any, source: Backend,
                      source_device: Any) -> Any:
    name = source.dtype_name(x.dtype)
    if target is source:
        return target.asarray(x, name, device)
    return target.asarray(source.to_numpy(x), name, device)


_transfer: Op = primitive(
    "to_device", torch_name="ToCopy",
    forward=_transfer_forward,
    vjp=lambda xp, g, _ans, _x, target, device, source, source_device: xp.prim.to_device(
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
    if backend is None and device is not None and str(device) == str(x.device):
        return x  # already there, as PyTorch (a host backend other than the default stays)
    owner, native, _ = placement(None, device, backend)
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

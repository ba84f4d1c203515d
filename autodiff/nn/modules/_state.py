"""A module's state: ``state_dict``, ``load_state_dict`` and ``to`` (a mixin of ``Module``).

>>> import autodiff as ad
>>> class Scale(ad.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.weight = ad.nn.Parameter(ad.ones(2))
>>> m = Scale()
>>> m.load_state_dict({"weight": __import__("numpy").array([3.0, 4.0])})
<All keys matched successfully>
>>> dict(m.state_dict())
{'weight': tensor([3., 4.])}
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ... import _dtypes
from ..._mode import no_grad
from ..._tensor import Tensor
from ...ops.creation import asarray
from ..parameter import Parameter

if TYPE_CHECKING:
    from .module import Module

__all__ = ["IncompatibleKeys", "ModuleState"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: the keys it missed and the keys it did not use."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                f"unexpected_keys={self.unexpected_keys})")


class ModuleState:
    """``Module``'s methods about its tensors as a whole."""

    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Module | None]

    # -- saving ----------------------------------------------------------------------
    def _persistent_state(self) -> Iterator[tuple[str, Tensor]]:
        for name, param in self._parameters.items():
            if param is not None:
                yield name, param
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                yield name, buffer

    def _save_to_state_dict(self, destination: dict[str, Any], prefix: str,
                            keep_vars: bool) -> None:
        for name, value in self._persistent_state():
            destination[prefix + name] = value if keep_vars else value.detach()

    def state_dict(self, *, destination: dict[str, Any] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """Parameters and persistent buffers by dotted name, detached (the same memory).

        >>> import autodiff as ad
        >>> class Net(ad.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.inner = ad.nn.Module()
        ...         self.inner.w = ad.nn.Parameter(ad.zeros(1))
        >>> list(Net().state_dict())
        ['inner.w']
        """
        out: dict[str, Any] = OrderedDict() if destination is None else destination
        self._save_to_state_dict(out, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=out, prefix=f"{prefix}{name}.",
                                  keep_vars=keep_vars)
        return out

    # -- loading ---------------------------------------------------------------------
    def _load_from_state_dict(self, state_dict: Mapping[str, Any], prefix: str,
                              local_metadata: dict[str, Any], strict: bool,
                              missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        """Copy this module's own entries of ``state_dict`` (PyTorch's override point:
        a layer that renamed or added state since a checkpoint was written adapts here)."""
        local = dict(self._persistent_state())
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, current in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = _as_tensor(state_dict[key])
            if value is None:
                error_msgs.append(f'While copying the parameter named "{key}", expected '
                                  f"torch.Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(state_dict[key])}")
                continue
            if tuple(value.shape) != tuple(current.shape):
                error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{tuple(value.shape)} from checkpoint, the shape in current "
                                  f"model is {tuple(current.shape)}.")
                continue
            try:
                self._load_one(name, current, value, assign)
            except Exception as error:  # a cast or place the copy cannot make
                error_msgs.append(f'While copying the parameter named "{key}", whose '
                                  f"dimensions in the model are {tuple(current.shape)} and "
                                  f"whose dimensions in the checkpoint are "
                                  f"{tuple(value.shape)}, an exception occurred : {error}.")
        if strict:
            for key in state_dict:
                if not key.startswith(prefix):
                    continue
                head, dot, _ = key[len(prefix):].partition(".")
                if (dot and head not in self._modules) or (not dot and head not in local):
                    unexpected_keys.append(key)

    def _load_one(self, name: str, current: Tensor, value: Tensor, assign: bool) -> None:
        value = asarray(value, dtype=current.dtype, backend=current.backend)
        if assign:
            if name in self._parameters:
                self._parameters[name] = Parameter(value.detach(), current.requires_grad)
            else:
                self._buffers[name] = value.detach()
            return
        with no_grad():
            current.copy_(value)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> IncompatibleKeys:
        """Copy tensors (or numpy arrays) by name into this module's parameters and
        buffers, in place. ``strict`` raises PyTorch's report of missing and unexpected
        keys; ``assign`` takes the given tensors instead of copying into the present ones.

        >>> import autodiff as ad
        >>> m = ad.nn.Module(); m.w = ad.nn.Parameter(ad.zeros(1))
        >>> m.load_state_dict({"w": ad.ones(1), "b": ad.ones(1)}, strict=False)
        _IncompatibleKeys(missing_keys=[], unexpected_keys=['b'])
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        metadata = {"assign_to_params_buffers": assign}
        stack: list[tuple[ModuleState, str]] = [(self, "")]
        while stack:
            module, prefix = stack.pop()
            module._load_from_state_dict(state_dict, prefix, metadata, True, missing,
                                         unexpected, errors)
            stack.extend((child, f"{prefix}{name}.")
                         for name, child in reversed(module._modules.items())
                         if child is not None)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{key}"' for key in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{key}"' for key in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:"
                               "\n\t" + "\n\t".join(errors))
        return IncompatibleKeys(missing, unexpected)

    # -- moving and casting ----------------------------------------------------------
    def _apply(self, fn: Callable[[Tensor], Tensor]) -> ModuleState:
        """Convert every parameter (keeping the Parameter object, as optimizers hold it),
        its ``.grad``, and every buffer, in this module and its children."""
        for module in self._modules.values():
            if module is not None:
                module._apply(fn)
        for param in self._parameters.values():
            if param is None:
                continue
            with no_grad():
                param.data = fn(param)  # type: ignore[misc]  # a property with a setter
                if param._grad is not None:
                    param._grad = fn(param._grad)
        for name, buffer in self._buffers.items():
            if buffer is not None:
                self._buffers[name] = fn(buffer)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Move (``"cuda"``, ``"cpu"``, a backend name such as ``"array_api_strict"``) or
        cast (a floating dtype) every parameter and buffer, in place; returns the module.

        >>> import autodiff as ad
        >>> m = ad.nn.Module(); m.w = ad.nn.Parameter(ad.zeros(1))
        >>> m.to(ad.float32).w.dtype, m.double().w.dtype
        (autodiff.float32, autodiff.float64)
        """
        dtype = kwargs.pop("dtype", None)
        place: list[Any] = []
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
                kwargs.setdefault("backend", arg.backend)
            elif isinstance(arg, _dtypes.DType) or (isinstance(arg, str)
                                                    and arg in _dtypes.BY_NAME):
                dtype = arg
            else:
                place.append(arg)
        if isinstance(dtype, str):
            dtype = _dtypes.BY_NAME[dtype]
        if dtype is not None and not dtype.is_differentiable:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")

        def convert(tensor: Tensor) -> Tensor:
            if place or kwargs:
                tensor = tensor.to(*place, **kwargs)
            if dtype is not None and tensor.dtype.is_differentiable:
                tensor = tensor.to(dtype)
            return tensor

        return self._apply(convert)

    def cpu(self) -> Any:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Any:
        return self.to("cuda" if device is None else device)

    def double(self) -> Any:
        return self.to(_dtypes.BY_NAME["float64"])

    def float(self) -> Any:
        return self.to(_dtypes.BY_NAME["float32"])

    def half(self) -> Any:
        return self.to(_dtypes.BY_NAME["float16"])

    def type(self, dst_type: Any) -> Any:
        return self.to(dst_type)


def _as_tensor(value: Any) -> Tensor | None:
    """A checkpoint entry as a tensor: autodiff tensors, and anything array-like with a
    shape (numpy arrays, other libraries' arrays through DLPack or ``__array__``)."""
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
            value = value.detach().cpu().numpy()
        return asarray(value)
    return None

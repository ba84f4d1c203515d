"""Which backend a new tensor goes to: explicit, contextual, environment, inferred."""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import Any

import backends as _registry
from backends import Backend, BackendError

from ._device import Device
from ._device import device as _parse_device
from ._rules import REGISTRY

__all__ = ["available_backends", "get_backend", "set_backend", "use_backend"]

ENV_VAR = "AUTODIFF_BACKEND"
DEFAULT = "numpy"


class _Override(threading.local):
    backend: Backend | None = None


_override = _Override()
_default: Backend | None = None


def _resolve(name: Any) -> Backend:
    if isinstance(name, Backend):
        return name
    if not isinstance(name, str):
        raise TypeError(f"backend: expected a backend name such as 'numpy', got {name!r}")
    return _load(name)


_ADOPTED: set[str] = set()


def _load(name: str) -> Backend:
    """``backends.load_backend``, and the first time, the backend's own array rules
    taken into the registry (the backends package never imports the engine)."""
    backend = _registry.load_backend(name)
    if name not in _ADOPTED:
        for prim, rules in backend.array_rules().items():
            if prim not in REGISTRY:
                raise ValueError(f"backend {name!r} has array rules for {prim!r}, which is "
                                 "not a registered primitive")
            REGISTRY[prim].adopt_backend_rules(name, tuple(rules))
        _ADOPTED.add(name)
    return backend


def get_backend() -> Backend:
    """The backend new tensors go to here and now.

    ``use_backend`` contexts come first, then ``set_backend``, then the
    ``AUTODIFF_BACKEND`` environment variable, then numpy.

    >>> import autodiff as ad
    >>> with ad.use_backend("numpy"):
    ...     ad.get_backend().name
    'numpy'
    """
    backend = _override.backend
    if backend is not None:
        return backend
    global _default
    if _default is None:
        _default = _resolve(os.environ.get(ENV_VAR) or DEFAULT)
    return _default


def set_backend(name: str) -> None:
    """Make ``name`` the default backend for this process.

    >>> import autodiff as ad
    >>> ad.set_backend("numpy")
    """
    global _default
    _default = _resolve(name)


class use_backend:
    """Context manager: tensors created inside go to backend ``name`` (this thread only).

    >>> import autodiff as ad
    >>> with ad.use_backend("numpy"):
    ...     ad.ones(2).backend
    'numpy'
    """

    def __init__(self, name: str) -> None:
        self._backend = _resolve(name)

    def __enter__(self) -> Backend:
        self._previous = _override.backend
        _override.backend = self._backend
        return self._backend

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _override.backend = self._previous


def available_backends() -> list[str]:
    """Names of the backends usable on this machine.

    >>> import autodiff as ad
    >>> "numpy" in ad.available_backends()
    True
    """
    return _registry.available_backends()


def backend_for_device(spec: Any) -> tuple[Backend, Any]:
    """The backend and native device for a device spec such as ``"cuda:1"``.

    The current backend serves it when it has that device type; otherwise the first
    available backend that does (numpy for ``"cpu"``).
    """
    wanted: Device = _parse_device(spec)
    current = get_backend()
    if current.device_type == wanted.type:
        return current, current.device(wanted.index)
    for name in _registry.available_backends():
        candidate = _load(name)
        if candidate.device_type == wanted.type:
            return candidate, candidate.device(wanted.index)
    raise BackendError(
        f"device {str(wanted)!r} is not available: no available backend has "
        f"{wanted.type!r} devices (available backends: {_registry.available_backends()}"
        + _why_not(wanted.type)
        + ")"
    )


def place(backend: Any, device: Any) -> tuple[Backend | None, Any]:
    """The backend and native device that ``backend=`` and ``device=`` ask for
    (``(None, None)`` when neither is given)."""
    target = None if backend is None else _resolve(backend)
    if device is None:
        return target, None
    if target is None:
        return backend_for_device(device)
    wanted = _parse_device(device)
    if target.device_type != wanted.type:
        raise ValueError(f"backend {target.name!r} has no {str(wanted)!r} device; its "
                         f"devices are of type {target.device_type!r}")
    return target, target.device(wanted.index)


def _why_not(device_type: str) -> str:
    reasons = []
    for name in _registry.backend_names():
        reason = _registry.unavailable_reason(name)
        if reason is not None:
            reasons.append(f"{name}: {reason}")
    return "; " + "; ".join(reasons) if reasons else ""


_BY_NAMESPACE: dict[int, tuple[Backend, ...]] = {}


def backend_of_namespace(xp: Any) -> Backend:
    """The loaded backend whose Array API namespace is ``xp`` (found once, then cached:
    indexing gradients ask on every backward). Where several backends share one
    namespace object (a plugin over another backend's library), the current backend
    when it is one of them, else the first available: a backend that needs its own
    hooks (``scatter_add``, ``setitem``) called in a mixed program gives itself its own
    namespace object."""
    current = get_backend()
    if current.xp is xp:  # the common case, and a backend object not (yet) declared
        return current
    owners = _BY_NAMESPACE.get(id(xp))
    if owners is None:
        owners = tuple(candidate for candidate in map(_load, _registry.available_backends())
                       if candidate.xp is xp)
        if not owners:
            raise BackendError(f"no available backend has the namespace {xp!r}")
        _BY_NAMESPACE[id(xp)] = owners
    return owners[0]


_CLAIMANTS: dict[str, tuple[str, ...]] | None = None


def _claimants() -> dict[str, tuple[str, ...]]:
    """Each array module root to the declared backends that claim it (their
    ``claimed_modules()``), in declaration order; made once."""
    global _CLAIMANTS
    if _CLAIMANTS is None:
        mapping: dict[str, tuple[str, ...]] = {}
        for name in _registry.backend_names():
            try:
                claimed = _registry.declared_backend(name).claimed_modules()
            except Exception:  # a broken plugin must not break inference for the others
                continue
            for module in claimed:
                mapping[module] = (*mapping.get(module, ()), name)
        _CLAIMANTS = mapping
    return _CLAIMANTS


def backend_of_array(array: Any, prefer: Backend | None = None) -> Backend | None:
    """The backend whose array ``array`` is, or None for host data.

    The root of ``type(array).__module__`` names the candidates (the backends that
    claim it in ``array_modules``); where there are several, each available one is
    asked whether it ``owns`` the array, and exactly one must (or ``prefer``, the
    backend the caller asked for, must be among them). numpy arrays count as
    host data (like lists), so they are not claimed here: they go to the current
    backend.

    >>> import array_api_strict
    >>> backend_of_array(array_api_strict.ones(2)).name
    'array_api_strict'
    """
    root = type(array).__module__.partition(".")[0]
    if root in ("numpy", "builtins"):
        return None
    names = _claimants().get(root, ())
    if len(names) == 1:
        return _load(names[0])
    owners = [backend for backend in (_load(name) for name in names
                                      if _registry.unavailable_reason(name) is None)
              if backend.owns(array)]
    if len(owners) > 1 and prefer not in owners:
        raise BackendError(
            f"an array of type {type(array).__module__}.{type(array).__name__} belongs to "
            f"backends {[b.name for b in owners]} (each claims module {root!r} in "
            "array_modules and owns() it): pass backend= to choose, or narrow one "
            "backend's owns() or array_modules")
    if prefer in owners:
        return prefer
    return owners[0] if owners else None

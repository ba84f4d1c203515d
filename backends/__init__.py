"""Array-library backends for autodiff.

A backend supplies what the Array API standard leaves out: the namespace itself
(through array-api-compat), device handling, random numbers, scatter-add, and
conversion to numpy and DLPack. This package never imports ``autodiff``: the
dependency runs one way, from the engine to here.

Backends are discovered through the ``autodiff.backends`` entry-point group. The
built-in ones are declared in autodiff's own ``pyproject.toml`` the same way a
third-party package declares its own::

    [project.entry-points."autodiff.backends"]
    mylib = "mylib_autodiff:MyLibBackend"

Example:
    >>> from backends import load_backend
    >>> load_backend("numpy").name
    'numpy'
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points
from typing import Any

from ._base import Backend as Backend
from ._base import BackendError as BackendError

__all__ = ["Backend", "BackendError", "available_backends", "backend_names", "declared_backend",
           "load_backend"]

ENTRY_POINT_GROUP = "autodiff.backends"


@functools.cache
def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def backend_names() -> list[str]:
    """Names of every declared backend, available here or not.

    >>> "numpy" in backend_names()
    True
    """
    return list(_entry_points())


def declared_backend(name: str) -> Backend:
    """The backend declared as ``name``, not loaded (it may be unavailable here): its
    declarations (``claimed_modules()``, ``test_xfails()`` ...) without its library.

    >>> declared_backend("cupy").device_type
    'cuda'
    """
    return _instance(name)


@functools.cache
def _instance(name: str) -> Backend:
    declared = _entry_points()
    if name not in declared:
        raise BackendError(
            f"unknown backend {name!r}: declared backends are {sorted(declared)}; "
            f"available here: {available_backends()}"
        )
    backend_class = declared[name].load()
    backend = backend_class()
    if not isinstance(backend, Backend):
        raise TypeError(
            f"entry point {name!r} in group {ENTRY_POINT_GROUP!r} must give a "
            f"backends.Backend subclass, got {type(backend).__name__}"
        )
    return backend


def load_backend(name: str) -> Backend:
    """Return the backend called ``name``, raising ``BackendError`` when it is unknown
    or not usable on this machine (the message says why and lists the usable ones).

    >>> load_backend("numpy").is_available()
    True
    """
    backend = _instance(name)
    if not backend.is_available():
        raise BackendError(
            f"backend {name!r} is not available: {backend.unavailable_reason()}; "
            f"available backends: {available_backends()}"
        )
    backend.load()
    return backend


def available_backends() -> list[str]:
    """Names of the backends usable on this machine, the default (numpy) first.

    >>> available_backends()[0]
    'numpy'
    """
    names = []
    for name in _entry_points():
        try:
            if _instance(name).is_available():
                names.append(name)
        except Exception:
            continue
    return sorted(names, key=lambda n: (n != "numpy", n))


def unavailable_reason(name: str) -> str | None:
    """Why backend ``name`` cannot be used here, or None when it can."""
    try:
        backend = _instance(name)
    except Exception as exc:
        return str(exc)
    return None if backend.is_available() else backend.unavailable_reason()

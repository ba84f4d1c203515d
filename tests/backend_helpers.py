"""What a test needs to know of the backend it runs on: where its arrays live, which
backend is the far end of a move, and how its tensors print their device."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

import backends


class _OtherBackend(dict[str, str]):
    """The far end of a move between backends, for any backend: another host backend
    of a different library (numpy's is array_api_strict's), or numpy for one off the
    host; looked up, so that a plugin's name never needs listing here."""

    def __missing__(self, name: str) -> str:
        own = backends.declared_backend(name)
        if own.device_type != "cpu":
            return "numpy"
        for candidate in ("numpy", "array_api_strict"):
            if backends.declared_backend(candidate).module != own.module:
                return candidate
        raise KeyError(name)


OTHER_BACKEND = _OtherBackend()


def array_type(name: str) -> type:
    """The array class of a backend's arrays, asked of its library (through the
    backend's namespace, imported at load)."""
    loaded = backends.load_backend(name)
    return type(loaded.xp.asarray(0))


def on_host(backend: str) -> bool:
    """True when the backend's arrays live in host memory."""
    return backends.load_backend(backend).device_type == "cpu"


def device_suffix(backend: str) -> str:
    """What a tensor's repr adds for its device on this backend (as PyTorch's does for a
    tensor off the CPU): nothing on the host, ``", device='cuda:0'"`` on a GPU."""
    return "" if on_host(backend) else ", device='cuda:0'"


def dlpack_consumer(backend: str) -> Any:
    """A library that imports the backend's tensors through DLPack: numpy for host
    memory, the backend's own library for device memory."""
    if on_host(backend):
        return np
    return importlib.import_module(backends.load_backend(backend).module)

"""What a test needs to know of the backend it runs on: where its arrays live, which
backend is the far end of a move, and how its tensors print their device."""

from __future__ import annotations

import importlib
from typing import Any

import array_api_strict
import numpy as np

import backends

#: the far end of a move between backends: another host backend, or numpy for a GPU one
OTHER_BACKEND = {"numpy": "array_api_strict", "array_api_strict": "numpy", "cupy": "numpy"}


def array_type(name: str) -> type:
    """The array class of a backend's library, asked of the library itself."""
    if name == "cupy":
        import cupy

        return cupy.ndarray  # type: ignore[no-any-return]
    return {"numpy": np.ndarray, "array_api_strict": type(array_api_strict.asarray(0))}[name]


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

"""``autodiff.torch.cuda``: what PyTorch code asks before it moves to a GPU.

``is_available()`` says whether the cupy backend can run here, so that
``device = "cuda" if torch.cuda.is_available() else "cpu"`` picks what works.

>>> import autodiff.torch as torch
>>> torch.cuda.is_available() in (True, False)
True
"""

from __future__ import annotations

import autodiff as _ad


def is_available() -> bool:
    """Whether a CUDA GPU can be used (through the cupy backend)."""
    return "cupy" in _ad.available_backends()


def device_count() -> int:
    """The number of CUDA GPUs (0 where the cupy backend is unavailable)."""
    if not is_available():
        return 0
    import cupy  # the backend is available, so cupy imports

    return int(cupy.cuda.runtime.getDeviceCount())


def manual_seed(seed: int) -> None:
    """Seed the random numbers (one generator serves every device)."""
    _ad.manual_seed(seed)


manual_seed_all = manual_seed

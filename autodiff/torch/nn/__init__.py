"""``autodiff.torch.nn``: ``autodiff.nn``, whose ``functional`` already follows PyTorch."""

from __future__ import annotations

import sys as _sys

import autodiff.nn as _nn
from autodiff.nn import functional as functional

from .._fallback import fallback as _fallback

_sys.modules[f"{__name__}.functional"] = functional

__getattr__, __dir__ = _fallback(__name__, _nn)

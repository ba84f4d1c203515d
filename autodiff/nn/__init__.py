"""``autodiff.nn``: neural-network building blocks (``functional`` so far)."""

from . import functional as functional
from . import init as init

__all__ = ["functional", "init"]

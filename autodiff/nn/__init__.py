"""``autodiff.nn``: neural-network building blocks (``functional`` so far)."""

from . import functional as functional

__all__ = ["functional"]

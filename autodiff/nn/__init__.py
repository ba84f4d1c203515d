"""``autodiff.nn``: neural-network building blocks (``functional`` so far)."""

from . import functional as functional
from . import init as init
from . import utils as utils

__all__ = ["functional", "init", "utils"]

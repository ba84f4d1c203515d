"""``autodiff.nn``: neural-network building blocks, as ``torch.nn``.

>>> import autodiff as ad
>>> class Scale(ad.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.weight = ad.nn.Parameter(ad.full((2,), 3.0))
...     def forward(self, x):
...         return self.weight * x
>>> Scale()(ad.tensor([1.0, 2.0]))
tensor([3., 6.], grad_fn=<MulBackward0>)
"""

from . import functional as functional
from . import init as init
from . import utils as utils
from .modules import *  # noqa: F403 - the layers, listed once in modules/__init__.py
from .modules import __all__ as _layers
from .parameter import Parameter as Parameter

__all__ = ["Parameter", "functional", "init", "utils", *_layers]

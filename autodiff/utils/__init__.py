"""``autodiff.utils``: utilities around autograd (``checkpoint`` so far).

>>> import autodiff as ad
>>> ad.utils.checkpoint(ad.sin, ad.tensor(0.0, requires_grad=True))
tensor(0., grad_fn=<CheckpointFunctionBackward>)
"""

from . import checkpoint as _checkpoint_module
from .checkpoint import checkpoint as checkpoint

__all__ = ["checkpoint"]

del _checkpoint_module

"""``autodiff.utils``: utilities around autograd (``checkpoint`` so far).

``autodiff.utils.checkpoint`` is the function; PyTorch's spelling
``torch.utils.checkpoint.checkpoint`` works too (``checkpoint.checkpoint`` is itself).

>>> import autodiff as ad
>>> ad.utils.checkpoint(ad.sin, ad.tensor(0.0, requires_grad=True))
tensor(0., grad_fn=<CheckpointFunctionBackward>)
>>> ad.utils.checkpoint.checkpoint is ad.utils.checkpoint
True
"""

from .checkpoint import checkpoint as checkpoint

checkpoint.checkpoint = checkpoint  # type: ignore[attr-defined]

__all__ = ["checkpoint"]
from . import data as data  # noqa: E402

"""``autodiff.nn.utils``: gradient clipping and parameter vectors, as
``torch.nn.utils``.

>>> import autodiff as ad
>>> w = ad.tensor([3.0, 4.0], requires_grad=True)
>>> (w * w / 2).sum().backward()  # w.grad is w
>>> ad.nn.utils.clip_grad_norm_(w, max_norm=1.0), w.grad
(tensor(5.), tensor([0.6000, 0.8000]))
"""

from .clip_grad import clip_grad_norm as clip_grad_norm
from .clip_grad import clip_grad_norm_ as clip_grad_norm_
from .clip_grad import clip_grad_value_ as clip_grad_value_
from .clip_grad import clip_grads_with_norm_ as clip_grads_with_norm_
from .clip_grad import get_total_norm as get_total_norm
from .convert_parameters import parameters_to_vector as parameters_to_vector
from .convert_parameters import vector_to_parameters as vector_to_parameters

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
           "get_total_norm", "parameters_to_vector", "vector_to_parameters"]

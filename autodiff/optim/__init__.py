"""``autodiff.optim``: optimizers and learning-rate schedulers, with PyTorch's API
(``torch.optim``; the schedulers are in ``autodiff.optim.lr_scheduler``).

Each optimizer updates its parameters in place, one pass per parameter, under
``no_grad``; its state and ``state_dict`` have PyTorch's layout and keys.

>>> import autodiff as ad
>>> from autodiff import optim
>>> w = ad.tensor([3.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> for _ in range(2):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> w
tensor([0.7500], requires_grad=True)
"""

from . import lr_scheduler as lr_scheduler
from .adam import Adam as Adam
from .adam import Adamax as Adamax
from .adam import AdamW as AdamW
from .adam_variants import NAdam as NAdam
from .adam_variants import RAdam as RAdam
from .adaptive import Adadelta as Adadelta
from .adaptive import Adagrad as Adagrad
from .adaptive import RMSprop as RMSprop
from .lbfgs import LBFGS as LBFGS
from .optimizer import Optimizer as Optimizer
from .sgd import SGD as SGD

__all__ = ["LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam",
           "Optimizer", "RAdam", "RMSprop", "lr_scheduler"]

"""``autodiff.optim.lr_scheduler``: learning-rate schedules, PyTorch's
``torch.optim.lr_scheduler``.

A scheduler adjusts ``'lr'`` in its optimizer's ``param_groups`` at each ``step()``
(called after ``optimizer.step()``, once per epoch or per batch as the schedule is
meant). The formulas are PyTorch's own, in the same form (the chainable one for
``step()``, the closed one for the deprecated ``step(epoch)``), so a trajectory matches
PyTorch's step for step; ``state_dict()`` has PyTorch's keys.

>>> import types
>>> from autodiff.optim import lr_scheduler
>>> opt = types.SimpleNamespace(param_groups=[{"lr": 0.1}], step=lambda: None)
>>> sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
>>> for epoch in range(4):
...     opt.step()
...     sched.step()
>>> round(sched.get_last_lr()[0], 12), sched.last_epoch
(0.001, 4)
"""

from __future__ import annotations

from ._scheduler_base import LRScheduler as LRScheduler
from ._scheduler_base import _LRScheduler as _LRScheduler
from ._schedulers_anneal import CosineAnnealingLR as CosineAnnealingLR
from ._schedulers_anneal import CosineAnnealingWarmRestarts as CosineAnnealingWarmRestarts
from ._schedulers_anneal import LinearLR as LinearLR
from ._schedulers_anneal import PolynomialLR as PolynomialLR
from ._schedulers_compose import ChainedScheduler as ChainedScheduler
from ._schedulers_compose import SequentialLR as SequentialLR
from ._schedulers_cycle import CyclicLR as CyclicLR
from ._schedulers_cycle import OneCycleLR as OneCycleLR
from ._schedulers_factor import ConstantLR as ConstantLR
from ._schedulers_factor import ExponentialLR as ExponentialLR
from ._schedulers_factor import LambdaLR as LambdaLR
from ._schedulers_factor import MultiplicativeLR as MultiplicativeLR
from ._schedulers_factor import MultiStepLR as MultiStepLR
from ._schedulers_factor import StepLR as StepLR
from ._schedulers_plateau import ReduceLROnPlateau as ReduceLROnPlateau

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]

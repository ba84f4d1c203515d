"""The learning-rate scheduler base class, PyTorch's ``torch.optim.lr_scheduler.LRScheduler``.

A scheduler owns no learning rate of its own: it reads and writes ``'lr'`` (and, for the
cyclic ones, ``'momentum'`` or ``'betas'``) in its optimizer's ``param_groups``. The
optimizer is duck-typed: anything with a ``param_groups`` list of dicts and a ``step``
method drives a scheduler, so the schedulers depend on no optimizer class.

PyTorch's schedulers come in two forms and this module keeps both, formula for formula,
so that trajectories agree with PyTorch's to the last bit: ``get_lr()`` is the
*chainable* form (the next lr from the current ``group['lr']``, so that several
schedulers compose by multiplying), used by ``step()``; ``_get_closed_form_lr()`` is the
closed form in ``last_epoch``, used by the deprecated ``step(epoch)``.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["LRScheduler"]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available. Please open an issue if you are unable to "
    "replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.")

_OVERRIDDEN_STEP = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")

_STEP_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
    "value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")


class OptimizerLike(Protocol):
    """What a scheduler needs of an optimizer: its parameter groups (and a ``step``)."""

    param_groups: list[dict[str, Any]]


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(getattr(optimizer, "param_groups", None), list):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _copy(value: Any) -> Any:
    """A value as a scheduler keeps it: a tensor-valued lr is cloned, as PyTorch does,
    so that the kept value does not follow later in-place updates."""
    clone = getattr(value, "clone", None)
    return clone() if callable(clone) else value


def _format_param(name: str, optimizer: OptimizerLike, param: Any) -> list[Any]:
    """One value per parameter group: a list or tuple as given (its length checked),
    anything else repeated."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has "
                f"{len(param)} values, param_groups has {len(optimizer.param_groups)}.")
    else:
        param = [param] * len(optimizer.param_groups)
    return [_copy(value) for value in param]


def _param_groups_val_list(optimizer: OptimizerLike, key: str) -> list[Any]:
    return [_copy(group[key]) for group in optimizer.param_groups]


def _update_param_group_val(param_group: dict[str, Any], key: str, val: Any) -> None:
    """Write ``val`` into a group; a tensor-valued entry is filled in place (an optimizer
    may hold that very tensor)."""
    current = param_group[key]
    fill = getattr(current, "fill_", None)
    if callable(fill):
        fill(val if isinstance(val, (int, float)) else float(val))
    else:
        param_group[key] = val


def _patch_step(scheduler: LRScheduler, optimizer: Any) -> None:
    """Wrap ``optimizer.step`` so that it records that it ran (``_opt_called``), which
    lets the first ``scheduler.step()`` warn when it comes before ``optimizer.step()``.
    As in PyTorch, the wrapper holds the optimizer weakly where it can."""
    step = getattr(optimizer, "step", None)
    if step is None or hasattr(step, "_wrapped_by_lr_sched"):
        return
    try:
        get: Callable[[], Any] = weakref.ref(optimizer)
    except TypeError:  # a SimpleNamespace, say: no weak references
        def get() -> Any:
            return optimizer
    func = getattr(step, "__func__", None)

    if func is not None:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            opt = get()
            opt._opt_called = True
            return func.__get__(opt, opt.__class__)(*args, **kwargs)
    else:
        @functools.wraps(step)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            get()._opt_called = True
            return step(*args, **kwargs)

    setattr(wrapper, "_wrapped_by_lr_sched", True)  # noqa: B010 (a function attribute)
    optimizer.step = wrapper


class _enable_get_lr_call:  # PyTorch's name
    """Marks ``get_lr()`` as called from ``step()``, where it does not warn."""

    def __init__(self, scheduler: LRScheduler) -> None:
        self.scheduler = scheduler

    def __enter__(self) -> _enable_get_lr_call:
        self.scheduler._get_lr_called_within_step = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.scheduler._get_lr_called_within_step = False


class _initial_mode:  # PyTorch's name
    """Marks the step a scheduler takes in its constructor (``_is_initial``)."""

    def __init__(self, scheduler: LRScheduler) -> None:
        self.scheduler = scheduler

    def __enter__(self) -> None:
        self.scheduler._is_initial = True

    def __exit__(self, *exc: object) -> None:
        self.scheduler._is_initial = False


def _warn_get_lr_called_within_step(scheduler: LRScheduler) -> None:
    if not scheduler._get_lr_called_within_step:
        warnings.warn("To get the last learning rate computed by the scheduler, please use "
                      "`get_last_lr()`.", UserWarning, stacklevel=3)


class LRScheduler:
    """Adjusts the learning rate of an optimizer's parameter groups as training goes on.

    Subclasses define ``get_lr()``. The constructor records each group's starting lr as
    ``group['initial_lr']`` (kept in ``base_lrs``) and takes a first step to epoch 0; each
    ``step()`` then advances ``last_epoch`` by one and writes the new lrs into the
    optimizer. ``last_epoch=k`` resumes a schedule at epoch ``k + 1``, which needs
    ``initial_lr`` in every group (as an optimizer's state dict carries it).
    ``state_dict()`` is every attribute but the optimizer, as in PyTorch.

    >>> import types
    >>> from autodiff.optim.lr_scheduler import LRScheduler
    >>> class Halve(LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> opt = types.SimpleNamespace(param_groups=[{"lr": 1.0}], step=lambda: None)
    >>> sched = Halve(opt)
    >>> for _ in range(3):
    ...     opt.step()
    ...     sched.step()
    >>> sched.last_epoch, sched.get_last_lr(), opt.param_groups[0]
    (3, [0.125], {'lr': 0.125, 'initial_lr': 1.0})
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False
    optimizer: Any
    base_lrs: list[Any]
    last_epoch: int
    _last_lr: list[Any]
    _step_count: int

    def __init__(self, optimizer: OptimizerLike, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming scheduler with last_epoch >= 0.\nThis typically happens "
                        "when:\n1. You're trying to resume training from a checkpoint but "
                        "haven't properly loaded the optimizer state\n2. You're using "
                        "last_epoch >= 0 for a fresh training run (not recommended)")
        self.base_lrs = _param_groups_val_list(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _patch_step(self, optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        with _initial_mode(self):
            self.step()

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state: every attribute but the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`."""
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[Any]:
        """The learning rates of the last step, one per parameter group."""
        return self._last_lr

    def get_lr(self) -> list[Any]:
        """The learning rates of the current epoch (the chainable form)."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or, deprecated, jump to ``epoch``) and set the new lrs."""
        opt_step = getattr(self.optimizer, "step", None)
        if self._step_count == 1 and opt_step is not None:
            if not hasattr(opt_step, "_wrapped_by_lr_sched"):
                warnings.warn(_OVERRIDDEN_STEP, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_STEP_ORDER, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        with _enable_get_lr_call(self):
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        for param_group, lr in zip(self.optimizer.param_groups, values, strict=True):
            _update_param_group_val(param_group, "lr", lr)
        self._last_lr = _param_groups_val_list(self.optimizer, "lr")


class _LRScheduler(LRScheduler):
    """PyTorch's older name for :class:`LRScheduler`, kept for code that subclasses it."""

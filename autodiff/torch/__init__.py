"""``autodiff.torch``: the same tensors, with PyTorch's function semantics.

``import autodiff.torch as torch`` runs PyTorch autograd code: ``torch.max(x, 1)`` gives
values and indices, ``torch.std(x)`` is unbiased, ``torch.cat(ts, 1)`` takes ``dim``
positionally. Only the names whose meaning differs from ``autodiff`` (the Array API
namespace) are defined here, in ``_functions.TABLE``; every other name is the very
same object as in ``autodiff``, found when asked for, so an op added to ``autodiff``
appears here too.

>>> import autodiff.torch as torch
>>> x = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
>>> values, indices = torch.max(x, 1)
>>> values.sum().backward(); indices, x.grad
(tensor([1, 0]), tensor([[0., 1.],
        [1., 0.]]))
>>> torch.std(torch.tensor([1.0, 3.0])), torch.exp is __import__("autodiff").exp
(tensor(1.4142), True)
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
from typing import Any as _Any

import autodiff as _ad
from autodiff import Tensor as Tensor
from autodiff import autograd as autograd

from . import cuda as cuda
from . import fft as fft
from . import linalg as linalg
from . import nn as nn
from . import special as special
from ._extras import FUNCTIONAL as _FUNCTIONAL
from ._fallback import Only as _Only
from ._fallback import fallback as _fallback
from ._functions import EXTRAS as _EXTRAS
from ._functions import TABLE as _TABLE
from ._functions import all as all
from ._functions import any as any
from ._functions import argmax as argmax
from ._functions import argmin as argmin
from ._functions import argsort as argsort
from ._functions import can_cast as can_cast
from ._functions import count_nonzero as count_nonzero
from ._functions import diff as diff
from ._functions import equal as equal
from ._functions import flip as flip
from ._functions import max as max
from ._functions import mean as mean
from ._functions import meshgrid as meshgrid
from ._functions import min as min
from ._functions import nonzero as nonzero
from ._functions import prod as prod
from ._functions import result_type as result_type
from ._functions import searchsorted as searchsorted
from ._functions import sort as sort
from ._functions import squeeze as squeeze
from ._functions import std as std
from ._functions import sum as sum
from ._functions import var as var
from ._functions import where as where

_sys.modules[f"{__name__}.autograd"] = autograd
# autodiff's own packages, importable by PyTorch's paths too
# (``from autodiff.torch.utils.data import DataLoader``, ``autodiff.torch.optim``)
for _path in ("optim", "optim.lr_scheduler", "utils", "utils.data", "nn.init", "nn.utils"):
    _sys.modules[f"{__name__}.{_path}"] = _importlib.import_module(f"autodiff.{_path}")

#: PyTorch's dtype spellings that the Array API does not use
half = _ad.float16
float = _ad.float32
double = _ad.float64
cfloat = _ad.complex64
cdouble = _ad.complex128
short = _ad.int16
int = _ad.int32
long = _ad.int64

__version__ = "2.13.0+autodiff"

# autodiff's own names first, then PyTorch's top-level spellings of nn.functional
# (torch.softmax), then the PyTorch-only names autodiff does not have (yet)
__getattr__, __dir__ = _fallback(__name__, _ad, _Only(nn.functional, _FUNCTIONAL),
                                 extras=_EXTRAS)


def _differing() -> dict[str, _Any]:
    """The overriding functions by name (each is in ``TABLE``)."""
    return {name: globals()[name] for name in _TABLE}

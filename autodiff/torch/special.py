"""``autodiff.torch.special``: ``autodiff.special`` where it has the name, then the
``autodiff`` function of the same name for the names ``torch.special`` shares with
``torch`` (``erf``, ``expm1``, ``logsumexp``, ...), then PyTorch's aliases (``expit`` is
``sigmoid``, ``psi`` is ``digamma``, ``gammaln`` is ``lgamma``).

>>> import autodiff.torch as torch
>>> torch.special.expit(torch.tensor([0.0]))
tensor([0.5000])
"""

from __future__ import annotations

import importlib as _importlib
from types import ModuleType as _ModuleType
from typing import Any as _Any

import autodiff as _ad
from autodiff.nn import functional as _functional

from ._fallback import Only as _Only
from ._fallback import fallback as _fallback

#: the names of ``torch.special`` that name the same function at the top of ``torch``
#: (or in ``torch.nn.functional``)
SHARED = ("digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expm1", "i0", "lgamma",
          "log1p", "logit", "logsumexp", "multigammaln", "polygamma", "round", "sinc",
          "xlogy", "softmax", "log_softmax")

#: ``torch.special``'s other names for functions ``autodiff`` has under another name
ALIASES = {"expit": "sigmoid", "psi": "digamma", "gammaln": "lgamma"}


def _special() -> _ModuleType | None:
    try:
        return _importlib.import_module("autodiff.special")
    except ImportError:
        return None


class _Aliases:
    def __getattr__(self, name: str) -> _Any:
        if name in ALIASES:
            for source in (_special(), _ad):
                if source is not None and hasattr(source, ALIASES[name]):
                    return getattr(source, ALIASES[name])
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return [name for name in ALIASES if hasattr(self, name)]


__getattr__, __dir__ = _fallback(__name__, _special, _Only(_ad, SHARED),
                                 _Only(_functional, SHARED), _Aliases())

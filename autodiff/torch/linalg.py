"""``autodiff.torch.linalg``: ``autodiff.linalg``, which takes PyTorch's spellings
(``dim=``, ``UPLO=``, ``hermitian=``) as well as the standard's."""

from __future__ import annotations

import autodiff.linalg as _linalg

from ._fallback import fallback

__getattr__, __dir__ = fallback(__name__, _linalg)

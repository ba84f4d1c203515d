"""``embedding_bag``: sums, means or maxima of bags of embeddings, without building the
bags' embeddings as a padded tensor (``torch.nn.functional.embedding_bag``); exported from
``autodiff.nn.functional``.

A composite: the rows looked up are gathered once, and reduced per bag through a
(bags x lookups) membership matrix, a matmul for ``sum`` and ``mean`` and a masked max for
``max``, so the gradient is what those give (for ``max`` a tie shares it evenly, where
PyTorch gives it to one of the tied rows).
"""

from __future__ import annotations

import math

from .. import _dtypes
from .._tensor import Tensor
from ._helpers import raise_if
from .creation import arange
from .elementwise import where
from .indexing import take
from .layers import _integer_indices, _renormalize
from .linalg import matmul
from .reductions import any as any_
from .searching import searchsorted
from .statistical import max as max_

__all__ = ["embedding_bag"]
NOT_METHODS = tuple(__all__)


def _bags(indices: Tensor, offsets: Tensor | None, include_last_offset: bool
          ) -> tuple[Tensor, Tensor, int]:
    """The lookups (1-D) and the bag of each, and the number of bags."""
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found "
                             f"offsets of type {type(offsets).__name__}")
        count, length = indices.shape
        flat = indices.reshape((-1,))
        positions = arange(count * length, device=flat.device, backend=flat.backend)
        return flat, positions // max(length, 1), count
    if indices.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{indices.ndim}")
    if offsets is None or not isinstance(offsets, Tensor) or offsets.ndim != 1:
        raise ValueError(f"offsets has to be a 1D Tensor but got {offsets!r}")
    offsets = _integer_indices("embedding_bag", offsets)
    if offsets.shape[0] and int(offsets[0]) != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the "
                           "mini-batch has to start from position 0. However, got "
                           f"{int(offsets[0])}")
    count = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
    positions = arange(indices.shape[0], device=indices.device, backend=indices.backend)
    # each lookup belongs to the last bag that starts at or before it
    bag = searchsorted(offsets, positions, side="right") - 1
    if include_last_offset:  # lookups at or past the last offset belong to no bag
        bag = where(bag < count, bag, -1)
    return indices, bag, count


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2.0,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """The ``mode`` (``'sum'``, ``'mean'`` or ``'max'``) of each bag of embeddings: the
    rows of a 2-D ``input``, or the runs of a 1-D ``input`` that ``offsets`` start. An
    empty bag gives zeros; lookups of ``padding_idx`` are left out of their bag.

    >>> import autodiff as ad
    >>> w = ad.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    >>> idx, offsets = ad.tensor([0, 2, 1, 1]), ad.tensor([0, 2])
    >>> ad.nn.functional.embedding_bag(idx, w, offsets, mode="sum")
    tensor([[4., 6.],
            [4., 6.]])
    """
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
            "on GitHub.")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag: scale_grad_by_freq and sparse gradients are "
                                  "not supported")
    indices = _integer_indices("embedding_bag", input)
    if not _dtypes.isdtype(weight.dtype, "real floating"):
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the "
                           "following scalar types: Half, BFloat16, Float, Double; but got "
                           f"{weight.dtype} instead (while checking arguments for "
                           "embedding_bag)")
    flat, bag, count = _bags(indices, offsets, include_last_offset)
    rows = weight.shape[0]
    if flat.shape[0]:
        raise_if(any_((flat < 0) | (flat >= rows)), IndexError, "index out of range in self")
    if max_norm is not None and flat.shape[0]:
        _renormalize(weight, flat, float(max_norm), float(norm_type))
    looked_up = take(weight, flat, axis=0)
    if per_sample_weights is not None:
        looked_up = looked_up * per_sample_weights.reshape((-1, 1))
    bags = arange(count, device=flat.device, backend=flat.backend).reshape((-1, 1))
    member = bag.reshape((1, -1)) == bags  # (bags, lookups)
    if padding_idx is not None:
        member = member & (flat.reshape((1, -1)) != padding_idx % rows)
    if mode == "max":
        chosen = where(member.reshape((*member.shape, 1)), looked_up, -math.inf)
        best = max_(chosen, axis=1)
        return where(any_(member, axis=1, keepdims=True), best, 0.0)
    weights = member.astype(weight.dtype)
    total = matmul(weights, looked_up)
    if mode == "sum":
        return total
    sizes = weights.sum(dim=1, keepdim=True)
    return total / where(sizes > 0, sizes, 1.0)

"""Distance modules, as ``torch.nn``'s: ``PairwiseDistance`` (the default distance of
``TripletMarginWithDistanceLoss``) and ``CosineSimilarity``.

>>> import autodiff as ad
>>> ad.nn.PairwiseDistance()(ad.tensor([[0.0, 0.0]]), ad.tensor([[3.0, 4.0]]))
tensor([5.0000])
"""

from __future__ import annotations

from ..._tensor import Tensor
from ..functional import cosine_similarity, pairwise_distance
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class PairwiseDistance(Module):
    """The ``p``-norm of ``x1 - x2 + eps`` over the last dimension (PyTorch keeps ``p``
    as the attribute ``norm``)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)

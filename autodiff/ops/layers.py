"""Layers of ``torch.nn.functional``: ``linear``, ``bilinear``, ``embedding``, ``one_hot``,
``scaled_dot_product_attention``; exported from ``autodiff.nn.functional``.

All are composites of matmul, take, where and softmax, whose rules already give the
gradients PyTorch gives (embedding's ``padding_idx`` rows get none). The dropouts are in
``dropout.py``.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from .. import _dtypes, _mode
from .._tensor import Tensor
from ._helpers import raise_if
from .creation import arange, ones
from .dropout import dropout
from .elementwise import where
from .grids import tril
from .indexing import take
from .joining import repeat_interleave
from .linalg import matmul, vector_norm
from .manipulation import matrix_transpose
from .reductions import any as any_
from .searching import searchsorted
from .softmax import softmax
from .sorting import sort
from .statistical import max as max_

__all__ = ["bilinear", "embedding", "linear", "one_hot", "scaled_dot_product_attention"]
NOT_METHODS = tuple(__all__)


def _tensor(op: str, name: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(value).__name__}")
    return value


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: ``weight`` is ``(out_features, in_features)`` (or
    ``(in_features,)``, which drops the last dimension).

    >>> import autodiff as ad
    >>> x = ad.tensor([[1.0, 2.0]])
    >>> ad.nn.functional.linear(x, ad.tensor([[1.0, 1.0], [0.0, 2.0]]), ad.tensor([0.5, 0.0]))
    tensor([[3.5000, 4.0000]])
    """
    _tensor("linear", "input", input)
    _tensor("linear", "weight", weight)
    if weight.ndim == 2 and input.ndim >= 1 and input.shape[-1] != weight.shape[1]:
        rows = math.prod(input.shape[:-1])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x"
                           f"{input.shape[-1]} and {weight.shape[1]}x{weight.shape[0]})")
    out = matmul(input, weight if weight.ndim < 2 else matrix_transpose(weight))
    return out if bias is None else out + bias


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y[..., k] = input1 @ weight[k] @ input2 + bias[k]``, ``weight`` of shape
    ``(out_features, in1_features, in2_features)``.

    >>> import autodiff as ad
    >>> w = ad.ones((1, 2, 3))
    >>> ad.nn.functional.bilinear(ad.tensor([[1.0, 2.0]]), ad.tensor([[1.0, 0.0, 1.0]]), w)
    tensor([[6.]])
    """
    for name, value in (("input1", input1), ("input2", input2), ("weight", weight)):
        _tensor("bilinear", name, value)
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, got shape "
                           f"{weight.shape}")
    out_features, in1, in2 = weight.shape
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{input1.shape[:-1]} and {input2.shape[:-1]}")
    for index, (given, wanted) in enumerate(((input1.shape[-1], in1), (input2.shape[-1], in2))):
        if given != wanted:
            raise RuntimeError(f"bilinear(): input{index + 1} size does not match weight "
                               f"size: got {given} but expected {wanted}")
    lead = input1.shape[:-1]
    # one matmul: (B, in1) @ (in1, out * in2), then a product and sum with input2
    flat = matmul(input1.reshape((-1, in1)),
                  weight.permute((1, 0, 2)).reshape((in1, out_features * in2)))
    pairs = flat.reshape((-1, out_features, in2)) * input2.reshape((-1, 1, in2))
    out = pairs.sum(dim=-1).reshape((*lead, out_features))
    return out if bias is None else out + bias


def _integer_indices(op: str, indices: Any) -> Tensor:
    _tensor(op, "input", indices)
    if not _dtypes.isdtype(indices.dtype, "integral"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {indices.dtype} "
                           f"instead (while checking arguments for {op})")
    return indices


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """The rows of ``weight`` at the integer ``input``: ``weight[input]``. The row at
    ``padding_idx`` gets no gradient; with ``max_norm``, the rows looked up are first
    rescaled in place to norm at most ``max_norm`` (as PyTorch does).

    >>> import autodiff as ad
    >>> w = ad.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> ad.nn.functional.embedding(ad.tensor([[2, 1], [1, 0]]), w, padding_idx=0)
    tensor([[[3., 4.],
             [1., 2.]],
    <BLANKLINE>
            [[1., 2.],
             [0., 0.]]], grad_fn=<WhereBackward0>)
    """
    indices = _integer_indices("embedding", input)
    _tensor("embedding", "weight", weight)
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got shape {weight.shape}")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse gradients are "
                                  "not supported")
    count = weight.shape[0]
    if padding_idx is not None:
        padding_idx = operator.index(padding_idx)
        if not -count <= padding_idx < count:
            raise ValueError("Padding_idx must be within num_embeddings")
        padding_idx %= count
    flat = indices.reshape((-1,))
    if flat.shape[0]:
        raise_if(any_((flat < 0) | (flat >= count)), IndexError, "index out of range in self")
    if max_norm is not None:
        _renormalize(weight, flat, float(max_norm), float(norm_type))
    out = take(weight, flat, axis=0).reshape((*indices.shape, weight.shape[1]))
    if padding_idx is None:
        return out
    # the padding row's value, without a gradient: its lookups are cut from the graph
    return where((indices == padding_idx).reshape((*indices.shape, 1)), out.detach(), out)


def _renormalize(weight: Tensor, rows: Tensor, max_norm: float, norm_type: float) -> None:
    """PyTorch's embedding_renorm_: rows looked up whose norm exceeds ``max_norm`` are
    scaled in place to ``max_norm`` (a write without a gradient, as in PyTorch). Written
    as one whole-tensor write (which rows were looked up comes from a sorted search), as
    a backend need not support writes at an index array."""
    with _mode.no_grad():
        table = weight.detach()
        wanted = sort(rows)
        every = arange(table.shape[0], device=table.device, backend=table.backend)
        where_found = searchsorted(wanted, every)
        clipped = where(where_found < rows.shape[0], where_found, 0)
        looked_up = (where_found < rows.shape[0]) & (take(wanted, clipped, axis=0) == every)
        norms = vector_norm(table, ord=norm_type, axis=1, keepdims=True)
        shrink = looked_up.reshape((-1, 1)) & (norms > max_norm)
        weight.copy_(where(shrink, table * (max_norm / (norms + 1e-7)), table))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot vectors of the integer ``tensor``, along a new last dimension of
    ``num_classes`` (``max + 1`` by default).

    >>> import autodiff as ad
    >>> ad.nn.functional.one_hot(ad.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    _tensor("one_hot", "tensor", tensor)
    if not _dtypes.isdtype(tensor.dtype, "integral"):
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    empty = math.prod(tensor.shape) == 0
    if num_classes == -1:
        if empty:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(max_(tensor)) + 1
    too_large = "Class values must be smaller than num_classes."
    if num_classes < 0 and empty:  # as PyTorch: nothing to compare, still refused
        raise RuntimeError(too_large)
    if not empty:
        raise_if(any_(tensor < 0), RuntimeError, "Class values must be non-negative.")
        raise_if(any_(tensor >= num_classes), RuntimeError, too_large)
    classes = arange(num_classes, device=tensor.device, backend=tensor.backend)
    return (tensor.reshape((*tensor.shape, 1)) == classes).astype(_dtypes.int64)


def scaled_dot_product_attention(
    query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
    dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(query @ key.mT * scale + mask) @ value``, ``scale`` ``1/sqrt(E)`` by
    default. A bool ``attn_mask`` keeps where True; a float one is added; ``is_causal``
    keeps the lower triangle. A row that keeps nothing gives zeros (PyTorch's safe
    softmax). ``dropout_p`` drops attention weights; ``enable_gqa`` lets ``key`` and
    ``value`` have fewer heads (dim -3) than ``query``, each shared by a group.

    >>> import autodiff as ad
    >>> q = ad.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    >>> v = ad.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    >>> ad.nn.functional.scaled_dot_product_attention(q, q, v, is_causal=True)
    tensor([[[1.0000, 2.0000],
             [2.3395, 3.3395]]])
    """
    for name, item in (("query", query), ("key", key), ("value", value)):
        _tensor("scaled_dot_product_attention", name, item)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                           "set when is_causal=True")
    if enable_gqa and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        heads, groups = query.shape[-3], key.shape[-3]
        if groups == 0 or heads % groups or value.shape[-3] != groups:
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in query")
        key = repeat_interleave(key, heads // groups, dim=-3)
        value = repeat_interleave(value, heads // groups, dim=-3)
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    scores = matmul(query, matrix_transpose(key)) * factor
    keep: Tensor | None = None
    if is_causal:
        rows, cols = query.shape[-2], key.shape[-2]
        keep = tril(ones((rows, cols), dtype=_dtypes.bool, device=query.device,
                         backend=query.backend))
    if attn_mask is not None:
        if attn_mask.dtype == _dtypes.bool:
            keep = attn_mask
        else:
            scores = scores + attn_mask
    if keep is not None:
        scores = where(keep, scores, -math.inf)
    if keep is None and attn_mask is None:
        weights = softmax(scores, dim=-1)
    else:  # a row with nothing to attend to: softmax of zeros, then zeroed (never nan)
        dead = max_(scores.detach(), axis=-1, keepdims=True) == -math.inf
        weights = where(dead, 0.0, softmax(where(dead, 0.0, scores), dim=-1))
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return matmul(weights, value)

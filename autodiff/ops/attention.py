"""Multi-head attention as a function: ``multi_head_attention_forward`` (PyTorch's
``F.multi_head_attention_forward``, which ``nn.MultiheadAttention`` calls); exported
from ``autodiff.nn.functional``.

A composite of linear, matmul, softmax and ``scaled_dot_product_attention``: their
rules give PyTorch's gradients. Masks follow PyTorch's convention here, the opposite
of ``scaled_dot_product_attention``'s: a True in ``key_padding_mask`` or a bool
``attn_mask`` means *do not attend*; a float mask is added to the scores.
"""

from __future__ import annotations

import math
from typing import Any

from .. import _dtypes
from .._tensor import Tensor
from .creation import zeros
from .dropout import dropout
from .joining import concat
from .layers import linear, scaled_dot_product_attention
from .linalg import matmul
from .resample import pad
from .softmax import softmax

__all__ = ["multi_head_attention_forward"]
NOT_METHODS = tuple(__all__)


def canonical_mask(mask: Tensor | None, name: str, dtype: Any) -> Tensor | None:
    """A bool mask (True: masked out) as an additive float mask of ``dtype``."""
    if mask is None:
        return None
    if mask.dtype == _dtypes.bool:
        return zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, -math.inf)
    if not _dtypes.isdtype(mask.dtype, "real floating"):
        raise TypeError(f"only bool and floating types of {name} are supported")
    return mask


def _check_shapes(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any,
                  attn_mask: Any, num_heads: int) -> bool:
    """Whether the call is batched, after PyTorch's checks of the inputs' ranks."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise ValueError("For batched (3-D) `query`, expected `key` and `value` to be 3-D "
                             f"but found {key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise ValueError("For batched (3-D) `query`, expected `key_padding_mask` to be "
                             f"`None` or 2-D but found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise ValueError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D "
                             f"or 3-D but found {attn_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise ValueError("For unbatched (2-D) `query`, expected `key` and `value` to be "
                             f"2-D but found {key.ndim}-D and {value.ndim}-D tensors "
                             "respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise ValueError("For unbatched (2-D) `query`, expected `key_padding_mask` to be "
                             f"`None` or 1-D but found {key_padding_mask.ndim}-D tensor "
                             "instead")
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise ValueError("For unbatched (2-D) `query`, expected `attn_mask` to be "
                                 f"`None`, 2-D or 3-D but found {attn_mask.ndim}-D tensor "
                                 "instead")
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.ndim == 3 and tuple(attn_mask.shape) != expected:
                raise ValueError(f"Expected `attn_mask` shape to be {expected} but got "
                                 f"{tuple(attn_mask.shape)}")
        return False
    raise ValueError(f"query should be unbatched 2D or batched 3D tensor but received "
                     f"{query.ndim}-D query tensor")


def _project(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Tensor | None,
             in_proj_bias: Tensor | None, separate: bool, q_proj_weight: Tensor | None,
             k_proj_weight: Tensor | None, v_proj_weight: Tensor | None
             ) -> tuple[Tensor, Tensor, Tensor]:
    """The query, key and value projections (packed in ``in_proj_weight`` or not)."""
    b_q = b_k = b_v = None
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias.chunk(3)
    if separate:
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise ValueError("use_separate_proj_weight is True but q_proj_weight, "
                             "k_proj_weight or v_proj_weight is None")
        return (linear(query, q_proj_weight, b_q), linear(key, k_proj_weight, b_k),
                linear(value, v_proj_weight, b_v))
    if in_proj_weight is None:
        raise ValueError("use_separate_proj_weight is False but in_proj_weight is None")
    if key.shape != value.shape:
        raise ValueError(f"key shape {tuple(key.shape)} does not match value shape "
                         f"{tuple(value.shape)}")
    if query is key and key is value:  # self-attention: one matmul for all three
        q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, dim=-1)
        return q, k, v
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    return linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)


def _batched_mask(attn_mask: Tensor | None, batch_heads: int, tgt_len: int,
                  src_len: int) -> Tensor | None:
    """``attn_mask`` as ``(1 or batch * heads, L, S)``, after PyTorch's shape checks."""
    if attn_mask is None:
        return None
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                               f"but should be {(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.ndim == 3:
        if tuple(attn_mask.shape) != (batch_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, "
                               f"but should be {(batch_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")


def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
    bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
    out_proj_bias: Tensor | None, training: bool = True,
    key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
    static_v: Tensor | None = None, average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Attention of ``query`` ``(L, N, E)`` over ``key``/``value`` ``(S, N, E)`` (or
    unbatched ``(L, E)``/``(S, E)``) with ``num_heads`` heads; returns the output
    ``(L, N, E)`` and, with ``need_weights``, the weights ``(N, L, S)`` (averaged over
    heads, or ``(N, heads, L, S)``).

    >>> import autodiff as ad
    >>> import autodiff.nn.functional as F
    >>> x = ad.ones((3, 4))  # unbatched: 3 positions, embedding 4
    >>> w_in, w_out = ad.ones((12, 4)) * 0.1, ad.eye(4)
    >>> out, weights = F.multi_head_attention_forward(x, x, x, 4, 2, w_in, None, None, None,
    ...                                               False, 0.0, w_out, None)
    >>> out.shape, weights
    ((3, 4), tensor([[0.3333, 0.3333, 0.3333],
            [0.3333, 0.3333, 0.3333],
            [0.3333, 0.3333, 0.3333]]))
    """
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    is_causal = is_causal and key_padding_mask is None and not need_weights
    # with is_causal kept, scaled_dot_product_attention builds the causal mask itself
    attn_mask = None if is_causal else canonical_mask(attn_mask, "attn_mask", query.dtype)
    if embed_dim != embed_dim_to_check:
        raise ValueError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                         f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise ValueError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k and static_v are "
                                  "not supported")

    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias,
                       use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight)
    attn_mask = _batched_mask(attn_mask, bsz * num_heads, tgt_len, src_len)
    if bias_k is not None and bias_v is not None:
        k = concat([k, bias_k.expand(1, bsz, embed_dim)])
        v = concat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask, key_padding_mask = _one_more_key(attn_mask, key_padding_mask)
    elif (bias_k is None) != (bias_v is None):
        raise ValueError("bias_k and bias_v must both be given or both be None")

    # (length, batch, embed) -> (batch * heads, length, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        k = concat([k, zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)],
                   axis=1)
        v = concat([v, zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype, device=v.device)],
                   axis=1)
        attn_mask, key_padding_mask = _one_more_key(attn_mask, key_padding_mask)
    src_len = k.shape[1]

    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise ValueError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                             f"{tuple(key_padding_mask.shape)}")
        padding = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(
            bsz, num_heads, 1, src_len).reshape(bsz * num_heads, 1, src_len)
        attn_mask = padding if attn_mask is None else attn_mask + padding
    out, weights = _attend(q, k, v, attn_mask, dropout_p if training else 0.0, is_causal,
                           need_weights, bsz)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if weights is not None and average_attn_weights:
        weights = weights.mean(dim=1)
    if not batched:
        return out.squeeze(1), (None if weights is None else weights.squeeze(0))
    return out, weights


def _one_more_key(attn_mask: Tensor | None, key_padding_mask: Tensor | None
                  ) -> tuple[Tensor | None, Tensor | None]:
    """The masks with a column for a key added at the end (``bias_k``, the zero key)."""
    return (None if attn_mask is None else pad(attn_mask, (0, 1)),
            None if key_padding_mask is None else pad(key_padding_mask, (0, 1)))


def _attend(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float,
            is_causal: bool, need_weights: bool, bsz: int) -> tuple[Tensor, Tensor | None]:
    """Attention of the per-head ``q`` ``(N * heads, L, head_dim)`` over ``k``, ``v``:
    the heads joined back, ``(L * N, E)``, and the weights ``(N, heads, L, S)`` when
    asked for (without them, ``scaled_dot_product_attention`` does the work)."""
    batch_heads, tgt_len, head_dim = q.shape
    src_len, heads = k.shape[1], batch_heads // bsz
    if need_weights:
        scores = matmul(q * math.sqrt(1.0 / head_dim), k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = softmax(scores, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = matmul(weights, v).transpose(0, 1).reshape(tgt_len * bsz, heads * head_dim)
        return out, weights.reshape(bsz, heads, tgt_len, src_len)
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, heads, -1, src_len)
    out = scaled_dot_product_attention(
        q.reshape(bsz, heads, tgt_len, head_dim), k.reshape(bsz, heads, src_len, head_dim),
        v.reshape(bsz, heads, src_len, head_dim), attn_mask, dropout_p, is_causal)
    return out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, heads * head_dim), None

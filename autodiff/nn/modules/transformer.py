"""The Transformer encoder: ``TransformerEncoderLayer`` (self-attention and a
feed-forward block, each with a residual connection and layer norm, post- or
pre-norm) and ``TransformerEncoder`` (deep copies of one layer, stacked), as
``torch.nn``.

>>> import autodiff as ad
>>> layer = ad.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16,
...                                       batch_first=True)
>>> encoder = ad.nn.TransformerEncoder(layer, num_layers=2)
>>> encoder(ad.ones((3, 5, 8))).shape  # (batch, sequence, d_model)
(3, 5, 8)
>>> [name for name, _ in encoder.named_parameters()][:2]
['layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias']
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from ..._tensor import Tensor
from ...ops.activations import gelu, relu
from ...ops.attention import canonical_mask
from ...ops.creation import full
from ...ops.grids import triu
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["TransformerEncoder", "TransformerEncoderLayer"]


def _activation(activation: str | Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return relu
    if activation == "gelu":
        return gelu
    if isinstance(activation, str) or not callable(activation):
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def generate_square_subsequent_mask(size: int, device: Any = None,
                                    dtype: Any = None) -> Tensor:
    """The causal mask PyTorch's ``Transformer.generate_square_subsequent_mask`` makes:
    ``-inf`` above the diagonal, ``0`` elsewhere.

    >>> generate_square_subsequent_mask(3)
    tensor([[0., -inf, -inf],
            [0., 0., -inf],
            [0., 0., 0.]])
    """
    return triu(full((size, size), -math.inf, dtype=dtype, device=device), diagonal=1)


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block (``linear2(dropout(act(linear1(x))))``),
    each added back to its input and layer-normed after (``norm_first=False``) or
    before (``norm_first=True``). ``activation`` is ``'relu'``, ``'gelu'`` or a
    callable.

    >>> import autodiff as ad
    >>> layer = ad.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0,
    ...                                       norm_first=True)
    >>> list(layer.state_dict())[4:8]
    ['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias']
    >>> layer(ad.ones((6, 4))).shape  # unbatched (sequence, d_model)
    (6, 4)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = relu,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **factory)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        # PyTorch's flag for its fused path: 1 relu, 2 gelu, 0 anything else
        self.activation_relu_or_gelu = (1 if self.activation is relu else
                                        2 if self.activation is gelu else 0)

    def forward(self, src: Tensor, src_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                              src.dtype)
        src_mask = canonical_mask(src_mask, "src_mask", src.dtype)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None,
                  key_padding_mask: Tensor | None, is_causal: bool) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(out)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """``num_layers`` deep copies of ``encoder_layer`` applied in turn (each with its
    own parameters), then ``norm`` if given.

    >>> import autodiff as ad
    >>> layer = ad.nn.TransformerEncoderLayer(4, 1, dim_feedforward=4)
    >>> encoder = ad.nn.TransformerEncoder(layer, 3, norm=ad.nn.LayerNorm(4))
    >>> len(encoder.layers), encoder.layers[0] is layer, len(list(encoder.parameters()))
    (3, False, 38)
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        if not isinstance(encoder_layer, Module):
            raise TypeError(f"TransformerEncoder: expected encoder_layer to be a Module, got "
                            f"{type(encoder_layer).__name__}")
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        # nested tensors (PyTorch's padded fast path) do not exist here: kept for its API
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                              src.dtype)
        mask = canonical_mask(mask, "mask", src.dtype)
        causal = _detect_is_causal_mask(mask, is_causal)
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=causal,
                           src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None) -> bool:
    """PyTorch's rule: ``is_causal`` when given, else whether ``mask`` is exactly the
    square causal mask."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    size = mask.shape[-2]
    if tuple(mask.shape) != (size, size):
        return False
    causal = generate_square_subsequent_mask(size, device=mask.device, dtype=mask.dtype)
    return bool((mask == causal).all())

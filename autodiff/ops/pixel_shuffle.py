"""``pixel_shuffle`` and ``pixel_unshuffle``, as ``torch.nn.functional``: a reshape, a
permutation and a reshape, so their gradients are the inverse rearrangement."""

from __future__ import annotations

from .._tensor import Tensor
from .manipulation import permute_dims, reshape

__all__ = ["pixel_shuffle", "pixel_unshuffle"]
#: not Tensor methods in PyTorch
NOT_METHODS = tuple(__all__)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r², H, W) to (*, C, H r, W r), as ``torch.nn.functional.pixel_shuffle``.

    >>> import autodiff as ad
    >>> ad.nn.functional.pixel_shuffle(ad.arange(4.0).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = (int(s) for s in input.shape)
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{c} is not divisible by {r * r}")
    b = len(lead)
    x = reshape(input, (*lead, c // (r * r), r, r, h, w))
    x = permute_dims(x, (*range(b), b, b + 3, b + 1, b + 4, b + 2))
    return reshape(x, (*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) to (*, C r², H, W), the inverse of ``pixel_shuffle``.

    >>> import autodiff as ad
    >>> ad.nn.functional.pixel_unshuffle(ad.arange(4.0).reshape(1, 1, 2, 2), 2).shape
    (1, 4, 1, 1)
    """
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, "
                           f"but got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = (int(s) for s in input.shape)
    for name, size, axis in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({axis})={size} is not "
                               f"divisible by {r}")
    b = len(lead)
    x = reshape(input, (*lead, c, h // r, r, w // r, r))
    x = permute_dims(x, (*range(b), b, b + 2, b + 4, b + 1, b + 3))
    return reshape(x, (*lead, c * r * r, h // r, w // r))

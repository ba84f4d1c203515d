"""``interpolate``'s source tables along one axis, in plain Python: PyTorch's nearest
indices, linear neighbours and weights, and bicubic taps (cubic convolution, Keys'
kernel with A = -0.75, as ``upsample_bicubic2d``). ``interpolate`` applies them along
each spatial axis in turn."""

from __future__ import annotations

import math
import struct

__all__: list[str] = []

_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution parameter


def _cubic_weights(n_in: int, n_out: int, scale: float | None, align_corners: bool
                   ) -> tuple[list[list[int]], list[list[float]]]:
    """PyTorch's bicubic taps along one axis: for each of the 4 taps, the (clamped)
    source index and the weight of every output position (Keys' kernel, A = -0.75)."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    a = _CUBIC_A

    def near(x: float) -> float:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: float) -> float:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    index: list[list[int]] = [[], [], [], []]
    weight: list[list[float]] = [[], [], [], []]
    for o in range(n_out):
        src = o * s if align_corners else s * (o + 0.5) - 0.5  # not clamped, unlike linear
        base = math.floor(src)
        t = src - base
        for k, w in enumerate((far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t))):
            index[k].append(min(max(base - 1 + k, 0), n_in - 1))
            weight[k].append(w)
    return index, weight


def _f32(value: float) -> float:
    """``value`` rounded to float32."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _nearest_index(n_in: int, n_out: int, scale: float | None, exact: bool) -> list[int]:
    """PyTorch's source index, in float32 as its nearest kernels compute it (a product of
    two float32 numbers is exact in a double, so rounding it once gives float32's).
    Where a position falls within float32's rounding of a whole number, PyTorch's
    vectorised kernels may still pick the neighbour."""
    s = _f32(1.0 / scale if scale is not None and scale > 0 else n_in / n_out)
    shift = 0.5 if exact else 0.0
    return [min(int(math.floor(_f32((o + shift) * s))), n_in - 1) for o in range(n_out)]


def _linear_weights(n_in: int, n_out: int, scale: float | None, align_corners: bool
                    ) -> tuple[list[int], list[int], list[float]]:
    """PyTorch's source positions for linear interpolation: the lower and upper
    neighbour and the upper one's weight."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    lows, highs, weights = [], [], []
    for o in range(n_out):
        src = o * s if align_corners else max(s * (o + 0.5) - 0.5, 0.0)
        low = min(int(math.floor(src)), n_in - 1)
        lows.append(low)
        highs.append(min(low + 1, n_in - 1))
        weights.append(src - low)
    return lows, highs, weights

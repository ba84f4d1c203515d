"""``autodiff.nn.init``: fill a weight in place with PyTorch's initialisations
(``torch.nn.init``).

Every function writes into the tensor it is given under ``no_grad`` (so a leaf that
requires grad, a module's parameter, may be filled: its ``requires_grad`` and leaf
status stay, and no graph is recorded), bumps its version, and returns it. The random
ones take ``generator=`` (an ``autodiff.Generator``) for draws of their own.

>>> import autodiff as ad
>>> w = ad.empty(64, 32, requires_grad=True)
>>> g = ad.Generator().manual_seed(0)
>>> ad.nn.init.kaiming_uniform_(w, a=5 ** 0.5, generator=g) is w
True
>>> bound = 1 / 32 ** 0.5  # PyTorch's default for Linear's weight: 1/sqrt(fan_in)
>>> bool((w.abs() <= bound).all()), w.is_leaf, w.requires_grad
(True, True, True)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .. import _mode
from .._tensor import Tensor
from ._init_draws import _check_tensor
from ._init_draws import orthogonal_ as orthogonal_
from ._init_draws import sparse_ as sparse_
from ._init_draws import trunc_normal_ as trunc_normal_

__all__ = [
    "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_",
    "normal_", "ones_", "orthogonal_", "sparse_", "trunc_normal_", "uniform_", "xavier_normal_",
    "xavier_uniform_", "zeros_",
    # PyTorch's deprecated spellings, which warn and call the ones above
    "constant", "dirac", "eye", "kaiming_normal", "kaiming_uniform", "normal", "orthogonal",
    "sparse", "uniform", "xavier_normal", "xavier_uniform",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (``param``: leaky_relu's negative slope).

    ========================  ===================================
    nonlinearity              gain
    ========================  ===================================
    linear, conv*, sigmoid    1
    tanh                      5/3
    relu                      sqrt(2)
    leaky_relu                sqrt(2 / (1 + negative_slope ** 2))
    selu                      3/4
    ========================  ===================================

    >>> import autodiff as ad
    >>> ad.nn.init.calculate_gain("tanh"), ad.nn.init.calculate_gain("leaky_relu", 0.2)
    (1.6666666666666667, 1.3867504905630728)
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope: float = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param  # True/False are ints: refused above, as PyTorch does
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4  # PyTorch's value, found empirically (pytorch/pytorch#50664)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight: ``shape[1]`` and ``shape[0]`` times the
    receptive field (the product of the dimensions after the first two)."""
    _check_tensor("_calculate_fan_in_and_fan_out", tensor)
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field_size, tensor.shape[0] * receptive_field_size


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with samples from U(a, b).

    >>> import autodiff as ad
    >>> w = ad.nn.init.uniform_(ad.empty(1000), -0.5, 0.5)
    >>> bool((w >= -0.5).all()), bool((w < 0.5).all())
    (True, True)
    """
    _check_tensor("uniform_", tensor)
    with _mode.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²).

    >>> import autodiff as ad
    >>> g = ad.Generator().manual_seed(0)
    >>> w = ad.nn.init.normal_(ad.empty(100_000), 3.0, 0.5, generator=g)
    >>> round(float(w.mean()), 1), round(float(w.std()), 1)
    (3.0, 0.5)
    """
    _check_tensor("normal_", tensor)
    with _mode.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> import autodiff as ad
    >>> ad.nn.init.constant_(ad.empty(3), 0.25)
    tensor([0.2500, 0.2500, 0.2500])
    """
    _check_tensor("constant_", tensor)
    with _mode.no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    >>> import autodiff as ad
    >>> ad.nn.init.ones_(ad.empty(2))
    tensor([1., 1.])
    """
    _check_tensor("ones_", tensor)
    with _mode.no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    >>> import autodiff as ad
    >>> ad.nn.init.zeros_(ad.empty(2))
    tensor([0., 0.])
    """
    _check_tensor("zeros_", tensor)
    with _mode.no_grad():
        return tensor.zero_()


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (ones on the diagonal, zeros elsewhere).

    >>> import autodiff as ad
    >>> ad.nn.init.eye_(ad.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    _check_tensor("eye_", tensor)
    from ..ops.creation import eye

    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with _mode.no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device,
                                backend=tensor.backend))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution
    keeps its input's channels (in each of ``groups``).

    >>> import autodiff as ad
    >>> w = ad.nn.init.dirac_(ad.empty(2, 2, 3))
    >>> w[:, :, 1]
    tensor([[1., 0.],
            [0., 1.]])
    >>> float(w.sum())
    2.0
    """
    _check_tensor("dirac_", tensor)
    from ..ops.creation import arange, zeros

    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    with _mode.no_grad():
        tensor.zero_()
        if min_dim == 0:
            return tensor
        # every (group, channel) pair at once: output channel g*per_group + d, input d,
        # the kernel's centre
        place: dict[str, Any] = {"device": tensor.device, "backend": tensor.backend}
        d = arange(min_dim, **place)
        rows = (arange(groups, **place)[:, None] * out_chans_per_grp + d).reshape(-1)
        cols = d.repeat(groups)
        centre = sum(size // 2 * math.prod(sizes[k + 1:])
                     for k, size in enumerate(sizes) if k >= 2)
        # one integer array of flat positions into a fresh tensor, copied in: a key of
        # several index arrays is beyond some libraries' __setitem__ (dask's)
        flat = rows * math.prod(sizes[1:]) + cols * math.prod(sizes[2:]) + centre
        delta = zeros(tensor.numel(), dtype=tensor.dtype, **place)
        delta[flat] = 1
        tensor.copy_(delta.reshape(sizes))
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with U(-a, a), ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio).

    >>> import autodiff as ad
    >>> w = ad.nn.init.xavier_uniform_(ad.empty(30, 20, 3, 3))  # fans 180 and 270
    >>> bool((w.abs() <= (6 / 450) ** 0.5).all())
    True
    """
    _check_tensor("xavier_uniform_", tensor)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std  # the uniform bound of that standard deviation
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with N(0, std²), ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    >>> import autodiff as ad
    >>> g = ad.Generator().manual_seed(0)
    >>> w = ad.nn.init.xavier_normal_(ad.empty(500, 300), generator=g)
    >>> round(float(w.std()) * (800 / 2) ** 0.5, 1)
    1.0
    """
    _check_tensor("xavier_normal_", tensor)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """Fill with U(-bound, bound), ``bound = gain * sqrt(3 / fan)`` (He et al.);
    ``mode`` picks ``"fan_in"`` or ``"fan_out"``, ``a`` is leaky_relu's slope.

    >>> import autodiff as ad
    >>> w = ad.nn.init.kaiming_uniform_(ad.empty(16, 8, 3), nonlinearity="relu")
    >>> bool((w.abs() <= (2 * 3 / 24) ** 0.5).all())
    True
    """
    _check_tensor("kaiming_uniform_", tensor)
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """Fill with N(0, std²), ``std = gain / sqrt(fan)`` (He et al.).

    >>> import autodiff as ad
    >>> g = ad.Generator().manual_seed(0)
    >>> w = ad.nn.init.kaiming_normal_(ad.empty(400, 200), mode="fan_out",
    ...                                nonlinearity="relu", generator=g)
    >>> round(float(w.std()) / (2 / 400) ** 0.5, 1)
    1.0
    """
    _check_tensor("kaiming_normal_", tensor)
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


_F = TypeVar("_F", bound=Callable[..., Tensor])


def _deprecated(new: _F) -> _F:
    """PyTorch's old spelling without the trailing underscore: warns, then calls ``new``."""
    old_name = new.__name__[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Tensor:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of "
                      f"`nn.init.{new.__name__}`.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    deprecated_init.__name__ = deprecated_init.__qualname__ = old_name
    deprecated_init.__doc__ = f"Deprecated: use ``{new.__name__}``."
    return deprecated_init  # type: ignore[return-value]


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)

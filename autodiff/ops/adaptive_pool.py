"""Adaptive pooling, as ``torch.nn.functional``: ``adaptive_avg_pool1d/2d/3d`` and
``adaptive_max_pool1d/2d/3d``, over PyTorch's windows ``[floor(o L / O), ceil((o + 1) L /
O))``. Average pooling is a fixed averaging matrix per axis (one matmul each); max
pooling gathers the windows as ``pooling`` does and takes each one's first maximum.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .pooling import Table, _batched, _max_over, _unbatch
from .resample import adaptive_average

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d"]
#: none is a Tensor method in PyTorch
NOT_METHODS = tuple(__all__)


def _adaptive_tables(size: int, out: int) -> Table:
    """PyTorch's adaptive windows, [floor(o L / O), ceil((o + 1) L / O)), each padded to
    the longest by repeating its last position (a repeat changes neither the maximum
    nor which position holds it first)."""
    bounds = [(o * size // out, -(-(o + 1) * size // out)) for o in range(out)]
    k = max(end - start for start, end in bounds)
    return [[min(start + j, end - 1) for j in range(k)] for start, end in bounds]


def _adaptive_sizes(x: Tensor, output_size: Any, n: int, op: str) -> list[int]:
    if isinstance(output_size, int):
        sizes: list[Any] = [output_size] * n
    else:
        sizes = list(output_size)
        if len(sizes) != n:
            raise RuntimeError(f"{op}: output_size must be {n}, but got {len(sizes)}")
    sizes = [int(x.shape[2 + i]) if s is None else int(s) for i, s in enumerate(sizes)]
    if any(s < 0 for s in sizes) or (any(s == 0 for s in sizes)
                                     and any(int(m) > 0 for m in x.shape[2:])):
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal "
                           f"to 0, and the output must not be empty; got {sizes}")
    for i in range(n):
        if x.shape[2 + i] == 0:
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x.shape)} with "
                               f"dimension {2 + i} being empty")
    return sizes


def _adaptive_avg(input: Tensor, output_size: Any, n: int) -> Tensor:
    op = f"adaptive_avg_pool{n}d"
    x, unbatched = _batched(input, n, op)
    sizes = _adaptive_sizes(x, output_size, n, op)
    return _unbatch(adaptive_average(x, sizes), unbatched)


def _adaptive_max(input: Tensor, output_size: Any, return_indices: bool, n: int
                  ) -> Tensor | tuple[Tensor, Tensor]:
    op = f"adaptive_max_pool{n}d"
    if input.dtype.name.startswith("complex"):  # a maximum needs an order, as in PyTorch
        kind = "ComplexFloat" if input.dtype.name == "complex64" else "ComplexDouble"
        raise NotImplementedError(f'"{op}" not implemented for \'{kind}\'')
    x, unbatched = _batched(input, n, op)
    sizes = _adaptive_sizes(x, output_size, n, op)
    tables = [_adaptive_tables(int(x.shape[2 + i]), sizes[i]) for i in range(n)]
    return _unbatch(_max_over(x, tables, [0] * n, [int(m) for m in x.shape[2:]],
                              return_indices), unbatched)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average over PyTorch's adaptive windows, to ``output_size`` positions
    (``torch.nn.functional.adaptive_avg_pool1d``).

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_avg_pool1d(ad.tensor([[[1.0, 2.0, 3.0]]]), 2)
    tensor([[[1.5000, 2.5000]]])
    """
    return _adaptive_avg(input, output_size, 1)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """``torch.nn.functional.adaptive_avg_pool2d``; ``None`` in ``output_size`` keeps
    that axis's size.

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_avg_pool2d(ad.arange(16.0).reshape(1, 1, 4, 4), 1)
    tensor([[[[7.5000]]]])
    """
    return _adaptive_avg(input, output_size, 2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """``torch.nn.functional.adaptive_avg_pool3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_avg_pool3d(ad.ones((1, 2, 3, 4)), 1).shape
    (1, 1, 1, 1)
    """
    return _adaptive_avg(input, output_size, 3)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False
                        ) -> Any:
    """Maximum over PyTorch's adaptive windows (``torch.nn.functional.adaptive_max_pool1d``).

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_max_pool1d(ad.tensor([[[1.0, 4.0, 3.0]]]), 2)
    tensor([[[4., 4.]]])
    """
    return _adaptive_max(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False
                        ) -> Any:
    """``torch.nn.functional.adaptive_max_pool2d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_max_pool2d(ad.arange(16.0).reshape(1, 1, 4, 4), 1,
    ...                                      return_indices=True)[1]
    tensor([[[[15]]]])
    """
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False
                        ) -> Any:
    """``torch.nn.functional.adaptive_max_pool3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.adaptive_max_pool3d(ad.arange(8.0).reshape(1, 1, 2, 2, 2), 1)
    tensor([[[[[7.]]]]])
    """
    return _adaptive_max(input, output_size, return_indices, 3)

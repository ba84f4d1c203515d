"""Samplers (PyTorch's ``torch.utils.data`` samplers): which indices a ``DataLoader``
reads, in which order, and how they are grouped into batches.

``SequentialSampler``, ``RandomSampler``, ``SubsetRandomSampler`` and
``WeightedRandomSampler`` know their whole order when an epoch starts (``_order``), so
``BatchSampler`` cuts that list into batches by slicing rather than collecting one index
at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

from ... import _dtypes
from ...ops.creation import tensor
from ...ops.random import randint
from ...ops.random_more import multinomial, randperm

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """The base class of samplers: an iterable of dataset keys (or of batches of them);
    subclasses define ``__iter__`` and usually ``__len__``.

    >>> from autodiff.utils.data import Sampler
    >>> class Backwards(Sampler):
    ...     def __init__(self, n):
    ...         self.n = n
    ...     def __iter__(self):
    ...         return iter(range(self.n - 1, -1, -1))
    >>> list(Backwards(3))
    [2, 1, 0]
    """

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """``0, 1, …, len(data_source) - 1``, in order.

    >>> from autodiff.utils.data import SequentialSampler
    >>> list(SequentialSampler(range(4)))
    [0, 1, 2, 3]
    """

    data_source: Sized

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _order(self) -> list[int]:
        return list(range(len(self.data_source)))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """The indices of ``data_source`` shuffled (a fresh order each epoch), or with
    ``replacement=True``, ``num_samples`` indices drawn independently; ``generator=`` an
    ``autodiff.Generator`` makes the order reproducible on its own.

    >>> import autodiff as ad
    >>> from autodiff.utils.data import RandomSampler
    >>> sampler = RandomSampler(range(5), generator=ad.Generator().manual_seed(0))
    >>> sorted(sampler), len(sampler)
    ([0, 1, 2, 3, 4], 5)
    """

    data_source: Sized
    replacement: bool

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Any = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if (not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool)
                or self.num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> list[int]:
        n, count = len(self.data_source), self.num_samples
        if self.replacement:
            return randint(0, n, (count,), generator=self.generator).tolist()
        order: list[int] = []
        while len(order) < count:  # as many whole permutations as num_samples asks for
            order += randperm(n, generator=self.generator).tolist()
        return order[:count]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices`` in a random order (a fresh one each epoch).

    >>> import autodiff as ad
    >>> from autodiff.utils.data import SubsetRandomSampler
    >>> sorted(SubsetRandomSampler([7, 3, 5], generator=ad.Generator().manual_seed(1)))
    [3, 5, 7]
    """

    indices: Sequence[int]

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def _order(self) -> list[int]:
        indices = self.indices
        return [indices[i] for i in randperm(len(indices), generator=self.generator).tolist()]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices of ``weights`` drawn with probabilities proportional to
    them (with replacement unless ``replacement=False``).

    >>> import autodiff as ad
    >>> from autodiff.utils.data import WeightedRandomSampler
    >>> sampler = WeightedRandomSampler([0.0, 1.0, 0.0], 4, generator=ad.Generator())
    >>> list(sampler), len(sampler)
    ([1, 1, 1, 1], 4)
    """

    num_samples: int
    replacement: bool

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        weights_tensor = tensor(weights, dtype=_dtypes.float64)
        if weights_tensor.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def _order(self) -> list[int]:
        return multinomial(self.weights, self.num_samples, self.replacement,
                           generator=self.generator).tolist()

    def __iter__(self) -> Iterator[int]:
        return iter(self._order())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one
    shorter, or dropped with ``drop_last=True``).

    >>> from autodiff.utils.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        size = self.batch_size
        if type(self.sampler) in _KNOWN_ORDER:  # the epoch's order is known: slice it
            indices = self.sampler._order()  # type: ignore[union-attr]
            stop = len(indices) - len(indices) % size if self.drop_last else len(indices)
            return (indices[start:start + size] for start in range(0, stop, size))
        return self._collect(iter(self.sampler), size)

    def _collect(self, indices: Iterator[int], size: int) -> Iterator[list[int]]:
        if self.drop_last:
            yield from map(list, zip(*[indices] * size, strict=False))
            return
        batch = list(itertools.islice(indices, size))
        while batch:
            yield batch
            batch = list(itertools.islice(indices, size))

    def __len__(self) -> int:
        length = len(self.sampler)  # type: ignore[arg-type]
        if self.drop_last:
            return length // self.batch_size
        return (length + self.batch_size - 1) // self.batch_size


#: samplers whose ``_order`` is what they iterate (a subclass may iterate otherwise)
_KNOWN_ORDER = (SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler)

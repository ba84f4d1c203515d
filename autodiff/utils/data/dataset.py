"""Datasets (PyTorch's ``torch.utils.data`` datasets): the map-style ``Dataset`` and the
stream-style ``IterableDataset``, ``TensorDataset`` over tensors sharing a first
dimension, ``Subset``, ``ConcatDataset``, ``ChainDataset`` and ``random_split``.

A ``TensorDataset`` (and a ``Subset`` of one) also hands out a whole batch at once
(``_take_batch``): the ``DataLoader`` indexes each tensor with the batch's indices in one
take, rather than indexing every sample and stacking them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ..._tensor import Tensor
from ...ops.random import default_generator
from ...ops.random_more import randperm

__all__ = ["ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "Subset",
           "TensorDataset", "random_split"]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map from keys (usually ``0`` to ``len - 1``) to samples: subclasses define
    ``__getitem__`` and, for the default samplers, ``__len__``. They may also define
    ``__getitems__(indices)``, which returns the list of samples of a batch at once.
    ``a + b`` is their ``ConcatDataset``.

    >>> from autodiff.utils.data import Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, index):
    ...         return index * index
    >>> [Squares()[i] for i in range(4)], len(Squares() + Squares())
    ([0, 1, 4, 9], 8)
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[Any]) -> ConcatDataset[Any]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A stream of samples: subclasses define ``__iter__``. A ``DataLoader`` batches
    them in the order they come (no sampler, no shuffle); ``a + b`` chains two streams.

    >>> from autodiff.utils.data import DataLoader, IterableDataset
    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(5))
    >>> [batch.tolist() for batch in DataLoader(Count(), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[Any]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Any, ...]]):
    """Samples are the tensors' rows: ``dataset[i]`` is ``(t[i] for t in tensors)``.

    >>> import autodiff as ad
    >>> from autodiff.utils.data import TensorDataset
    >>> data = TensorDataset(ad.arange(6.0).reshape(3, 2), ad.tensor([0, 1, 0]))
    >>> len(data), data[1]
    (3, (tensor([2., 3.]), tensor(1)))
    """

    tensors: tuple[Any, ...]

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise TypeError("TensorDataset: expected at least one tensor, got none")
        for i, item in enumerate(tensors):
            if not isinstance(item, Tensor):
                raise TypeError(f"TensorDataset: expected tensors, got "
                                f"{type(item).__name__} at position {i}; convert it with "
                                f"ad.asarray")
        if any(tensors[0].size(0) != tensor.size(0) for tensor in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].size(0))

    def _take_batch(self, indices: list[int]) -> list[Any] | None:
        """The collated batch at ``indices`` (what ``default_collate`` of the samples
        gives, a list of tensors), taken from each tensor at once; None when a subclass
        changed what a sample is."""
        if type(self).__getitem__ is not TensorDataset.__getitem__:
            return None
        first = self.tensors[0]
        if first._backend.lazy and _is_run(indices):
            # on dask a run of rows is a slice: a batch that matches a chunk is that
            # chunk's one task, where a list of indices makes a gather over every chunk
            rows = slice(indices[0], indices[-1] + 1)
            return [tensor[rows] for tensor in self.tensors]
        return [tensor[indices] for tensor in self.tensors]


def _is_run(indices: Sequence[int]) -> bool:
    """Whether ``indices`` are consecutive and increasing (what a sequential sampler
    gives)."""
    return len(indices) > 0 and list(indices) == list(
        range(indices[0], indices[0] + len(indices)))


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order.

    >>> from autodiff.utils.data import Subset
    >>> part = Subset(range(10, 20), [3, 0, 5])
    >>> len(part), [part[i] for i in range(3)]
    (3, [13, 10, 15])
    """

    dataset: Any
    indices: Sequence[int]

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        if (type(self).__getitem__ is not Subset.__getitem__
                and type(self).__getitems__ is Subset.__getitems__):
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. When "
                "subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\ndef __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return list(getitems([self.indices[i] for i in indices]))
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def _take_batch(self, indices: list[int]) -> Any:
        if (not isinstance(self.dataset, TensorDataset | Subset)
                or type(self).__getitems__ is not Subset.__getitems__):
            return None
        return self.dataset._take_batch([self.indices[i] for i in indices])


class ConcatDataset(Dataset[T_co]):
    """Several map-style datasets one after the other.

    >>> from autodiff.utils.data import ConcatDataset
    >>> both = ConcatDataset([range(3), range(10, 12)])
    >>> len(both), both[3], both[-1], both.cumulative_sizes
    (5, 10, 11, [3, 5])
    """

    datasets: list[Any]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        return list(itertools.accumulate(len(dataset) for dataset in sequence))

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(dataset, IterableDataset) for dataset in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset[Any]):
    """Several iterable datasets one after the other.

    >>> from autodiff.utils.data import ChainDataset
    >>> list(ChainDataset([range(2), range(5, 7)]))
    [0, 1, 5, 6]
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for dataset in self.datasets:
            if not isinstance(dataset, Iterable):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self.datasets)


def _lengths_of_fractions(fractions: Sequence[float], total: int) -> list[int]:
    """PyTorch's rule: floor of each share, then the remainder handed out one by one
    from the first split on."""
    lengths = []
    for i, fraction in enumerate(fractions):
        if fraction < 0 or fraction > 1:
            raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        lengths.append(math.floor(total * fraction))
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, length in enumerate(lengths):
        if length == 0:
            warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                          "empty dataset.", stacklevel=3)
    return lengths


def random_split(dataset: Any, lengths: Sequence[int | float],
                 generator: Any = default_generator) -> list[Subset[Any]]:
    """Split ``dataset`` at random into non-overlapping ``Subset`` s of the given
    lengths, or of the given fractions of it (which sum to 1; PyTorch's rounding).

    >>> import autodiff as ad
    >>> from autodiff.utils.data import random_split
    >>> train, test = random_split(range(10), [0.8, 0.2], generator=ad.Generator().manual_seed(0))
    >>> len(train), len(test), sorted(list(train) + list(test)) == list(range(10))
    (8, 2, True)
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _lengths_of_fractions(lengths, len(dataset))
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = randperm(int(sum(lengths)), generator=generator).tolist()
    return [Subset(dataset, indices[end - int(length):end])
            for end, length in zip(itertools.accumulate(lengths), lengths, strict=True)]

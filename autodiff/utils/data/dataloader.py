"""``DataLoader`` (PyTorch's ``torch.utils.data.DataLoader``), in this process only.

Batches of a ``TensorDataset`` (or a ``Subset`` of one) with the default collation are
taken from each tensor with one index per batch; any other dataset is read sample by
sample (or through its ``__getitems__``) and collated with ``collate_fn``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ._collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]

WORKERS_MESSAGE = (
    "DataLoader: autodiff loads data in the calling process only, so num_workers must be "
    "0, got num_workers={}. Drop the argument (or pass num_workers=0); batches of a "
    "TensorDataset are taken with one index per batch, which needs no workers.")

#: attributes PyTorch refuses to change once the loader is built
_FROZEN = frozenset(("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                     "persistent_workers"))


def get_worker_info() -> None:
    """Information about the worker process loading data: always None, since autodiff
    loads in the calling process (PyTorch's answer there too).

    >>> from autodiff.utils.data import get_worker_info
    >>> get_worker_info() is None
    True
    """
    return None


class _InfiniteConstantSampler(Sampler[None]):
    """What an iterable dataset is "sampled" with: one ``None`` per sample wanted."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def _check_single_process(num_workers: int, timeout: float, prefetch_factor: int | None,
                          persistent_workers: bool, multiprocessing_context: Any) -> None:
    """PyTorch's checks on the worker options, and autodiff's refusal of workers."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                         "to disable multiprocessing.")
    if num_workers != 0:
        raise ValueError(WORKERS_MESSAGE.format(num_workers))
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing.let "
            "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
    if persistent_workers:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None:
        raise ValueError("multiprocessing_context can only be used with multi-process "
                         f"loading (num_workers > 0), but got num_workers={num_workers}")


class DataLoader:
    """Iterate over ``dataset`` in batches: ``batch_size`` samples at a time (``None``:
    one sample at a time, unbatched), shuffled each epoch with ``shuffle=True``
    (reproducibly with ``generator=``), or in the order a ``sampler`` or
    ``batch_sampler`` gives; ``drop_last`` drops a short last batch; ``collate_fn``
    makes a batch of a list of samples (``default_collate`` stacks them).

    >>> import autodiff as ad
    >>> from autodiff.utils.data import DataLoader, TensorDataset
    >>> data = TensorDataset(ad.arange(10.0).reshape(5, 2), ad.arange(5))
    >>> loader = DataLoader(data, batch_size=2)
    >>> len(loader)
    3
    >>> for x, y in loader:
    ...     print(x.shape, y.tolist())
    (2, 2) [0, 1]
    (2, 2) [2, 3]
    (1, 2) [4]
    >>> shuffled = DataLoader(data, batch_size=5, shuffle=True,
    ...                       generator=ad.Generator().manual_seed(0))
    >>> sorted(next(iter(shuffled))[1].tolist())
    [0, 1, 2, 3, 4]
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler[Any] | Iterable[Any] | None = None,
                 batch_sampler: Sampler[Any] | Iterable[Any] | None = None,
                 num_workers: int = 0, collate_fn: Callable[[Any], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        self.__initialized = False
        _check_single_process(num_workers, timeout, prefetch_factor, persistent_workers,
                              multiprocessing_context)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory  # nothing to pin: host memory is what the backends use
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # type: ignore[arg-type]
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FROZEN and getattr(self, "_DataLoader__initialized", False):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = (length // self.batch_size if self.drop_last
                          else math.ceil(length / self.batch_size))
            return length
        return len(self._index_sampler)

    def __iter__(self) -> _DataLoaderIter:
        return _DataLoaderIter(self)


class _DataLoaderIter:
    """One pass over a ``DataLoader``: draws the epoch's indices, then fetches and
    collates one batch per ``next``."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        self._indices = iter(loader._index_sampler)
        self._collate = loader.collate_fn
        self._auto = loader._auto_collation
        dataset = loader.dataset
        self._dataset = dataset
        self._stream = iter(dataset) if loader._iterable else None
        self._ended = False
        # the one-take path: our own collation of a dataset that can take a whole batch
        self._batch = (dataset._take_batch if isinstance(dataset, TensorDataset | Subset)
                       and self._auto and self._collate is default_collate else None)
        getitems = getattr(dataset, "__getitems__", None)
        self._getitems = getitems if callable(getitems) else None

    def __iter__(self) -> _DataLoaderIter:
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def __next__(self) -> Any:
        index = next(self._indices)
        if self._stream is not None:
            return self._next_from_stream(self._stream, index)
        if not self._auto:
            return self._collate(self._dataset[index])
        if self._batch is not None:
            batch = self._batch(index)
            if batch is not None:
                return batch
            self._batch = None  # the dataset declined: read it sample by sample from now on
        samples = (self._getitems(index) if self._getitems is not None
                   else [self._dataset[i] for i in index])
        return self._collate(samples)

    def _next_from_stream(self, stream: Iterator[Any], index: Any) -> Any:
        if self._ended:
            raise StopIteration
        if not self._auto:
            return self._collate(next(stream))
        samples = []
        for _ in index:
            try:
                samples.append(next(stream))
            except StopIteration:
                self._ended = True
                break
        if not samples or (self._loader.drop_last and len(samples) < len(index)):
            raise StopIteration
        return self._collate(samples)

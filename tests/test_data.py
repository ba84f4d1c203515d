"""autodiff.utils.data: datasets, samplers, collation and the DataLoader, checked against
numpy references and PyTorch's rules (and against torch.utils.data where installed)."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

import autodiff as ad
from autodiff.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)

Point = collections.namedtuple("Point", ["x", "y"])


def _data(n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, 3)), np.arange(n) % 4


class Records(Dataset):
    """A map-style dataset whose samples are dicts."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> dict:
        return {"x": ad.full((2,), float(index)), "label": index, "name": f"s{index}"}


class Stream(IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n


# -- datasets ----------------------------------------------------------------------------
def test_tensor_dataset_rows(backend: str) -> None:
    x, y = _data()
    data = TensorDataset(ad.tensor(x), ad.tensor(y))
    assert len(data) == 10
    row = data[3]
    assert isinstance(row, tuple) and len(row) == 2
    np.testing.assert_array_equal(row[0].numpy(), x[3])
    assert int(row[1]) == y[3]


def test_tensor_dataset_errors(backend: str) -> None:
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ad.ones(3, 2), ad.ones(4))
    with pytest.raises(TypeError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(TypeError, match="expected tensors, got ndarray at position 1"):
        TensorDataset(ad.ones(2), np.ones(2))


def test_subset_and_concat(backend: str) -> None:
    x, _ = _data()
    data = TensorDataset(ad.tensor(x))
    part = Subset(data, [4, 1, 7])
    assert len(part) == 3
    np.testing.assert_array_equal(part[1][0].numpy(), x[1])
    np.testing.assert_array_equal(part[[0, 2]][0].numpy(), x[[4, 7]])
    both = data + part
    assert isinstance(both, ConcatDataset) and len(both) == 13
    assert both.cumulative_sizes == [10, 13]
    np.testing.assert_array_equal(both[10][0].numpy(), x[4])
    np.testing.assert_array_equal(both[-1][0].numpy(), x[7])
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        both[-14]
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([data, Stream(2)])


def test_subset_subclass_must_override_getitems() -> None:
    class Bad(Subset):
        def __getitem__(self, idx):
            return 0

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Bad(range(3), [0])


def test_base_classes_say_what_to_implement() -> None:
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="should implement __iter__"):
        iter(IterableDataset())
    assert list(Stream(2) + Stream(3)) == [0, 1, 0, 1, 2]
    assert isinstance(Stream(2) + Stream(3), ChainDataset)


# -- random_split ------------------------------------------------------------------------
def test_random_split_lengths_partition_the_dataset(backend: str) -> None:
    parts = random_split(range(10), [3, 7], generator=ad.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    again = random_split(range(10), [3, 7], generator=ad.Generator().manual_seed(1))
    assert [list(p) for p in parts] == [list(p) for p in again]


def test_random_split_fractions_round_as_pytorch(backend: str) -> None:
    # floor(0.3*11)=3, floor(0.3*11)=3, floor(0.4*11)=4, remainder 1 goes to the first
    parts = random_split(range(11), [0.3, 0.3, 0.4], generator=ad.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [4, 3, 4]
    assert sorted(i for p in parts for i in p) == list(range(11))


def test_random_split_follows_the_default_generator(backend: str) -> None:
    ad.manual_seed(3)
    first = [list(p) for p in random_split(range(8), [4, 4])]
    ad.manual_seed(3)
    assert [list(p) for p in random_split(range(8), [4, 4])] == first


def test_random_split_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 2 is not between 0 and 1"):
        random_split(range(10), [0.5, 0.7, -0.2])
    with pytest.raises(TypeError, match="generator must be an autodiff.Generator"):
        random_split(range(10), [5, 5], generator=object())
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0])


# -- samplers ----------------------------------------------------------------------------
def test_samplers(backend: str) -> None:
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = ad.Generator().manual_seed(0)
    order = list(RandomSampler(range(20), generator=g))
    assert sorted(order) == list(range(20)) and order != list(range(20))
    assert list(RandomSampler(range(20), generator=ad.Generator().manual_seed(0))) == order
    more = list(RandomSampler(range(5), num_samples=12, generator=g))
    assert len(more) == 12 and sorted(more[:5]) == list(range(5))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    subset = list(SubsetRandomSampler([10, 20, 30], generator=g))
    assert sorted(subset) == [10, 20, 30]
    assert len(SubsetRandomSampler([1, 2])) == 2


def test_weighted_random_sampler(backend: str) -> None:
    g = ad.Generator().manual_seed(0)
    drawn = list(WeightedRandomSampler([1.0, 0.0, 3.0], 4000, generator=g))
    counts = np.bincount(drawn, minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    once = list(WeightedRandomSampler([1.0, 2.0, 3.0, 4.0], 4, replacement=False,
                                      generator=g))
    assert sorted(once) == [0, 1, 2, 3]
    batches = list(BatchSampler(WeightedRandomSampler([1, 1], 5, generator=g), 2, False))
    assert [len(b) for b in batches] == [2, 2, 1]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        WeightedRandomSampler([1.0], 1, replacement=None)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence but given weights "
                                         r"have shape \(1, 2\)"):
        WeightedRandomSampler([[1.0, 2.0]], 1)


def test_batch_sampler_over_any_iterable() -> None:
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3
    assert len(BatchSampler(range(7), 3, True)) == 2

    class Backwards(SequentialSampler):  # a subclass iterates its own way
        def __iter__(self):
            return iter(range(len(self.data_source) - 1, -1, -1))

    assert list(BatchSampler(Backwards(range(5)), 2, False)) == [[4, 3], [2, 1], [0]]


def test_sampler_errors() -> None:
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, "
                                         "but got batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(NotImplementedError):
        iter(Sampler())


# -- collation ---------------------------------------------------------------------------
def test_default_collate_of_leaves(backend: str) -> None:
    stacked = default_collate([ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0])])
    np.testing.assert_array_equal(stacked.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    floats = default_collate([0.5, 1.5])
    assert floats.dtype == ad.float64 and floats.tolist() == [0.5, 1.5]
    ints = default_collate([1, 2])
    assert ints.dtype == ad.int64 and ints.tolist() == [1, 2]
    assert default_collate([True, False]).dtype == ad.bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    arrays = default_collate([np.ones(2, np.float32), np.zeros(2, np.float32)])
    assert arrays.dtype == ad.float32 and arrays.shape == (2, 2)
    scalars = default_collate([np.int32(1), np.int32(2)])
    assert scalars.dtype == ad.int32 and scalars.tolist() == [1, 2]


def test_default_collate_of_structures(backend: str) -> None:
    pairs = default_collate([(1, 2.0), (3, 4.0)])
    assert isinstance(pairs, list) and pairs[0].tolist() == [1, 3]
    lists = default_collate([[1, 2], [3, 4]])
    assert isinstance(lists, list) and [t.tolist() for t in lists] == [[1, 3], [2, 4]]
    records = default_collate([Records(3)[i] for i in range(3)])
    assert set(records) == {"x", "label", "name"}
    assert records["x"].shape == (3, 2) and records["label"].tolist() == [0, 1, 2]
    assert records["name"] == ["s0", "s1", "s2"]
    points = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(points, Point) and points.x.tolist() == [1, 3]
    ordered = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert isinstance(ordered, collections.OrderedDict)


def test_default_collate_errors(backend: str) -> None:
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, "
                                        "dicts or lists; found <class 'object'>"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])


def test_default_convert(backend: str) -> None:
    converted = default_convert({"a": np.array([1, 2]), "b": (np.float64(0.5), "s")})
    assert isinstance(converted["a"], ad.Tensor) and converted["a"].tolist() == [1, 2]
    assert converted["b"][1] == "s" and float(converted["b"][0]) == 0.5
    strings = np.array(["x"])
    assert default_convert(strings) is strings
    assert default_convert(Point(np.array(1), 2)).y == 2


# -- DataLoader --------------------------------------------------------------------------
def test_loader_batches_in_order(backend: str) -> None:
    x, y = _data()
    loader = DataLoader(TensorDataset(ad.tensor(x), ad.tensor(y)), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert isinstance(batches[0], list)
    np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), y)
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert len(DataLoader(TensorDataset(ad.tensor(x)), batch_size=4, drop_last=True)) == 2


def test_loader_one_take_equals_sample_by_sample(backend: str) -> None:
    x, y = _data(13)
    data = TensorDataset(ad.tensor(x), ad.tensor(y))

    def sample_by_sample(batch):  # not default_collate, so the loader stacks samples
        return default_collate(batch)

    for dataset in (data, Subset(data, [5, 2, 11, 0, 7])):
        fast = list(DataLoader(dataset, batch_size=3))
        slow = list(DataLoader(dataset, batch_size=3, collate_fn=sample_by_sample))
        for a, b in zip(fast, slow, strict=True):
            for ta, tb in zip(a, b, strict=True):
                assert ta.dtype == tb.dtype
                np.testing.assert_array_equal(ta.numpy(), tb.numpy())


def test_a_tensor_dataset_subclass_gets_its_own_samples(backend: str) -> None:
    class Doubled(TensorDataset):
        def __getitem__(self, index):
            return tuple(t[index] * 2 for t in self.tensors)

    data = Doubled(ad.arange(4.0))
    assert [b[0].tolist() for b in DataLoader(data, batch_size=2)] == [[0, 2], [4, 6]]
    part = Subset(data, [3, 1])
    assert [b[0].tolist() for b in DataLoader(part, batch_size=2)] == [[6, 2]]


def test_loader_shuffle_is_reproducible_with_a_generator(backend: str) -> None:
    x, y = _data(20)
    data = TensorDataset(ad.tensor(x), ad.tensor(y))

    def epoch(loader: DataLoader) -> list[int]:
        return [int(label) for _, labels in loader for label in labels.tolist()]

    loader = DataLoader(data, batch_size=6, shuffle=True,
                        generator=ad.Generator().manual_seed(0))
    first, second = epoch(loader), epoch(loader)
    assert sorted(first) == sorted(y.tolist()) and first != y.tolist()
    assert first != second  # a fresh order each epoch
    again = DataLoader(data, batch_size=6, shuffle=True, generator=ad.Generator().manual_seed(0))
    assert epoch(again) == first


def test_loader_shuffle_follows_manual_seed(backend: str) -> None:
    data = TensorDataset(ad.arange(30))
    ad.manual_seed(7)
    first = [b[0].tolist() for b in DataLoader(data, batch_size=8, shuffle=True)]
    ad.manual_seed(7)
    assert [b[0].tolist() for b in DataLoader(data, batch_size=8, shuffle=True)] == first


def test_loader_shuffle_keeps_rows_together(backend: str) -> None:
    x = np.arange(30.0).reshape(10, 3)
    data = TensorDataset(ad.tensor(x), ad.arange(10))
    for xb, ib in DataLoader(data, batch_size=4, shuffle=True):
        np.testing.assert_array_equal(xb.numpy(), x[ib.numpy()])


def test_loader_samplers_and_collate(backend: str) -> None:
    data = TensorDataset(ad.arange(10))
    picked = DataLoader(data, batch_size=2, sampler=[9, 0, 5])
    assert [b[0].tolist() for b in picked] == [[9, 0], [5]]
    batched = DataLoader(data, batch_sampler=[[1, 2, 3], [0]])
    assert [b[0].tolist() for b in batched] == [[1, 2, 3], [0]] and len(batched) == 2
    custom = DataLoader(data, batch_size=5, collate_fn=lambda s: sum(int(t[0]) for t in s))
    assert list(custom) == [10, 35]
    records = DataLoader(Records(5), batch_size=2, drop_last=True)
    batches = list(records)
    assert len(batches) == 2 and batches[1]["label"].tolist() == [2, 3]
    assert batches[0]["x"].shape == (2, 2)


def test_loader_unbatched(backend: str) -> None:
    class Arrays(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.full(2, i)

    items = list(DataLoader(Arrays(), batch_size=None))
    assert all(isinstance(item, ad.Tensor) for item in items)
    assert [item.tolist() for item in items] == [[0, 0], [1, 1]]


def test_loader_over_an_iterable_dataset(backend: str) -> None:
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    dropped = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]] and len(dropped) == 2
    assert list(DataLoader(Stream(2), batch_size=None)) == [0, 1]


def test_loader_uses_getitems(backend: str) -> None:
    calls = []

    class Batched(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            raise AssertionError("read one by one")

        def __getitems__(self, indices):
            calls.append(list(indices))
            return [float(i) for i in indices]

    assert [b.tolist() for b in DataLoader(Batched(), batch_size=3)] == [[0, 1, 2], [3]]
    assert calls == [[0, 1, 2], [3]]


def test_loader_errors(backend: str) -> None:
    data = TensorDataset(ad.arange(4))
    with pytest.raises(ValueError, match="num_workers must be 0, got num_workers=2"):
        DataLoader(data, num_workers=2)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(data, num_workers=-1)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(data, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(data, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching"):
        DataLoader(data, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(data, persistent_workers=True)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        DataLoader(data, prefetch_factor=2)
    loader = DataLoader(data)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.collate_fn = default_collate  # other attributes may change


def test_no_worker_processes() -> None:
    assert get_worker_info() is None


def test_loader_len_and_iterator_len(backend: str) -> None:
    loader = DataLoader(TensorDataset(ad.arange(10)), batch_size=3)
    iterator = iter(loader)
    assert len(iterator) == len(loader) == 4
    assert sum(1 for _ in iterator) == 4


# -- PyTorch as the oracle ---------------------------------------------------------------
def test_matches_torch_batches_and_collation(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    import torch.utils.data as tud

    x, y = _data(11)
    ours = list(DataLoader(TensorDataset(ad.tensor(x), ad.tensor(y)), batch_size=4,
                           drop_last=False))
    theirs = list(tud.DataLoader(tud.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                 batch_size=4))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert type(a) is type(b)
        for ta, tb in zip(a, b, strict=True):
            np.testing.assert_array_equal(ta.numpy(), tb.numpy())
    samples = [{"a": 1, "b": (2.0, "s"), "c": np.ones(2)}, {"a": 3, "b": (4.0, "t"),
                                                            "c": np.zeros(2)}]
    mine, reference = default_collate(samples), tud.default_collate(samples)
    assert mine["a"].tolist() == reference["a"].tolist()
    assert str(mine["b"][0].dtype).split(".")[-1] == str(reference["b"][0].dtype).split(".")[-1]
    assert mine["b"][1] == reference["b"][1]
    np.testing.assert_array_equal(mine["c"].numpy(), reference["c"].numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = tud.random_split(range(11), [0.3, 0.3, 0.4])
    assert [len(p) for p in parts] == [len(p) for p in random_split(range(11), [0.3, 0.3, 0.4])]

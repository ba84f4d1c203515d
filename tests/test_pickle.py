"""Tensors pickle, copy and deepcopy as PyTorch's do, on every backend.

PyTorch's rules (checked with torch 2.13): a pickle holds the values, dtype, device and
``requires_grad`` (a non-leaf unpickles as a leaf, ``.grad`` is not kept); ``copy.copy``
is a leaf sharing the memory, with ``requires_grad`` and no ``.grad``; ``copy.deepcopy``
of a leaf has new memory, its ``requires_grad`` and a deep copy of ``.grad``, and of a
non-leaf raises.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import backends
from autodiff._tensor_io import DEEPCOPY_NONLEAF_MESSAGE, rebuild_tensor

DTYPES = (ad.float32, ad.float64, ad.complex128, ad.int64, ad.int8, ad.bool)
SHAPES = ((), (0,), (3,), (2, 3))


def _leaf(dtype: Any, shape: tuple[int, ...]) -> ad.Tensor:
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 1.5
    if dtype is ad.complex128:
        values = values + 0.5j * values
    return ad.tensor(values.astype(dtype.name), dtype=dtype)


def _same(a: ad.Tensor, b: ad.Tensor) -> None:
    assert a.dtype is b.dtype and a.shape == b.shape
    assert a.backend == b.backend and a.device == b.device
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def _shares(a: ad.Tensor, b: ad.Tensor) -> bool:
    return bool(np.shares_memory(np.asarray(a.array), np.asarray(b.array)))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
@pytest.mark.parametrize("protocol", (2, pickle.HIGHEST_PROTOCOL))
def test_pickle_round_trip(backend: str, dtype: Any, shape: tuple[int, ...],
                           protocol: int) -> None:
    x = _leaf(dtype, shape)
    back = pickle.loads(pickle.dumps(x, protocol=protocol))
    _same(back, x)
    assert back.backend == backend and back.is_leaf and not back.requires_grad
    assert not _shares(back, x)


def test_pickle_keeps_requires_grad_not_grad(backend: str) -> None:
    x = ad.tensor([1.0, -2.0, 3.0], dtype=ad.float64, requires_grad=True)
    (x * x).sum().backward()
    back = pickle.loads(pickle.dumps(x))
    _same(back, x)
    assert back.requires_grad and back.is_leaf and back.grad is None
    (back * 3).sum().backward()  # a leaf that works in a new graph
    np.testing.assert_array_equal(back.grad.numpy(), [3.0, 3.0, 3.0])


def test_pickled_non_leaf_unpickles_as_a_leaf(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    back = pickle.loads(pickle.dumps(y))
    _same(back, y)
    assert back.is_leaf and back.requires_grad and back.grad_fn is None


def test_pickle_of_a_view_holds_only_the_view(backend: str) -> None:
    base = ad.reshape(ad.arange(12, dtype=ad.float64), (3, 4))
    view = base[1:, ::2]
    back = pickle.loads(pickle.dumps(view))
    _same(back, view)


def test_pickle_keeps_sharing_within_one_pickle(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    first, second = pickle.loads(pickle.dumps([x, x]))
    assert first is second


def test_deepcopy_of_a_leaf(backend: str) -> None:
    x = ad.tensor([1.0, -2.0, 3.0], dtype=ad.float64, requires_grad=True)
    (x * x).sum().backward()
    twin = copy.deepcopy(x)
    _same(twin, x)
    assert twin is not x and twin.is_leaf and twin.requires_grad
    assert twin.grad is not None and twin.grad is not x.grad
    _same(twin.grad, x.grad)
    assert not _shares(twin, x) and not _shares(twin.grad, x.grad)
    twin.grad.zero_()  # the copies are independent of the originals
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -4.0, 6.0])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_deepcopy_of_every_dtype_and_shape(backend: str, dtype: Any,
                                           shape: tuple[int, ...]) -> None:
    x = _leaf(dtype, shape)
    twin = copy.deepcopy(x)
    _same(twin, x)
    assert not twin.requires_grad and twin.grad is None and not _shares(twin, x)


def test_deepcopy_of_a_view_and_a_detached_alias_copies_the_memory(backend: str) -> None:
    base = ad.arange(6, dtype=ad.float64)
    for alias in (base[1:4], base.detach()):
        twin = copy.deepcopy(alias)
        _same(twin, alias)
        assert not _shares(twin, base)


def test_deepcopy_keeps_sharing_in_its_memo(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * 1).sum().backward()
    model = {"weight": x, "tied": x, "grads": [x.grad]}
    twin = copy.deepcopy(model)
    assert twin["weight"] is twin["tied"] and twin["weight"] is not x
    assert twin["grads"][0] is twin["weight"].grad  # .grad shares the memo too


def test_deepcopy_of_a_non_leaf_raises_pytorchs_error(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Only Tensors created explicitly by the user "
                                           r"\(graph leaves\) support the deepcopy protocol"):
        copy.deepcopy(x * 2)
    with pytest.raises(RuntimeError, match=r"graph leaves"):
        copy.deepcopy([x, x.exp()])
    assert DEEPCOPY_NONLEAF_MESSAGE.endswith("pull/103001")


def test_deepcopy_of_a_grad_with_history_raises(backend: str) -> None:
    """As in PyTorch, ``.grad`` is deep-copied, so a ``.grad`` made by
    ``create_graph=True`` (a non-leaf) refuses."""
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward(create_graph=True)
    assert not x.grad.is_leaf
    with pytest.raises(RuntimeError, match=r"graph leaves"):
        copy.deepcopy(x)


def test_copy_shares_memory_as_a_leaf(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    shallow = copy.copy(x)
    _same(shallow, x)
    assert shallow is not x and shallow.is_leaf and shallow.requires_grad
    assert shallow.grad is None
    if ad.get_backend().mutable_arrays:
        assert _shares(shallow, x)
    y = x * 3
    shallow_y = copy.copy(y)
    _same(shallow_y, y)
    assert shallow_y.is_leaf and shallow_y.requires_grad


def test_copy_shares_the_version_counter(backend: str) -> None:
    """A shallow copy shares memory, so a write through it must fail the version
    check of a node that saved the original (as a ``detach()`` alias does)."""
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    out = (y * y).sum()
    with ad.no_grad():
        copy.copy(y).mul_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


class _Pickled:
    """Stands for a tensor pickled by a process with another backend."""

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def __reduce__(self) -> Any:
        return (rebuild_tensor, (ad.Tensor, np.ones(2, dtype=np.float32), "float32",
                                 self.backend, None, False))


def test_unpickling_on_an_unknown_backend_names_it() -> None:
    data = pickle.dumps(_Pickled("no_such_backend"))
    with pytest.raises(backends.BackendError,
                       match="unpickling a tensor of backend 'no_such_backend': unknown "
                             "backend 'no_such_backend'"):
        pickle.loads(data)


def test_unpickling_on_an_unavailable_backend_says_why() -> None:
    missing = [name for name in backends.backend_names()
               if backends.unavailable_reason(name) is not None]
    if not missing:
        pytest.skip("every declared backend is available here")
    data = pickle.dumps(_Pickled(missing[0]))
    with pytest.raises(backends.BackendError,
                       match=f"unpickling a tensor of backend '{missing[0]}': backend "
                             f"'{missing[0]}' is not available"):
        pickle.loads(data)


def test_unpickles_onto_its_backend_whatever_the_current_one(backend: str) -> None:
    x = ad.tensor([1.0, 2.0])
    data = pickle.dumps(x)
    for other in backends.available_backends():
        with ad.use_backend(other):
            assert pickle.loads(data).backend == backend

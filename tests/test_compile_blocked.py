"""``autodiff.compile``'s cache blocking: a run of elementwise instructions over large
arrays replays block by block, with eager's bits, and on the whole arrays where an
input is a view or not in one piece.

``tiny_blocks`` shrinks the backend's blocks to a few elements, so that the small
arrays of the random programs and of the registry's cases are blocked too, with
ragged last blocks; the same checks then cover the blocked replay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import test_compile_registry
from conformance.cases import CASES, Case
from hypothesis import given
from program_helpers import Program
from test_compile_programs import SETTINGS, check_program
from test_random_programs import programs

import autodiff as ad


@pytest.fixture
def blocking(backend: str) -> Iterator[int]:
    """The backend's block size; a backend that does not block is skipped."""
    size = ad.get_backend().block_bytes
    if not size:
        pytest.skip(f"backend {backend!r} does not block (Backend.block_bytes is None)")
    yield size


@pytest.fixture
def tiny_blocks(blocking: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Blocks of one float64 element (two float32), and runs from 4 blocks up."""
    monkeypatch.setattr(type(ad.get_backend()), "block_bytes", 8)
    yield 8


def _blocked_runs(compiled: Any, *args: Any) -> list[str]:
    text = compiled.explain(*args)
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("cache-blocked runs")]
    if not starts:
        return []
    after = lines[starts[0] + 1:]
    return [line.strip() for line in after[:next(
        (i for i, line in enumerate(after) if not line.startswith("  ")), len(after))]]


def _sgd(params: list[ad.Tensor]) -> Callable[[ad.Tensor], list[Any]]:
    def step(x: ad.Tensor) -> list[Any]:
        for p in params:
            p.grad = None
        (x @ params[0] + params[1]).relu().sum().backward()
        with ad.no_grad():
            for p in params:
                p -= 0.01 * p.grad
        return [p.grad for p in params]

    return step


def _weights(seed: int, shape: tuple[int, ...]) -> list[ad.Tensor]:
    rng = np.random.default_rng(seed)
    return [ad.tensor(rng.standard_normal(shape, dtype=np.float32), requires_grad=True),
            ad.tensor(rng.standard_normal(shape[1], dtype=np.float32), requires_grad=True)]


def _large_update(backend: str) -> tuple[Any, list[ad.Tensor], list[ad.Tensor], ad.Tensor]:
    # a (700, 1031) float32 weight: 2.75 MiB, 11 blocks of 256 KiB and a ragged last one
    shape = (700, 1031)
    x = ad.tensor(np.random.default_rng(1).standard_normal((8, 700), dtype=np.float32))
    eager_params, compiled_params = _weights(0, shape), _weights(0, shape)
    eager, compiled = _sgd(eager_params), ad.compile(_sgd(compiled_params))
    for _ in range(5):
        eager(x), compiled(x)
    return compiled, eager_params, compiled_params, x


def test_an_update_of_a_large_weight_runs_blocked_with_eager_bits(
        backend: str, blocking: int) -> None:
    compiled, eager_params, compiled_params, x = _large_update(backend)
    assert _blocked_runs(compiled, x) == ["blocked: multiply, write"]
    for e, c in zip(eager_params, compiled_params, strict=True):
        np.testing.assert_array_equal(c.detach().numpy(), e.detach().numpy())
        np.testing.assert_array_equal(c.grad.numpy(), e.grad.numpy())


def _chain(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
    # intermediates saved for backward (made whole), results written into dying
    # operands (buffer reuse), 0-d and Python-number operands, sqrt, relu and negation
    a = (x * y + 1.5) / (y * y + 2.0)
    b = ad.sqrt(a * a + 1.0) - ad.relu(-a) * ad.tensor(0.25, dtype=x.dtype)
    out = (b * x).sum()
    out.backward()
    return b


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_long_chain_is_blocked_forward_and_backward(tiny_blocks: int, dtype: str) -> None:
    rng = np.random.default_rng(2)
    data = [rng.standard_normal((5, 7)).astype(dtype) for _ in range(2)]

    def inputs() -> list[ad.Tensor]:
        return [ad.tensor(d, requires_grad=True) for d in data]

    compiled = ad.compile(_chain)
    for _ in range(4):
        xs_e, xs_c = inputs(), inputs()
        want, got = _chain(*xs_e), compiled(*xs_c)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        for e, c in zip(xs_e, xs_c, strict=True):
            np.testing.assert_array_equal(c.grad.numpy(), e.grad.numpy())
    runs = _blocked_runs(compiled, *inputs())
    assert runs and max(len(run.split(", ")) for run in runs) >= 4, runs


def test_an_input_that_is_a_view_runs_on_the_whole_arrays(tiny_blocks: int) -> None:
    # the guard sees the same shape and dtype; the run sees a transposed (and then an
    # overlapping) view and falls back to whole-array calls, numpy's own overlap rules
    def step(p: ad.Tensor, q: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            p -= 0.5 * q
            p *= 2.0
        return p

    rng = np.random.default_rng(3)
    base = rng.standard_normal((6, 6))
    compiled = ad.compile(step)
    for _ in range(3):
        compiled(ad.tensor(base.copy()), ad.tensor(base.T.copy()))
    assert _blocked_runs(compiled, ad.tensor(base.copy()), ad.tensor(base.copy()))
    buffer = rng.standard_normal(37)
    # p transposed; p one element behind q; q one behind p, so that a block would
    # read what an earlier block wrote
    for p_array, q_array in [(base.T.copy().T, base.copy()),
                             (buffer[:36].reshape(6, 6), buffer[1:].reshape(6, 6)),
                             (buffer[1:].reshape(6, 6), buffer[:36].reshape(6, 6))]:
        want_p, want_q = p_array.copy(), q_array.copy()
        want_p -= 0.5 * want_q
        want_p *= 2.0
        p, q = ad.from_numpy(p_array), ad.from_numpy(q_array)
        compiled(p, q)
        np.testing.assert_array_equal(p.numpy(), want_p)


@SETTINGS
@given(program=programs())
def test_random_programs_blocked_equal_eager(tiny_blocks: int, program: Program) -> None:
    check_program(program)


@pytest.mark.parametrize("case", [c for c in CASES if c.out_backend is None],
                         ids=lambda c: c.name)
def test_registry_blocked_equals_eager(tiny_blocks: int, backend: str, case: Case) -> None:
    test_compile_registry.test_compiled_forward_backward_equals_eager(backend, case)


def test_a_backend_without_blocks_runs_no_blocked_run(backend: str) -> None:
    if ad.get_backend().block_bytes:
        pytest.skip(f"backend {backend!r} blocks (tested above)")
    compiled, eager_params, compiled_params, x = _large_update(backend)
    assert _blocked_runs(compiled, x) == []
    for e, c in zip(eager_params, compiled_params, strict=True):
        np.testing.assert_array_equal(np.asarray(c.detach().numpy()), e.detach().numpy())

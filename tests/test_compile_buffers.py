"""``autodiff.compile``'s memory plan. Buffer reuse: a replayed op writes its result
into an operand that dies there (``a += b`` for ``a + b``), with eager's bits, and never
into memory that is read later: a view of it, a returned tensor, a ``.grad`` that holds
it. Dead code: what nothing reads is not computed, and what has an effect always is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad

#: the backends whose arrays may be written in place (``Backend.exclusive``)
WRITABLE = ("numpy", "cupy")


def _inputs(seed: int = 0) -> list[ad.Tensor]:
    rng = np.random.default_rng(seed)
    return [ad.tensor(rng.standard_normal((4, 4)), requires_grad=True),
            ad.tensor(rng.standard_normal(4), requires_grad=True)]


def _run(step: Callable[..., Any], calls: int = 4) -> tuple[list[Any], Any]:
    """Eager and compiled ``step`` on the same inputs, ``calls`` times (traces, then
    replays); each call's results and the inputs' grads, as numpy arrays."""
    compiled = ad.compile(step)
    for _ in range(calls):
        outs = []
        for fn in (step, compiled):
            xs = _inputs()
            result = fn(*xs)
            values = result if isinstance(result, (tuple, list)) else [result]
            outs.append([np.asarray(v.detach().numpy()) for v in values]
                        + [x.grad.numpy() for x in xs if x.grad is not None])
        for want, got in zip(*outs, strict=True):
            np.testing.assert_array_equal(got, want)
    return outs, compiled


def _explained(compiled: Any, capsys: pytest.CaptureFixture[str], start: str) -> str:
    """The line of ``compiled.explain`` that starts with ``start``."""
    text = compiled.explain(*_inputs())
    capsys.readouterr()
    return next(line for line in text.splitlines() if line.startswith(start))


def _reused(compiled: Any, capsys: pytest.CaptureFixture[str]) -> int:
    return int(_explained(compiled, capsys, "buffers reused").split()[2])


def test_a_dying_intermediate_takes_the_result(backend: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    def step(w: ad.Tensor, b: ad.Tensor) -> ad.Tensor:
        h = ad.nn.functional.softmax((w @ w + b) / 3.0 - 1.0, dim=-1)
        loss = ((h * 2.0) ** 2).sum()
        loss.backward()
        return loss

    _, compiled = _run(step)
    reused = _reused(compiled, capsys)
    assert (reused >= 4) if backend in WRITABLE else reused == 0


def test_a_live_view_keeps_its_base_from_being_written(
        capsys: pytest.CaptureFixture[str]) -> None:
    def step(w: ad.Tensor, b: ad.Tensor) -> ad.Tensor:
        h = w * 2.0
        view = h.mT  # shares h's memory, and is read after h's last use
        loss = ((h + b) * view).sum()
        loss.backward()
        return loss

    _run(step)


def test_a_returned_intermediate_is_never_written() -> None:
    def step(w: ad.Tensor, b: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
        h = w + b
        loss = (h * 3.0).sum()
        loss.backward()
        return h, loss

    _run(step)


def test_a_grad_that_holds_an_array_is_never_written() -> None:
    def step(w: ad.Tensor, b: ad.Tensor) -> ad.Tensor:
        (w * 2.0 + b).sum().backward()
        with ad.no_grad():
            return w.grad * 3.0  # w.grad's array dies here in the program, not outside

    _run(step)


def test_a_cotangent_summed_from_two_paths_is_exact() -> None:
    def step(w: ad.Tensor, b: ad.Tensor) -> ad.Tensor:
        h = w - b
        loss = (h * h.exp() + h / 5.0).sum()
        loss.backward()
        return loss

    _run(step)


def test_a_result_keeps_the_layout_eager_gives_it() -> None:
    # the cotangent of a sum over rows, made dense, is column-major; written over in
    # place it would stay so where eager's sum is row-major, and the matrix product
    # that reads it next would take another BLAS path, with other bits
    def step(w: ad.Tensor, b: ad.Tensor) -> ad.Tensor:
        h = (w[:, :1] * w[:, :1]).log1p()
        square = h @ h.mT
        loss = (square * b[0]).sum() + (square.sum(axis=0) * b).sum()
        loss.backward()
        return loss

    _run(step)


def test_what_nothing_reads_is_not_computed(capsys: pytest.CaptureFixture[str]) -> None:
    # the loss is computed only to call backward() on; b's rule result for w @ b's
    # left input is the one read, the bias's identity rule for the sum's input is not
    def step(w: ad.Tensor, b: ad.Tensor) -> tuple[ad.Tensor, ...]:
        loss = (w.exp() @ b + b).sum()
        loss.backward()
        return w.grad, b.grad

    _, compiled = _run(step)
    ops = _explained(compiled, capsys, "ops:")
    assert "sum x" not in ops and "exp x1" in ops  # exp's result is read by its rule
    assert int(_explained(compiled, capsys, "dead code").split()[2]) >= 2


def test_a_check_whose_result_nothing_reads_still_raises() -> None:
    def step(w: ad.Tensor, index: ad.Tensor) -> ad.Tensor:
        ad.nn.functional.one_hot(index, 3)  # only its check of the values has an effect
        (w * 2.0).sum().backward()
        return w.grad

    compiled = ad.compile(step)
    for _ in range(3):
        compiled(ad.ones(2, requires_grad=True), ad.tensor([0, 2]))
    assert not compiled.breaks
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        step(ad.ones(2, requires_grad=True), ad.tensor([0, 5]))
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        compiled(ad.ones(2, requires_grad=True), ad.tensor([0, 5]))

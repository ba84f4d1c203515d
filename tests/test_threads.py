"""Backward passes in several threads at once: accumulation into a shared leaf's
``.grad`` loses no update (PyTorch's AccumulateGrad holds a lock for it)."""

from __future__ import annotations

import threading

import numpy as np

import autodiff as ad

THREADS, PASSES, SIZE = 4, 12, 1 << 19


def _backward_in_threads(x: ad.Tensor, passes: int, step: float) -> None:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()  # all threads add into x.grad at the same time
            for _ in range(passes):
                (x * step).sum().backward()
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_threads_lose_no_update_of_a_set_grad(backend: str) -> None:
    # Large arrays: numpy lets other threads run while it adds them, which is where an
    # unlocked read-add-write of .grad loses another thread's gradient. Integers in
    # float64, so that the expected sum is exact.
    x = ad.zeros(SIZE, dtype=ad.float64, requires_grad=True)
    x.sum().backward()  # .grad is set: every later pass adds into it
    _backward_in_threads(x, PASSES, 2.0)
    grad = x.grad.numpy()
    assert grad.shape == (SIZE,)
    np.testing.assert_array_equal(grad, np.full(SIZE, 1.0 + 2.0 * THREADS * PASSES))


def test_threads_lose_no_update_of_a_first_grad(backend: str) -> None:
    # .grad unset: the threads race to make it; the others' sums must add into it
    x = ad.zeros(SIZE, dtype=ad.float64, requires_grad=True)
    _backward_in_threads(x, 2, 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), np.full(SIZE, 2.0 * THREADS))

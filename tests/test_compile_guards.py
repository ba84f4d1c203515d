"""``autodiff.compile`` guards the Python values a trace bakes in: a number, flag or
string the function reads from its closure or its module's globals is compared at each
call, and a changed one traces again (with eager's result) instead of replaying stale."""

from __future__ import annotations

import warnings

import numpy as np

import autodiff as ad

RATE = 0.5
step = 0  # a loop counter, as a script's own ``for step in range(...)`` makes one


def _scaled_sum() -> tuple[ad.Tensor, ad.Tensor]:
    w = ad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    return w, ad.tensor([2.0, 4.0, 8.0])


def test_a_closure_number_that_changes_is_traced_again() -> None:
    scale = 2.0
    w, x = _scaled_sum()

    def step(x: ad.Tensor) -> ad.Tensor:
        w.grad = None
        loss = (w * x * scale).sum()
        loss.backward()
        return w.grad

    compiled = ad.compile(step)
    for _ in range(3):
        np.testing.assert_array_equal(compiled(x).numpy(), [4.0, 8.0, 16.0])
    assert next(iter(compiled.cache.values())).replay is not None
    scale = -0.0
    np.testing.assert_array_equal(compiled(x).numpy(), step(x).numpy())
    assert np.signbit(compiled(x).numpy()).all()  # -0.0 is not 0.0


def test_a_module_global_that_changes_is_traced_again() -> None:
    global RATE
    w, x = _scaled_sum()

    @ad.compile
    def update(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return w * x * RATE

    first = [update(x).numpy() for _ in range(3)][-1]
    try:
        RATE = 0.25
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # one retrace: no warning yet
            np.testing.assert_array_equal(update(x).numpy(), first / 2)
    finally:
        RATE = 0.5
    np.testing.assert_array_equal(update(x).numpy(), first)


def test_a_value_that_keeps_changing_is_named_in_the_warning() -> None:
    w, x = _scaled_sum()
    count = 0

    @ad.compile
    def update(x: ad.Tensor) -> ad.Tensor:
        with ad.no_grad():
            return w * x * count

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for count in range(1, 40):
            np.testing.assert_array_equal(update(x).numpy(), (w * x * count).detach().numpy())
    assert any("a Python value the function reads, count:" in str(w.message) for w in caught)


def test_an_attribute_named_as_a_changing_global_is_no_guard() -> None:
    # opt.step() reads the attribute "step", not the global: a loop counter of that name
    # beside it changes every call, and made every call trace again
    global step
    w, x = _scaled_sum()
    opt = ad.optim.SGD([w], lr=0.1)

    @ad.compile
    def train(x: ad.Tensor) -> None:
        opt.zero_grad()
        (w * x).sum().backward()
        opt.step()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(20):  # noqa: B007  (the global, as a script's loop sets it)
            train(x)
    step = 0
    assert not [w for w in caught if "autodiff.compile" in str(w.message)]
    assert next(iter(train.cache.values())).replay is not None
    np.testing.assert_allclose(w.detach().numpy(), [1.0, -2.0, 3.0] - 20 * 0.1 * x.numpy(),
                               rtol=1e-5)

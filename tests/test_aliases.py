"""Writes through views and detached aliases: a generated matrix of (view kind × write ×
who saved what), each checked against PyTorch's rule.

The oracle needs no PyTorch: with nothing saved, the program is a function of its
inputs, so its gradient must match central differences of the same program run
without grad; where a node saved a tensor that the write reaches (through any alias),
backward must raise PyTorch's version error. A write through ``detach()`` changes
values but no history: its gradient is the one of the program without the write.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

import numpy as np
import pytest

import autodiff as ad

MODIFIED = "modified by an inplace operation"
VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place"

#: view kind -> the view of a (2, 3) tensor
VIEWS: dict[str, Callable[[ad.Tensor], ad.Tensor]] = {
    "slice": lambda a: a[0:1, 1:],
    "row": lambda a: a[1],
    "element": lambda a: a[1, 2],
    "step": lambda a: a[:, ::2],
    "transpose": lambda a: a.transpose(0, 1),
    "T": lambda a: a.T,
    "mT": lambda a: a.mT,
    "reshape": lambda a: a.reshape(3, 2),
    "flatten": lambda a: a.reshape(-1),
    "unsqueeze": lambda a: a.unsqueeze(0),
    "unbind": lambda a: a.unbind(1)[2],
    "view of view": lambda a: a.T[1:],
    "slice of reshape": lambda a: a.reshape(3, 2)[1:, 1],
}


def _scale(view: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
    """A value of the view's shape that depends on the second input ``y``."""
    return ad.reshape(y[: view.numel()], view.shape) if view.ndim else y[0]


#: write kind -> the in-place write into the view (``y`` is a second input)
WRITES: dict[str, Callable[[ad.Tensor, ad.Tensor], object]] = {
    "mul_ constant": lambda v, y: v.mul_(3.0),
    "mul_ tensor": lambda v, y: v.mul_(_scale(v, y)),
    "add_ tensor": lambda v, y: v.add_(_scale(v, y)),
    "copy_": lambda v, y: v.copy_(_scale(v, y)),
    "zero_": lambda v, y: v.zero_(),
    "setitem": lambda v, y: v.__setitem__(..., _scale(v, y) + 1.0),
    "augmented": lambda v, y: v.__imul__(_scale(v, y)),
}

SAVERS = ("none", "base", "view", "output")

C = np.arange(1.0, 7.0).reshape(2, 3) / 7.0


def _program(view_kind: str, write: str, saver: str, x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
    a = x.exp() if saver == "output" else x * 1.5  # exp saves its output
    v = VIEWS[view_kind](a)
    early = ad.zeros(())
    if saver == "base":
        early = (a * a).sum()
    elif saver == "view":
        early = (v * v).sum()
    WRITES[write](v, y)
    d = ad.asarray(np.linspace(0.5, 1.5, v.numel()).reshape(v.shape))
    return (a * ad.asarray(C)).sum() + (v * d).sum() + early


def _numeric_gradient(f: Callable[[np.ndarray, np.ndarray], float], x: np.ndarray,
                      y: np.ndarray, h: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    grads = []
    for which in (0, 1):
        point = [x, y][which]
        grad = np.zeros_like(point)
        for index in np.ndindex(point.shape):
            step = np.zeros_like(point)
            step[index] = h
            args_plus = [x, y]
            args_minus = [x, y]
            args_plus[which] = point + step
            args_minus[which] = point - step
            grad[index] = (f(*args_plus) - f(*args_minus)) / (2 * h)
        grads.append(grad)
    return grads[0], grads[1]


CASES = list(product(VIEWS, WRITES, SAVERS))


@pytest.mark.parametrize(("view_kind", "write", "saver"), CASES,
                         ids=[f"{v}-{w}-{s}" for v, w, s in CASES])
def test_write_through_a_view(backend: str, view_kind: str, write: str, saver: str) -> None:
    rng = np.random.default_rng(0)
    x0, y0 = rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, 6)
    x = ad.tensor(x0, requires_grad=True)
    y = ad.tensor(y0, requires_grad=True)
    loss = _program(view_kind, write, saver, x, y)
    if saver != "none":
        with pytest.raises(RuntimeError, match=MODIFIED):
            loss.backward()
        return
    loss.backward()

    def value(xv: np.ndarray, yv: np.ndarray) -> float:
        with ad.no_grad():
            return float(_program(view_kind, write, saver, ad.tensor(xv), ad.tensor(yv)))

    gx, gy = _numeric_gradient(value, x0, y0)
    np.testing.assert_allclose(x.grad.numpy(), gx, atol=1e-6)
    np.testing.assert_allclose(y.grad.numpy() if y.grad is not None else 0 * gy, gy, atol=1e-6)


@pytest.mark.parametrize("view_kind", VIEWS)
def test_a_view_made_before_a_write_to_its_base_sees_the_write(backend: str,
                                                               view_kind: str) -> None:
    x = ad.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    a = x * 1.0
    v = VIEWS[view_kind](a)
    a.mul_(10.0)
    v.sum().backward()
    expected = np.zeros((2, 3))
    with ad.no_grad():  # where the view sits in the base: mark it and look
        probe = ad.zeros((2, 3))
        VIEWS[view_kind](probe).fill_(1.0)
    expected[probe.numpy() == 1.0] = 10.0
    np.testing.assert_allclose(x.grad.numpy(), expected)


@pytest.mark.parametrize("view_kind", VIEWS)
def test_a_write_through_a_view_of_a_leaf_that_requires_grad_raises(backend: str,
                                                                   view_kind: str) -> None:
    x = ad.tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=VIEW_OF_LEAF):
        VIEWS[view_kind](x).mul_(2.0)
    with ad.no_grad():  # an optimizer's update through a view is allowed
        VIEWS[view_kind](x).mul_(2.0)
    assert float(x.detach().sum()) > 6.0


@pytest.mark.parametrize("write", WRITES)
def test_a_write_through_detach_changes_values_not_history(backend: str, write: str) -> None:
    x = ad.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    y = ad.tensor(np.ones(6), requires_grad=True)
    a = x * 1.5
    WRITES[write](a.detach(), y)
    (a * ad.asarray(C)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * C)
    assert y.grad is None


@pytest.mark.parametrize("saved_by", ["exp", "square"])
def test_a_write_through_detach_invalidates_what_was_saved(backend: str, saved_by: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    y = x.exp() if saved_by == "exp" else x * 1.0
    out = (y if saved_by == "exp" else y * y).sum()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


@pytest.mark.parametrize("factorization", ["svd", "eigh", "qr"])
def test_a_write_into_one_factor_is_caught_not_spread(backend: str, factorization: str) -> None:
    rng = np.random.default_rng(1)
    m = rng.standard_normal((3, 3))
    x = ad.tensor(m @ m.T + 3 * np.eye(3), requires_grad=True)
    factors = {"svd": lambda: ad.linalg.svd(x, full_matrices=False),
               "eigh": lambda: ad.linalg.eigh(x), "qr": lambda: ad.linalg.qr(x)}[factorization]()
    first, second = factors[0], factors[1]
    before = second.detach().numpy().copy()
    first *= 2.0
    np.testing.assert_array_equal(second.detach().numpy(), before)  # no other factor moved
    with pytest.raises(RuntimeError, match=MODIFIED):
        (first.sum() + second.sum()).backward()


def test_writes_into_an_expanded_view_are_refused(backend: str) -> None:
    a = ad.ones(3) * 1.0
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        a.expand(2, 3).mul_(2.0)


def test_a_copy_made_by_reshape_is_not_a_view(backend: str) -> None:
    x = ad.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    a = x * 1.0
    flat = a.T.reshape(-1)  # a transpose cannot be flattened in place: a copy
    flat.mul_(0.0)
    np.testing.assert_array_equal(a.detach().numpy(), np.arange(6.0).reshape(2, 3))
    a.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))


def test_writing_a_function_of_a_view_back_into_its_base_is_caught(backend: str) -> None:
    # the idiom behind array-api-extra's ``at(x)[1:].min(0)``: minimum saved the view
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    a = x * 1.0
    a[1:] = ad.minimum(a[1:], ad.asarray(0.0, dtype=ad.float64))
    with pytest.raises(RuntimeError, match=MODIFIED):
        (a * a).sum().backward()


def test_a_root_written_in_place_re_derives_every_live_view(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    a = x * 1.0
    v, w = a[0:2], a[1:]
    v.mul_(10.0)  # through one view: the other sees it too
    (w * ad.asarray([1.0, 2.0], dtype=ad.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 10.0, 2.0])


WRITE_CASES = list(product(VIEWS, WRITES))


@pytest.mark.parametrize(("view_kind", "write"), WRITE_CASES,
                         ids=[f"{v}-{w}" for v, w in WRITE_CASES])
def test_forward_mode_carries_a_write_through_a_view(backend: str, view_kind: str,
                                                     write: str) -> None:
    from autodiff.autograd import forward_ad

    rng = np.random.default_rng(2)
    x0, y0 = rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, 6)
    dx, dy = rng.standard_normal((2, 3)), rng.standard_normal(6)
    with forward_ad.dual_level():
        x = forward_ad.make_dual(ad.tensor(x0), ad.tensor(dx))
        y = forward_ad.make_dual(ad.tensor(y0), ad.tensor(dy))
        tangent = float(forward_ad.unpack_dual(_program(view_kind, write, "none", x, y)).tangent)

    def value(t: float) -> float:
        return float(_program(view_kind, write, "none", ad.tensor(x0 + t * dx),
                              ad.tensor(y0 + t * dy)))

    h = 1e-6
    np.testing.assert_allclose(tangent, (value(h) - value(-h)) / (2 * h), rtol=1e-6, atol=1e-6)

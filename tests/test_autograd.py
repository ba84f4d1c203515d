"""Tests for the recorded graph, backward passes, autograd.grad and grad mode.

Node names, graph structure and error messages were checked against PyTorch 2.13
(``torch`` itself is not imported: CI has no torch). Tests that take the ``backend``
fixture run once per usable backend, with that backend current.
"""

from __future__ import annotations

import gc
import re
import threading
import warnings
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import autodiff.autograd.forward_ad as fwAD
import autodiff.nn.functional as F
import backends

FREED = "Trying to backward through the graph a second time"
FREED_FULL = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
SCALAR_ONLY = "grad can be implicitly created only for scalar outputs"
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
UNUSED = ("The differentiated Tensor at index 1 appears to not have been used in the graph. "
          "Set allow_unused=True if this is the desired behavior.")


def close(tensor: ad.Tensor, expected: object, **kwargs: float) -> None:
    np.testing.assert_allclose(np.asarray(tensor.tolist()), np.asarray(expected), **kwargs)


def leaf(*values: float) -> ad.Tensor:
    return ad.tensor(list(values), requires_grad=True)


# -- grad_fn names ------------------------------------------------------------------------
def _vec() -> ad.Tensor:
    return ad.tensor([1.0, 2.0, 3.0], requires_grad=True)


def _mat() -> ad.Tensor:
    return ad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)


GRAD_FN_NAMES = {
    # name in PyTorch: how to make it
    "AddBackward0": lambda: _vec() + 1,
    "MulBackward0": lambda: _vec() * 2,
    "PowBackward0": lambda: _vec() ** 2,
    "PowBackward1": lambda: _vec() ** _vec(),
    "PowBackward2": lambda: 2 ** _vec(),
    "SubBackward0": lambda: _vec() - 1,
    "RsubBackward1": lambda: 1 - _vec(),
    "DivBackward0": lambda: _vec() / 2,
    "NegBackward0": lambda: -_vec(),
    "MeanBackward0": lambda: _vec().mean(),
    "MeanBackward1": lambda: _mat().mean(dim=0),
    "SumBackward0": lambda: _vec().sum(),
    "SumBackward1": lambda: _mat().sum(dim=1),
    "MmBackward0": lambda: _mat() @ _mat(),
    "MvBackward0": lambda: _mat() @ ad.ones(2),
    "DotBackward0": lambda: _vec().dot(_vec()),
    "ExpBackward0": lambda: _vec().exp(),
    "LogBackward0": lambda: _vec().log(),
    "SinBackward0": lambda: _vec().sin(),
    "TanhBackward0": lambda: _vec().tanh(),
    "SqrtBackward0": lambda: _vec().sqrt(),
    "AbsBackward0": lambda: _vec().abs(),
    "SigmoidBackward0": lambda: _vec().sigmoid(),
    "ReluBackward0": lambda: _vec().relu(),
    "BinaryCrossEntropyWithLogitsBackward0": lambda: F.binary_cross_entropy_with_logits(
        _vec(), ad.tensor([1.0, 0.0, 1.0])),
    "ViewBackward0": lambda: _vec().reshape(3, 1),
    "ExpandBackward0": lambda: _vec().expand(2, 3),
    "PermuteBackward0": lambda: _mat().T,
    "ToCopyBackward0": lambda: _vec().double(),
    "WhereBackward0": lambda: ad.where(_vec() > 1.5, _vec(), 0.0),
    "LinalgVectorNormBackward0": lambda: _vec().norm(),
    "TBackward0": lambda: _mat().t(),
    "TransposeBackward0": lambda: _mat().mT,
    "UnsqueezeBackward0": lambda: _vec().unsqueeze(0),
}


@pytest.mark.parametrize("expected", list(GRAD_FN_NAMES))
def test_grad_fn_names(backend: str, expected: str) -> None:
    out = GRAD_FN_NAMES[expected]()
    assert out.grad_fn is not None
    assert out.grad_fn.name() == expected
    assert type(out.grad_fn).__name__ == expected
    assert repr(out.grad_fn).startswith(f"<{expected} object at 0x")


def test_dot_through_matmul_operator(backend: str) -> None:
    x = _vec()
    assert (x @ x).grad_fn.name() == "DotBackward0"
    assert ad.dot(x, x).grad_fn.name() == "DotBackward0"


# -- graph structure --------------------------------------------------------------------------
def test_is_leaf(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    y = x * 2
    assert x.is_leaf
    assert ad.ones(2).is_leaf
    assert not y.is_leaf
    assert y.requires_grad


def test_next_functions_leaf_and_scalar(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    node = (x * 2).grad_fn
    (first, index0), (second, index1) = node.next_functions
    assert (index0, index1) == (0, 0)
    assert type(first).__name__ == "AccumulateGrad"
    assert first.name() == "torch::autograd::AccumulateGrad"
    assert first.variable is x
    assert first.next_functions == ()
    assert repr(first).startswith("<AccumulateGrad object at 0x")
    assert second is None


def test_next_functions_constant_tensor_is_none(backend: str) -> None:
    m = ad.ones(2, 2, requires_grad=True)
    edges = (m @ ad.ones(2, 2)).grad_fn.next_functions
    assert len(edges) == 2
    assert type(edges[0][0]).__name__ == "AccumulateGrad"
    assert edges[1] == (None, 0)
    edges = (ad.ones(2, 2) @ m).grad_fn.next_functions
    assert edges[0] == (None, 0)
    assert edges[1][0].variable is m


def test_next_functions_share_one_accumulator_per_leaf(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    edges = (x * x).grad_fn.next_functions
    assert edges[0][0] is edges[1][0]


def test_next_functions_chain(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    z = x * 2 + x
    assert z.grad_fn.name() == "AddBackward0"
    (mul, _), (acc, _) = z.grad_fn.next_functions
    assert mul.name() == "MulBackward0"
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x
    assert mul.next_functions[0][0] is acc
    assert mul.next_functions[1] == (None, 0)


ACC = "torch::autograd::AccumulateGrad"
# expression: the names along next_functions in PyTorch 2.13 (None for no edge)
SCALAR_EDGES = {
    "x + 2": (lambda x: x + 2, [ACC, None]),
    "2 + x": (lambda x: 2 + x, [ACC, None]),
    "x * 2": (lambda x: x * 2, [ACC, None]),
    "2 * x": (lambda x: 2 * x, [ACC, None]),
    "x - 1": (lambda x: x - 1, [ACC, None]),
    "1 - x": (lambda x: 1 - x, [ACC]),
    "x ** 2": (lambda x: x**2, [ACC]),
    "2 ** x": (lambda x: 2**x, [ACC]),
}


@pytest.mark.parametrize("expression", list(SCALAR_EDGES))
def test_next_functions_with_python_scalars(backend: str, expression: str) -> None:
    make, expected = SCALAR_EDGES[expression]
    x = ad.ones(3, requires_grad=True)
    edges = make(x).grad_fn.next_functions
    assert [None if node is None else node.name() for node, _ in edges] == expected
    assert all(index == 0 for _, index in edges)


def test_next_functions_of_loss(backend: str) -> None:
    logits = ad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(logits, ad.tensor([1.0, 0.0, 0.0]))
    edges = loss.grad_fn.next_functions
    # PyTorch: ((<AccumulateGrad>, 0), (None, 0)) for an input and a constant target
    assert len(edges) == 2
    assert edges[0][0].variable is logits
    assert edges[1] == (None, 0)


def test_no_graph_without_requires_grad(backend: str) -> None:
    y = ad.ones(2) * 3 + 1
    assert y.grad_fn is None
    assert not y.requires_grad


# -- backward: basics -----------------------------------------------------------------------
def test_scalar_backward_needs_no_gradient(backend: str) -> None:
    x = leaf(1.0, 2.0, 3.0)
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0, 6.0])


def test_single_element_non_0d_backward(backend: str) -> None:
    x = leaf(3.0)
    (x * x).backward()
    close(x.grad, [6.0])


def test_backward_of_leaf_itself(backend: str) -> None:
    x = ad.tensor(2.0, requires_grad=True)
    x.backward()
    close(x.grad, 1.0)


def test_non_scalar_backward_needs_a_gradient(backend: str) -> None:
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match=f"^{SCALAR_ONLY}$"):
        (x * 2).backward()
    assert x.grad is None


def test_gradient_of_wrong_shape(backend: str) -> None:
    x = leaf(1.0, 2.0, 3.0)
    with pytest.raises(RuntimeError, match=re.escape(
            "Mismatch in shape: grad_output[0] has a shape of (2,) and output[0] has a shape "
            "of (3,).")):
        (x * 2).backward(ad.ones(2))


def test_backward_with_gradient_is_a_vjp_and_accumulates(backend: str) -> None:
    x = leaf(1.0, 2.0, 3.0)
    y = x * x
    y.backward(ad.tensor([1.0, 0.5, 2.0]))
    close(x.grad, [2.0, 2.0, 12.0])
    (x * 3).backward(ad.tensor([1.0, 1.0, 1.0]))
    close(x.grad, [5.0, 5.0, 15.0])


def test_backward_on_tensor_not_requiring_grad(backend: str) -> None:
    with pytest.raises(RuntimeError, match=f"^{NO_GRAD_FN}$"):
        ad.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match=f"^{NO_GRAD_FN}$"):
        ad.autograd.backward(ad.tensor(1.0))


def test_numpy_of_tensor_requiring_grad(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
            "instead.")):
        x.numpy()
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires"):
        (x * 2).numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_gradient_through_shared_subexpression(backend: str) -> None:
    x = leaf(2.0)
    y = x * x  # used twice below
    (y * y + y).sum().backward()  # d/dx (x^4 + x^2) = 4x^3 + 2x
    close(x.grad, [36.0])


def test_broadcast_gradient_is_reduced(backend: str) -> None:
    b = leaf(1.0, 2.0)
    m = ad.ones(3, 2, requires_grad=True)
    (m * b).sum().backward()
    close(b.grad, [3.0, 3.0])
    close(m.grad, [[1.0, 2.0]] * 3)


# -- backward: freeing and retain_graph --------------------------------------------------------
def test_second_backward_through_saved_tensors_raises(backend: str) -> None:
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=re.escape(FREED_FULL)):
        y.backward()
    close(x.grad, [2.0, 4.0])


def test_retain_graph_allows_second_backward(backend: str) -> None:
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    close(x.grad, [4.0, 8.0])
    y.backward()
    close(x.grad, [6.0, 12.0])
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


def test_second_autograd_grad_raises(backend: str) -> None:
    x = leaf(1.0, 2.0)
    y = (x.exp()).sum()
    ad.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match=FREED):
        ad.autograd.grad(y, x)


@pytest.mark.parametrize("make,per_call", [
    (lambda x: (x + 1).sum(), 1.0),
    (lambda x: (x + 1).mean(), 1 / 3),
    (lambda x: (-x).reshape(3, 1).sum(dim=0), -1.0),
], ids=["add_sum", "add_mean", "neg_reshape_sum_dim"])
def test_graph_without_saved_tensors_can_be_backpropagated_twice(
        backend: str, make, per_call: float) -> None:
    # PyTorch allows it: none of these nodes saved a tensor.
    x = leaf(1.0, 2.0, 3.0)
    y = make(x)
    y.backward(ad.ones_like(y))
    y.backward(ad.ones_like(y))
    close(x.grad, np.full(3, 2 * per_call))


# -- backward: inputs= -------------------------------------------------------------------------
def test_backward_inputs_accumulates_only_into_those(backend: str) -> None:
    a = ad.tensor(2.0, requires_grad=True)
    b = ad.tensor(3.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    close(a.grad, 3.0)
    assert b.grad is None
    (a * b).backward(inputs=[b])
    close(a.grad, 3.0)
    close(b.grad, 2.0)
    (a * b).backward(inputs=[a, b])
    close(a.grad, 6.0)
    close(b.grad, 4.0)


def test_backward_inputs_single_tensor(backend: str) -> None:
    a = ad.tensor(2.0, requires_grad=True)
    b = ad.tensor(3.0, requires_grad=True)
    (a * b * b).backward(inputs=b)
    close(b.grad, 12.0)
    assert a.grad is None


def test_backward_inputs_non_leaf(backend: str) -> None:
    x = ad.tensor(2.0, requires_grad=True)
    y = x * 3
    (y * y).backward(inputs=[y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(y.grad, 12.0)
    assert x.grad is None


def test_backward_inputs_non_leaf_retains_its_grad(backend: str) -> None:
    # PyTorch marks a non-leaf named in inputs= as retaining its grad, so reading
    # its .grad afterwards gives the value without the non-leaf warning.
    x = ad.tensor(2.0, requires_grad=True)
    y = x * 3
    (y * y).backward(inputs=[y])
    assert y.retains_grad is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        close(y.grad, 12.0)


# -- autograd.grad ----------------------------------------------------------------------------
def test_autograd_grad_returns_a_tuple_and_does_not_accumulate(backend: str) -> None:
    x = leaf(1.0, 2.0, 3.0)
    result = ad.autograd.grad((x * x).sum(), x)
    assert isinstance(result, tuple)
    assert len(result) == 1
    close(result[0], [2.0, 4.0, 6.0])
    assert x.grad is None


def test_autograd_grad_several_inputs(backend: str) -> None:
    a = ad.tensor(2.0, requires_grad=True)
    b = ad.tensor(5.0, requires_grad=True)
    da, db = ad.autograd.grad(a * b + a, [a, b])
    close(da, 6.0)
    close(db, 2.0)
    assert a.grad is None and b.grad is None


def test_autograd_grad_with_grad_outputs(backend: str) -> None:
    x = leaf(1.0, 2.0)
    (g,) = ad.autograd.grad(x * x, x, grad_outputs=ad.tensor([3.0, 0.5]))
    close(g, [6.0, 2.0])


def test_autograd_grad_of_non_scalar_needs_grad_outputs(backend: str) -> None:
    x = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match=f"^{SCALAR_ONLY}$"):
        ad.autograd.grad(x * x, x)


def test_autograd_grad_unused_input(backend: str) -> None:
    x = leaf(1.0, 2.0)
    unused = ad.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match=f"^{re.escape(UNUSED)}$"):
        ad.autograd.grad((x * 2).sum(), [x, unused])
    dx, dunused = ad.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    close(dx, [2.0, 2.0])
    assert dunused is None


def test_autograd_grad_input_not_requiring_grad(backend: str) -> None:
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not "
                                           "require grad"):
        ad.autograd.grad((x * 2).sum(), ad.ones(1))


def test_autograd_grad_output_not_requiring_grad(backend: str) -> None:
    with pytest.raises(RuntimeError, match=f"^{NO_GRAD_FN}$"):
        ad.autograd.grad(ad.ones(1).sum(), leaf(1.0))


def test_create_graph_gives_second_derivative(backend: str) -> None:
    x = ad.tensor(2.0, requires_grad=True)
    (dx,) = ad.autograd.grad(x**3, x, create_graph=True)
    close(dx, 12.0)  # 3x^2
    assert dx.requires_grad
    assert dx.grad_fn is not None
    (ddx,) = ad.autograd.grad(dx, x)
    close(ddx, 12.0)  # 6x


def test_create_graph_second_derivative_vector(backend: str) -> None:
    x = leaf(1.0, 2.0, -3.0)
    (dx,) = ad.autograd.grad((x**3).sum(), x, create_graph=True)
    close(dx, [3.0, 12.0, 27.0])
    dx.sum().backward()
    close(x.grad, [6.0, 12.0, -18.0])


def test_backward_with_create_graph(backend: str) -> None:
    x = ad.tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    close(x.grad, 12.0)
    assert x.grad.requires_grad
    first = x.grad
    x.grad = None
    first.backward()
    close(x.grad, 12.0)


def test_without_create_graph_gradient_has_no_graph(backend: str) -> None:
    x = ad.tensor(2.0, requires_grad=True)
    (dx,) = ad.autograd.grad(x**3, x)
    assert not dx.requires_grad
    assert dx.grad_fn is None


# -- grad mode --------------------------------------------------------------------------------
def test_grad_enabled_by_default() -> None:
    assert ad.is_grad_enabled() is True


def test_no_grad_context(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with ad.no_grad():
        assert ad.is_grad_enabled() is False
        y = x * 2
    assert ad.is_grad_enabled() is True
    assert y.requires_grad is False
    assert y.grad_fn is None
    assert y.is_leaf
    assert (x * 2).requires_grad


def test_no_grad_restores_on_exception() -> None:
    with pytest.raises(KeyError, match="boom"), ad.no_grad():
        raise KeyError("boom")
    assert ad.is_grad_enabled()


def test_enable_grad_inside_no_grad(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with ad.no_grad():
        with ad.enable_grad():
            assert ad.is_grad_enabled()
            y = x * 2
        assert not ad.is_grad_enabled()
    assert y.grad_fn is not None


def test_set_grad_enabled_call_takes_effect_at_once() -> None:
    try:
        ad.set_grad_enabled(False)
        assert ad.is_grad_enabled() is False
        assert (ad.ones(1, requires_grad=True) * 2).grad_fn is None
        ad.set_grad_enabled(True)
        assert ad.is_grad_enabled() is True
    finally:
        ad.set_grad_enabled(True)


def test_set_grad_enabled_context_restores(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with ad.set_grad_enabled(False):
        assert not ad.is_grad_enabled()
        y = x * 2
    assert ad.is_grad_enabled()
    assert y.grad_fn is None
    with ad.no_grad():
        with ad.set_grad_enabled(True):
            assert ad.is_grad_enabled()
            z = x * 2
        assert not ad.is_grad_enabled()
    assert z.grad_fn is not None


def test_grad_mode_decorators(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)

    @ad.no_grad()
    def without() -> ad.Tensor:
        assert not ad.is_grad_enabled()
        return x * 2

    @ad.enable_grad()
    def with_grad() -> ad.Tensor:
        assert ad.is_grad_enabled()
        return x * 2

    @ad.set_grad_enabled(False)
    def disabled() -> ad.Tensor:
        return x * 2

    # decorating with set_grad_enabled does not switch the mode now
    assert ad.is_grad_enabled()
    assert without.__name__ == "without"
    assert without().grad_fn is None
    assert ad.is_grad_enabled()
    assert disabled().grad_fn is None
    assert ad.is_grad_enabled()
    with ad.no_grad():
        assert with_grad().grad_fn is not None
        assert not ad.is_grad_enabled()


def test_grad_mode_is_thread_local() -> None:
    inside = threading.Event()
    checked = threading.Event()
    seen: dict[str, object] = {}

    def worker() -> None:
        with ad.no_grad():
            seen["worker_enabled"] = ad.is_grad_enabled()
            inside.set()
            checked.wait(timeout=10)
            seen["worker_still"] = ad.is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(timeout=10)
        # the worker is inside no_grad right now; this thread is not affected
        assert ad.is_grad_enabled()
        assert (ad.ones(1, requires_grad=True) * 2).grad_fn is not None
    finally:
        checked.set()
        thread.join(timeout=10)
    assert seen == {"worker_enabled": False, "worker_still": False}


def test_new_thread_starts_with_grad_enabled() -> None:
    seen = []

    def worker() -> None:
        seen.append(ad.is_grad_enabled())
        seen.append((ad.ones(1, requires_grad=True) * 2).grad_fn is not None)

    with ad.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(timeout=10)
        assert not ad.is_grad_enabled()
    assert seen == [True, True]


def test_ops_see_the_mode_while_no_thread_has_departed() -> None:
    # ops skip the thread-local mode while no thread has left the defaults; the
    # count of those that have must follow every switch and come back to where it was
    from autodiff import _mode

    start = _mode.departures.count
    x = ad.ones(1, requires_grad=True)
    with ad.no_grad():
        assert _mode.departures.count == start + 1
        assert (x * 2).grad_fn is None
        with ad.enable_grad():
            assert _mode.departures.count == start
            assert (x * 2).grad_fn is not None
    with ad.set_grad_enabled(False):
        assert (x * 2).grad_fn is None
    assert _mode.departures.count == start
    with fwAD.dual_level():
        assert _mode.departures.count == start + 1
        dual = fwAD.make_dual(ad.ones(1), ad.full((1,), 3.0))
        assert fwAD.unpack_dual(dual * 2).tangent.item() == 6.0
    assert _mode.departures.count == start
    (x * 2).sum().backward()  # backward switches recording off while it runs
    assert _mode.departures.count == start
    assert (x * 2).grad_fn is not None


# -- deep graphs ----------------------------------------------------------------------------
def test_deep_chain_backward(backend: str) -> None:
    # a lazy library (dask) pays O(depth) per op on a deep task graph, so a chain as deep
    # as 100,000 ops costs it quadratic time of its own; the engine's part (no recursion,
    # nodes freed as the pass goes) is the same on every backend
    depth = 4_000 if backends.load_backend(backend).lazy else 100_000
    x = ad.ones(4, dtype=ad.float64, requires_grad=True)
    y = x
    for step in range(depth):
        y = y * 1.0001 if step % 2 else y + 1.0
    y.sum().backward()
    close(x.grad, np.full(4, 1.0001 ** (depth // 2)), rtol=1e-8)
    del y


def test_deep_chain_autograd_grad() -> None:
    x = ad.tensor(1.0, dtype=ad.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001
    (g,) = ad.autograd.grad(y, x)
    close(g, 1.0001**100_000, rtol=1e-8)


# -- when a node runs: counted uses, and consumers outside the pass ----------------------
def _float64_leaf(*values: float) -> ad.Tensor:
    return ad.tensor(list(values), dtype=ad.float64, requires_grad=True)


@pytest.mark.parametrize("how", ["backward", "grad"])
def test_a_root_that_feeds_another_root_runs_after_it(backend: str, how: str) -> None:
    # y is a root and the input of the root z: y's node must wait for z's cotangent
    # (the graph walk used to count x twice here, and x got no gradient)
    x = _float64_leaf(1.0, 2.0)
    y = x * 2
    z = ad.sin(y)
    seeds = [ad.ones(2, dtype=ad.float64), ad.ones(2, dtype=ad.float64)]
    want = 2 + 2 * np.cos(2 * np.array([1.0, 2.0]))  # PyTorch 2.13: [1.1677, 0.6927]
    if how == "backward":
        ad.autograd.backward([y, z], seeds)
        close(x.grad, want, rtol=1e-12)
    else:
        close(ad.autograd.grad([y, z], [x], seeds)[0], want, rtol=1e-12)


def test_a_consumer_outside_the_pass_does_not_hold_a_node_back(backend: str) -> None:
    x = _float64_leaf(0.5, -1.0)
    y = x * 3
    kept = ad.cos(y)  # a second consumer of y, not part of the pass below
    ad.sin(y).sum().backward()
    close(x.grad, 3 * np.cos(3 * np.array([0.5, -1.0])), rtol=1e-12)
    assert kept.grad_fn is not None


def test_a_leaf_in_several_live_graphs_accumulates_once_per_pass(backend: str) -> None:
    x = _float64_leaf(0.3, 0.7)
    calls = []
    x.register_hook(lambda g: calls.append(g.tolist()))
    graphs = [ad.tanh(x * k) for k in (1.0, 2.0, 3.0)]  # x's node has three consumers
    graphs[1].sum().backward()
    want = 2 / np.cosh(2 * np.array([0.3, 0.7])) ** 2
    close(x.grad, want, rtol=1e-12)
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], want, rtol=1e-12)


def test_a_leaf_reused_step_after_step_accumulates_as_soon_as_ready(backend: str) -> None:
    # a leaf's accumulator counts only the edges of live nodes: the graphs of earlier
    # steps must not hold its accumulation back to the end of the pass (PyTorch 2.13
    # runs w's before u's in every step)
    w = _float64_leaf(0.5, 1.0)
    u = _float64_leaf(0.2, 0.3)
    order: list[str] = []
    w.register_post_accumulate_grad_hook(lambda t: order.append("w"))
    u.register_post_accumulate_grad_hook(lambda t: order.append("u"))
    for _ in range(3):
        chain = u
        for _ in range(3):
            chain = ad.sin(chain)
        loss = chain.sum() + (w * 2).sum()
        loss.backward()
        assert order == ["w", "u"]
        order.clear()


def test_a_leaf_forgets_the_edges_of_dead_graphs_without_a_backward(backend: str) -> None:
    w = _float64_leaf(0.5, 1.0)
    for _ in range(1000):  # forward only, as an evaluation loop with grad mode on
        (w * 2).sum()
    keeper = w * 3
    accumulator = keeper.grad_fn.next_functions[0][0]
    assert accumulator._uses == 1
    assert len(accumulator._consumers) < 40  # dead ones are dropped as it goes


def test_a_trunk_shared_by_two_passes_waits_for_all_its_consumers(backend: str) -> None:
    x = _float64_leaf(0.2, 0.4)
    trunk = ad.exp(x)
    (trunk * trunk).sum().backward(retain_graph=True)
    ad.sin(trunk).sum().backward()
    e = np.exp(np.array([0.2, 0.4]))
    close(x.grad, 2 * e * e + np.cos(e) * e, rtol=1e-12)


def test_second_order_chain_through_counted_uses(backend: str) -> None:
    # create_graph records new consumers of the old nodes while the pass runs
    x = _float64_leaf(0.5, 1.5)
    y = x
    for _ in range(3):
        y = ad.sin(y) * 1.5
    (g,) = ad.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    step = 1e-6
    def first(values: np.ndarray) -> np.ndarray:
        out, slope = values, np.ones_like(values)
        for _ in range(3):
            slope = slope * 1.5 * np.cos(out)
            out = np.sin(out) * 1.5
        return slope
    values = np.array([0.5, 1.5])
    close(x.grad, (first(values + step) - first(values - step)) / (2 * step), rtol=1e-6)


# declared once: a primitive name can be registered only once per process
_TWO_INPUTS_ONE_RULE = ad.primitive(
    "two_inputs_one_rule", forward=lambda xp, x, y: x + y, vjp=lambda xp, g, _ans, _x, _y: g,
    namespace="test")


def test_ops_without_parameters_refuse_keywords_by_name(backend: str) -> None:
    # such ops take no ``**params`` (a dict per call); the others still pass theirs on
    x = ad.ones((2, 3), dtype=ad.float64, requires_grad=True)
    with pytest.raises(TypeError, match="tanh\\(\\) got an unexpected keyword argument 'axis'"):
        ad.tanh(x, axis=0)
    y = ad.tanh(x).sum(axis=0)
    assert y.shape == (3,)
    y.sum().backward()
    close(x.grad, np.full((2, 3), 1 - np.tanh(1.0) ** 2), rtol=1e-12)


def test_a_rule_not_written_against_a_namespace_is_refused() -> None:
    with pytest.raises(TypeError, match="primitive 'old_style_rule': a vjp rule takes the "
                                        "namespace first, rule\\(xp, g, ans"):
        ad.primitive("old_style_rule", forward=lambda xp, x: x, vjp=lambda g, ans, x: g,
                     namespace="test")
    assert "old_style_rule" not in ad.REGISTRY


def test_primitive_called_with_more_inputs_than_rules_says_so(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"two_inputs_one_rule: called with 2 positional "
                                        r"arguments but declared with 1 vjp rules"):
        _TWO_INPUTS_ONE_RULE(x, x)


def test_grad_can_be_zeroed_in_place_after_a_broadcast_backward(backend: str) -> None:
    # sum's cotangent is a read-only broadcast view; .grad must be a writable array of its own
    x = ad.ones(3, requires_grad=True, backend=backend)
    x.sum().backward()
    x.grad.zero_()  # type: ignore[union-attr]
    assert x.grad.tolist() == [0.0, 0.0, 0.0]  # type: ignore[union-attr]


def test_grads_of_two_leaves_never_share_memory(backend: str) -> None:
    # add passes one cotangent to both inputs, and backward(gradient) hands over the
    # caller's tensor: writing one .grad in place must change neither the other nor it
    x = ad.ones(3, requires_grad=True, backend=backend)
    y = ad.ones(3, requires_grad=True, backend=backend)
    seed = ad.ones(3, backend=backend)
    (x + y).backward(seed)
    x.grad.zero_()  # type: ignore[union-attr]
    assert y.grad.tolist() == [1.0, 1.0, 1.0]  # type: ignore[union-attr]
    assert seed.tolist() == [1.0, 1.0, 1.0]


def test_a_node_hook_returning_the_wrong_count_is_refused_as_in_pytorch() -> None:
    x = ad.ones(2, requires_grad=True)
    y = ad.ones(2, requires_grad=True)
    z = (x * y).sum()

    def my_hook(grad_inputs: tuple[Any, ...], grad_outputs: tuple[Any, ...]) -> tuple[Any]:
        return (grad_inputs[0],)

    z.grad_fn.next_functions[0][0].register_hook(my_hook)  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match=re.escape(
            "hook 'my_hook' has returned an incorrect number of values (got 1, but "
            "expected 2)")):
        z.backward()


def test_nodes_are_handed_out_in_their_named_class(backend: str) -> None:
    # the engine records plain nodes (one class keeps its attribute reads fast) and a
    # node takes PyTorch's name when it is handed out, before and after backward
    from autodiff._graph import Node

    x = ad.ones(3, requires_grad=True, backend=backend)
    y = ad.tanh(x * 2.0)
    z = ad.sin(y) + y
    inner = y._grad_fn
    assert type(inner) is Node and inner.name() == "TanhBackward0"
    assert repr(inner).startswith("<TanhBackward0 object")
    assert type(z.grad_fn).__name__ == "AddBackward0"
    firsts = [edge for edge, _ in z.grad_fn.next_functions]  # type: ignore[union-attr]
    assert [type(edge).__name__ for edge in firsts] == ["SinBackward0", "TanhBackward0"]
    assert firsts[1] is inner and type(inner).__name__ == "TanhBackward0"
    assert type(inner).prim is ad.tanh.primitive  # type: ignore[attr-defined]
    z.sum().backward()  # named and plain nodes run alike
    want = (np.cos(np.tanh(2.0)) + 1.0) * (1.0 - np.tanh(2.0) ** 2) * 2.0
    np.testing.assert_allclose(x.grad.tolist(), [want] * 3, rtol=1e-6)  # type: ignore[union-attr]


def test_the_floating_dtype_cache_stays_bounded(backend: str) -> None:
    # the hot path knows floating dtypes by object identity; a library that makes a
    # dtype object per array (array_api_strict) must not grow the cache without end
    from autodiff.ops import elementwise

    y = ad.ones(4, dtype=ad.float64, backend=backend)
    for _ in range(3 * elementwise._FLOATING_LIMIT):
        y = ad.tanh(y * 0.5)
    assert len(elementwise._FLOATING) <= elementwise._FLOATING_LIMIT
    ints = ad.tensor([1, 2], backend=backend)
    assert (ints * 0.5).dtype == ad.get_default_dtype()  # PyTorch's promotion still holds
    assert ad.exp(ints).dtype == ad.get_default_dtype()


def test_a_recorded_op_keeps_one_object_for_the_cyclic_gc(backend: str) -> None:
    # The node alone: its edges are its own fields and its input records are shared,
    # not copied per node, so a 100,000-op graph does not set off Python's full
    # collections several times more.
    x = ad.ones(4, dtype=ad.float64, requires_grad=True)
    y = x * 1.0
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(2_000):
        y = y * 1.0001
    gc.collect()
    assert (len(gc.get_objects()) - before) / 2_000 <= 1.05


def test_node_input_records_are_shared_per_backend_and_bounded() -> None:
    from autodiff._primitive._record import _METAS_LIMIT

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # array_api_strict warns when dtypes cross libraries
        nodes = {name: [(ad.ones(3, requires_grad=True, backend=name) * 2.0).grad_fn
                        for _ in range(2)] for name in ("numpy", "array_api_strict")}
    for first, second in nodes.values():
        assert first._meta is second._meta
    metas = ad.ones(1, backend="numpy")._backend.node_metas
    for size in range(_METAS_LIMIT + 10):
        ad.sin(ad.ones(size + 1, requires_grad=True, backend="numpy"))
    assert len(metas) <= _METAS_LIMIT


def test_first_order_backward_makes_a_broadcast_cotangent_dense() -> None:
    # numpy's matmul leaves BLAS for a broadcast (zero-stride) operand, so the
    # cotangent a sum sends back is materialised once rather than read as a view
    x = ad.ones((8, 4), requires_grad=True, backend="numpy")
    seen = []
    y = x * 2.0
    y.register_hook(seen.append)
    y.sum().backward()
    assert 0 not in seen[0].numpy().strides
    close(x.grad, np.full((8, 4), 2.0))


def test_grad_takes_over_a_fresh_gradient_without_copying(monkeypatch: pytest.MonkeyPatch) -> None:
    # as PyTorch's AccumulateGrad: a gradient nothing else refers to becomes .grad as
    # it is; the one copy here is sum's broadcast cotangent made dense
    x = ad.ones(3, requires_grad=True, backend="numpy")
    backend = x._backend
    copies = []
    original = type(backend).copy
    monkeypatch.setattr(type(backend), "copy",
                        lambda self, array: copies.append(array.shape) or original(self, array))
    (x * 3.0).sum().backward()
    assert copies == [(3,)]
    close(x.grad, np.full(3, 3.0))

"""Hooks on tensors and on grad_fn nodes, and anomaly detection."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def test_tensor_hook_replaces_the_gradient_and_can_be_removed(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(_values(g)) or g * 10)
    (x * x).sum().backward()
    np.testing.assert_allclose(_values(x.grad), [20.0, 40.0])
    np.testing.assert_allclose(seen[0], [2.0, 4.0])
    handle.remove()
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_allclose(_values(x.grad), [2.0, 4.0])


def test_non_leaf_hook_changes_what_flows_on_and_what_is_retained(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g + 1)
    (y * 2).sum().backward()
    np.testing.assert_allclose(_values(y.grad), [3.0, 3.0])   # retained after the hook
    np.testing.assert_allclose(_values(x.grad), [9.0, 9.0])   # (2 + 1) * 3


def test_hooks_run_in_registration_order_and_in_autograd_grad(backend: str) -> None:
    x = ad.tensor(1.0, requires_grad=True)
    order = []
    x.register_hook(lambda g: order.append("first") or g * 2)
    x.register_hook(lambda g: order.append("second") or g + 1)
    (grad,) = ad.autograd.grad(x * 5, x)
    assert order == ["first", "second"]
    assert grad.item() == 11.0


def test_hook_needs_requires_grad(backend: str) -> None:
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        ad.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hook(backend: str) -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    w.register_post_accumulate_grad_hook(lambda t: seen.append(_values(t.grad).copy()))
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    np.testing.assert_allclose(seen, [[3.0, 3.0], [6.0, 6.0]])
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered "
                                           "on non-leaf tensors"):
        (w * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_node_hooks(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    calls = []
    y.grad_fn.register_prehook(lambda grads: calls.append("pre") or (grads[0] * 2,))
    handle = y.grad_fn.register_hook(
        lambda grad_inputs, grad_outputs: calls.append("post") or (grad_inputs[0] + 1,
                                                                    grad_inputs[1]))
    y.sum().backward(retain_graph=True)
    assert calls == ["pre", "post"]
    # d(x*x)/dx = 2x from the first input and 2x from the second; the pre-hook doubles
    # the incoming ones, the post-hook adds 1 to the first input's part
    np.testing.assert_allclose(_values(x.grad), 2 * 2 * np.array([1.0, 2.0]) + 1)
    handle.remove()
    x.grad = None
    y.sum().backward()
    np.testing.assert_allclose(_values(x.grad), 2 * 2 * np.array([1.0, 2.0]))


def test_detect_anomaly_names_the_op_and_where_it_was_made(backend: str) -> None:
    x = ad.tensor([0.0, 1.0], requires_grad=True)
    with ad.autograd.detect_anomaly():
        y = ad.sqrt(x) * 0.0  # the sqrt's backward computes 0 / 0 at x = 0
        with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values "
                           r"in its 0th output\.(.|\n)*test_hooks.py"):
            y.sum().backward()
    assert not ad.autograd.is_anomaly_enabled()


def test_without_anomaly_mode_nan_flows_silently(backend: str) -> None:
    x = ad.tensor([0.0], requires_grad=True)
    with np.errstate(all="ignore"):
        (ad.sqrt(x) * 0.0).sum().backward()
    assert np.isnan(_values(x.grad)[0])


def test_anomaly_mode_adds_the_trace_to_backward_errors(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with ad.autograd.set_detect_anomaly(True):
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
            y.sum().backward()
    assert any("ExpBackward0" in note for note in info.value.__notes__)

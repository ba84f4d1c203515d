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


# -- what a hook returns is checked, as PyTorch checks it ------------------------------

def _leaf() -> ad.Tensor:
    return ad.tensor([1.0, 2.0, 3.0], dtype=ad.float32, requires_grad=True)


def _on_leaf(hook):  # type: ignore[no-untyped-def]
    x = _leaf()
    x.register_hook(hook)
    (x * x).sum().backward()


def _on_non_leaf(hook):  # type: ignore[no-untyped-def]
    y = _leaf() * 2
    y.register_hook(hook)
    (y * y).sum().backward()


def _on_retained(hook):  # type: ignore[no-untyped-def]
    y = _leaf() * 2
    y.retain_grad()
    y.register_hook(hook)
    (y * y).sum().backward()


def _in_autograd_grad(hook):  # type: ignore[no-untyped-def]
    x = _leaf()
    x.register_hook(hook)
    ad.autograd.grad((x * x).sum(), x)


def _in_create_graph(hook):  # type: ignore[no-untyped-def]
    x = _leaf()
    x.register_hook(hook)
    ad.autograd.grad((x * x).sum(), x, create_graph=True)


PLACES = [_on_leaf, _on_non_leaf, _on_retained, _in_autograd_grad, _in_create_graph]


@pytest.mark.parametrize("place", PLACES)
def test_a_hook_may_not_change_the_size(backend: str, place) -> None:  # type: ignore[no-untyped-def]
    def hook(grad: ad.Tensor) -> ad.Tensor:
        return ad.ones(2, dtype=ad.float32)

    with pytest.raises(RuntimeError, match="^hook 'hook' has changed the size of value$"):
        place(hook)


@pytest.mark.parametrize("place", PLACES)
def test_a_hook_may_not_change_the_dtype(backend: str, place) -> None:  # type: ignore[no-untyped-def]
    def hook(grad: ad.Tensor) -> ad.Tensor:
        return grad.astype(ad.float64)

    with pytest.raises(RuntimeError, match=r"^hook 'hook' has changed the type of value "
                                           r"\(was float32 got float64\)$"):
        place(hook)


@pytest.mark.parametrize("place", PLACES)
def test_a_hook_returns_a_tensor_or_none(backend: str, place) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'float'$"):
        place(lambda grad: 5.0)


def test_a_hook_without_a_name_is_unknown(backend: str) -> None:
    class Hook:
        def __call__(self, grad: ad.Tensor) -> ad.Tensor:
            return grad[:1]

    with pytest.raises(RuntimeError, match="^hook '<unknown>' has changed the size"):
        _on_leaf(Hook())


def test_a_hook_may_not_move_the_gradient_to_another_backend(backend: str) -> None:
    other = "array_api_strict" if backend == "numpy" else "numpy"
    with pytest.raises(RuntimeError, match=rf"^hook '<lambda>' has changed the type of value "
                                           rf"\(was float32 on backend '{backend}' got float32 "
                                           rf"on backend '{other}'\)$"):
        _on_leaf(lambda grad: grad.to(backend=other))


def test_a_hook_of_the_same_shape_and_dtype_replaces_the_gradient(backend: str) -> None:
    x = _leaf()
    x.register_hook(lambda grad: ad.ones(3, dtype=ad.float32))
    (x * x).sum().backward()
    np.testing.assert_array_equal(_values(x.grad), [1.0, 1.0, 1.0])
    assert x.grad.dtype == ad.float32


def _node_hooked(kind: str, hook) -> ad.Tensor:  # type: ignore[no-untyped-def]
    x = _leaf()
    y = x * x
    getattr(y.grad_fn, kind)(hook)
    y.sum().backward()
    return x


def test_node_hooks_results_are_checked(backend: str) -> None:
    def hook(grads):  # type: ignore[no-untyped-def]
        return (ad.ones(2, dtype=ad.float32),)

    with pytest.raises(RuntimeError, match="^hook 'hook' has changed the size of value$"):
        _node_hooked("register_prehook", hook)
    with pytest.raises(TypeError, match="^expected tuple, but hook returned 'Tensor'$"):
        _node_hooked("register_prehook", lambda grads: grads[0])
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'float'$"):
        _node_hooked("register_prehook", lambda grads: (5.0,))
    with pytest.raises(RuntimeError, match=r"^hook '<lambda>' has returned an incorrect number "
                                           r"of values \(got 2, but expected 1\)"):
        _node_hooked("register_prehook", lambda grads: (grads[0], grads[0]))
    with pytest.raises(RuntimeError, match=r"^hook '<lambda>' has changed the type of value "
                                           r"\(was float32 got float64\)$"):
        _node_hooked("register_hook",
                     lambda grad_inputs, grad_outputs: (grad_inputs[0].astype(ad.float64),
                                                        grad_inputs[1]))
    with pytest.raises(TypeError, match="^expected tuple, but hook returned 'list'$"):
        _node_hooked("register_hook", lambda grad_inputs, grad_outputs: list(grad_inputs))


def test_a_node_hook_cannot_make_a_gradient_out_of_none(backend: str) -> None:
    x = _leaf()
    y = x * 2.0  # no gradient for the constant
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0],
                                                               ad.ones(())))
    with pytest.raises(RuntimeError, match="^can't replace a None gradient with a non-None "
                                           "value$"):
        y.sum().backward()


def test_a_leaf_accumulator_runs_its_node_hooks(backend: str) -> None:
    x = _leaf()
    y = x * x
    accumulator = y.grad_fn.next_functions[0][0]
    seen = []
    accumulator.register_prehook(lambda grads: (grads[0] * 10,))
    accumulator.register_hook(lambda grad_inputs, grad_outputs: seen.append(
        (grad_inputs, _values(grad_outputs[0]))))
    y.sum().backward()
    np.testing.assert_allclose(_values(x.grad), [20.0, 40.0, 60.0])  # 2x, times 10
    assert seen[0][0] == ()
    np.testing.assert_allclose(seen[0][1], [20.0, 40.0, 60.0])
    accumulator.register_prehook(lambda grads: (ad.ones(2, dtype=ad.float32),))
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        (x * x).sum().backward()


def test_a_post_accumulate_hook_result_is_checked(backend: str) -> None:
    x = _leaf()
    x.register_post_accumulate_grad_hook(lambda tensor: 5.0)
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'float'$"):
        (x * x).sum().backward()

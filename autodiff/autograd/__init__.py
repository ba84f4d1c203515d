"""``autodiff.autograd``: backward passes over the recorded graph.

>>> import autodiff as ad
>>> x = ad.tensor([1.0, 2.0], requires_grad=True)
>>> ad.autograd.grad((x * x).sum(), x)
(tensor([2., 4.]),)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._graph import run_backward
from .._graph._node import complex_dtype
from .._tensor import Tensor
from . import forward_ad as forward_ad
from .anomaly_mode import detect_anomaly as detect_anomaly
from .anomaly_mode import is_anomaly_check_nan_enabled as is_anomaly_check_nan_enabled
from .anomaly_mode import is_anomaly_enabled as is_anomaly_enabled
from .anomaly_mode import set_detect_anomaly as set_detect_anomaly

__all__ = ["Function", "backward", "detect_anomaly", "forward_ad", "function", "grad",
           "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "set_detect_anomaly"]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _make_grads(outputs: Sequence[Tensor], grads: Sequence[Any]) -> list[Tensor]:
    """The seed cotangent of each output, checked against it (PyTorch's messages)."""
    from ..ops.creation import ones_like

    if grads and len(grads) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs: got "
                           f"{len(grads)} gradients for {len(outputs)} outputs")
    seeds = []
    for index, output in enumerate(outputs):
        given = grads[index] if grads else None
        complex_output = complex_dtype(output._backend, output._array.dtype)
        if given is None:
            if output.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if complex_output:  # which real loss of it? PyTorch refuses to guess too
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   f"outputs but got {output.dtype}")
            seeds.append(ones_like(output))
            continue
        if not isinstance(given, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got "
                            f"{type(given).__name__}")
        if given.shape != output.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{index}] has a shape of "
                               f"{given.shape} and output[{index}] has a shape of "
                               f"{output.shape}.")
        if given._backend is not output._backend:
            raise ValueError(f"backward: gradient {index} is on backend {given.backend!r} but "
                             f"its output is on backend {output.backend!r}")
        if complex_dtype(given._backend, given._array.dtype) != complex_output:
            raise RuntimeError(
                "For complex Tensors, both grad_output and output are required to have the "
                f"same dtype. Mismatch in dtype: grad_output[{index}] has a dtype of "
                f"{given.dtype} and output[{index}] has a dtype of {output.dtype}.")
        seeds.append(given)
    return seeds


def _check_outputs(outputs: Sequence[Tensor]) -> None:
    for index, output in enumerate(outputs):
        if not isinstance(output, Tensor):
            raise TypeError(f"backward: expected Tensors, got {type(output).__name__} at "
                            f"index {index}")
        if not output._requires_grad:
            raise RuntimeError(f"element {index} of tensors does not require grad and does "
                               "not have a grad_fn")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``.

    >>> import autodiff as ad
    >>> x = ad.tensor(3.0, requires_grad=True)
    >>> ad.autograd.backward(x * x); x.grad
    tensor(6.)
    """
    outputs = _as_tuple(tensors)
    _check_outputs(outputs)
    seeds = _make_grads(outputs, _as_tuple(grad_tensors))
    targets = _as_tuple(inputs) or None
    if targets is not None:
        for index, target in enumerate(targets):
            if not isinstance(target, Tensor) or not target.requires_grad:
                raise RuntimeError(f"backward: input {index} does not require grad")
    keep = create_graph if retain_graph is None else retain_graph
    run_backward(outputs, seeds, keep, create_graph, inputs=targets)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not accumulated.

    >>> import autodiff as ad
    >>> x = ad.tensor(2.0, requires_grad=True)
    >>> (dx,) = ad.autograd.grad(x ** 3, x, create_graph=True)
    >>> ad.autograd.grad(dx, x)
    (tensor(12.),)
    """
    roots = _as_tuple(outputs)
    _check_outputs(roots)
    targets = _as_tuple(inputs)
    for index, target in enumerate(targets):
        if not isinstance(target, Tensor) or not target.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad "
                               f"(index {index})")
    seeds = _make_grads(roots, _as_tuple(grad_outputs))
    keep = create_graph if retain_graph is None else retain_graph
    results = run_backward(roots, seeds, keep, create_graph, capture=targets)
    for index, result in enumerate(results):
        if result is None and not allow_unused:
            raise RuntimeError(f"The differentiated Tensor at index {index} appears to not have "
                               "been used in the graph. Set allow_unused=True if this is the "
                               "desired behavior.")
    return tuple(results)


from . import function as function  # noqa: E402 - after backward/grad, which it does not need
from .function import Function as Function  # noqa: E402

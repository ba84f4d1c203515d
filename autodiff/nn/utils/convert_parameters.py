"""``parameters_to_vector`` and ``vector_to_parameters`` (PyTorch's
``torch.nn.utils.convert_parameters``): all parameters as one flat vector and back,
for optimizers and tools that work on a single vector."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ... import _mode
from ..._tensor import Tensor
from ...ops.joining import concat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated, in order, into one 1-D tensor (it is
    differentiable: gradients flow back to the parameters).

    >>> import autodiff as ad
    >>> ad.nn.utils.parameters_to_vector([ad.ones(2, 2), ad.zeros(3)])
    tensor([1., 1., 1., 1., 0., 0., 0.])
    """
    place = None
    vec = []
    for param in parameters:
        place = _check_param_device(param, place)
        vec.append(param.reshape(-1))
    return concat(vec)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Give each parameter, in order, the next ``numel()`` values of ``vec`` (as its
    ``.data``: the parameters keep their identity and ``requires_grad``, and no graph
    is recorded).

    >>> import autodiff as ad
    >>> a, b = ad.zeros(2, requires_grad=True), ad.zeros(1, 2)
    >>> ad.nn.utils.vector_to_parameters(ad.tensor([1.0, 2.0, 3.0, 4.0]), [a, b])
    >>> a, b
    (tensor([1., 2.], requires_grad=True), tensor([[3., 4.]]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected autodiff.Tensor, but got: {_typename(vec)}")
    place = None
    pointer = 0
    with _mode.no_grad():
        for param in parameters:
            place = _check_param_device(param, place)
            num_param = param.numel()
            # .data has a setter; the generated stub declares only its getter
            param.data = vec[pointer:pointer + num_param].view_as(param).data  # type: ignore[misc]
            pointer += num_param


def _typename(obj: Any) -> str:
    """``module.Name`` of obj's class, as ``torch.typename`` (bare for builtins)."""
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else (
        f"{cls.__module__}.{cls.__qualname__}")


def _check_param_device(param: Tensor, old_place: Any) -> Any:
    """The (backend, device) of ``param``, after checking it is ``old_place`` when
    there is one."""
    if not isinstance(param, Tensor):
        raise TypeError(f"expected autodiff.Tensor parameters, but got: {_typename(param)}")
    place = (param.backend, str(param.device))
    if old_place is not None and place != old_place:
        raise TypeError(f"Found two parameters on different devices, this is currently not "
                        f"supported. (backend {old_place[0]!r} on {old_place[1]} and "
                        f"backend {place[0]!r} on {place[1]})")
    return place

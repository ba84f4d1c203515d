"""``nn.Parameter``: a tensor that a ``Module`` registers as one of its parameters.

>>> import autodiff as ad
>>> p = ad.nn.Parameter(ad.zeros(2))
>>> p
Parameter containing:
tensor([0., 0.], requires_grad=True)
>>> isinstance(p, ad.Tensor), p.is_leaf, type(p * 2).__name__
(True, True, 'Tensor')
"""

from __future__ import annotations

from .._tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf tensor that ``Module.__setattr__`` registers as a parameter (PyTorch's
    ``nn.Parameter``). It shares ``data``'s memory and version counter, as
    ``data.detach()`` does, and requires grad unless told not to; results of ops on it
    are plain tensors.

    >>> import autodiff as ad
    >>> w = ad.nn.Parameter(ad.ones(2), requires_grad=False)
    >>> w.requires_grad, (w + 1).__class__.__name__
    (False, 'Tensor')
    """

    # the same layout as Tensor, so that a detach() alias can become a Parameter in place
    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from ..ops.creation import empty  # the creation ops sit above the tensor

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): expected data to be a Tensor, got "
                            f"{type(data).__name__}")
        alias = data.detach()
        alias.__class__ = cls
        alias.requires_grad_(requires_grad)
        return alias  # type: ignore[return-value]

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor.__init__ reads data, not a tensor)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

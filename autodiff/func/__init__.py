"""``autodiff.func``: functional transforms, as PyTorch's ``torch.func``.

``grad(f)`` is a function computing the gradient of ``f``; ``vjp``, ``jacrev``
(reverse mode), ``jvp``, ``jacfwd`` (forward mode), ``hessian`` and ``vmap`` (a loop
over a batch axis) complete the set. Transforms nest freely (``grad(grad(f))``,
``jacfwd(jacrev(f))``) and compose with ``backward()``: a transform's results stay
differentiable by whatever differentiates around it.

How nesting works on a single autograd graph (PyTorch uses "levels" instead): each
call differentiates with respect to its own copy of each input: a fresh leaf, or,
when the input is already part of a graph some outer computation differentiates,
an alias node on it. The cotangent is captured at that copy, so what ``f`` computes
from the original tensor by another route (a closure, an outer transform's input)
is a constant to this transform and a variable to the outer one, which is what
levels give. A graph of the gradient computation is built (``create_graph``) only
when some outer computation can differentiate the results, that is when ``f``'s
graph reaches a tensor requiring grad that the transform did not create, and grad
mode is on outside; the results then require grad, otherwise they are constants.

>>> import autodiff as ad
>>> from autodiff import func
>>> x = ad.tensor(2.0)
>>> func.grad(lambda x: x ** 3)(x)
tensor(12.)
>>> func.grad(func.grad(lambda x: x ** 3))(x)
tensor(12.)
"""

from __future__ import annotations

from ._forward import hessian as hessian
from ._forward import jacfwd as jacfwd
from ._forward import jvp as jvp
from ._reverse import grad as grad
from ._reverse import grad_and_value as grad_and_value
from ._reverse import jacrev as jacrev
from ._reverse import value_and_grad as value_and_grad
from ._reverse import vjp as vjp
from ._vmap import vmap as vmap

__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "value_and_grad",
           "vjp", "vmap"]

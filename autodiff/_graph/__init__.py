"""The recorded graph and the backward pass.

Every differentiable op that ran with grad mode on leaves a ``Node`` on its output
(``tensor.grad_fn``); a leaf that requires grad is reached through an
``AccumulateGrad`` node. ``run_backward`` walks the nodes in dependency order without
recursion. The package's modules, lowest first: ``_messages``, ``_cotangents``,
``_node``, ``_leaf``, ``_counting``, ``_special``, ``_backward``.
"""

from ._backward import run_backward as run_backward
from ._cotangents import Tagged as Tagged
from ._cotangents import as_tensor as as_tensor
from ._cotangents import sum_to_shape as sum_to_shape
from ._cotangents import to_arrays as to_arrays
from ._leaf import AccumulateGrad as AccumulateGrad
from ._leaf import accumulate_into as accumulate_into
from ._messages import FREED_MESSAGE as FREED_MESSAGE
from ._messages import modified_message as modified_message
from ._node import SCALAR as SCALAR
from ._node import Handle as Handle
from ._node import Node as Node
from ._node import NodeExtra as NodeExtra
from ._node import named as named

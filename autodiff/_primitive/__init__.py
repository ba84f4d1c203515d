"""Primitives: the registry of differentiable operations (``_declare``), the graph
node a call records (``_record``), and ``primitive()`` with the one function that runs
them all (``_op``)."""

from ._declare import JVP_KINDS as JVP_KINDS
from ._declare import REGISTRY as REGISTRY
from ._declare import Primitive as Primitive
from ._op import Op as Op
from ._op import apply as apply
from ._op import primitive as primitive

__all__ = ["JVP_KINDS", "REGISTRY", "Op", "Primitive", "apply", "primitive"]

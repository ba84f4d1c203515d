"""Declaring a primitive: the ``Primitive`` record and ``primitive()``.

A primitive is declared once, in one statement::

    sin = primitive(
        "sin", torch_name="Sin",
        forward=lambda xp, x: xp.sin(x),
        vjp=lambda xp, g, _ans, x: g * xp.cos(x),
        jvp="elementwise",
    )

``forward`` computes on backend arrays through the Array API namespace ``xp``. Each
vjp rule maps the output cotangent ``g`` (and the output ``ans``, the inputs and the
keyword parameters) to one input's cotangent, written once against a namespace ``xp``
(see ``autodiff._rules``): the engine runs it on arrays in a first-order pass and on
tensors when it records, so gradients of gradients need no extra code. What a rule
reads is declared by its signature (``_name``: not read), and only that is saved.

Complex numbers follow PyTorch's convention: for a real loss ``L`` of a complex ``z`` the
gradient is ``dL/dRe(z) + i dL/dIm(z)``, so a holomorphic ``f`` with cotangent ``g`` sends
``g * conj(f'(z))`` to its input. A primitive declared ``holomorphic=True`` writes its
rules as the real case reads, ``g * f'(z)``, and the engine runs them as
``conj(rule(conj(g)))`` when the cotangent is complex; forward mode uses them unchanged
(``f'(z) t``). Rules that are not holomorphic (``abs``, ``real``, ``matmul``'s ``g @ b.mH``)
conjugate for themselves and are not declared so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _rules
from .._graph import Node
from .._rules import REGISTRY

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["JVP_KINDS", "Primitive", "REGISTRY"]

JVP_KINDS = ("elementwise", "linear", "multilinear")


class Primitive:
    """The record of one differentiable operation."""

    __slots__ = ("name", "forward", "vjps", "backend_vjps", "jvp", "node_name",
                 "saves_inputs", "saves_output", "differentiable", "namespace", "moves",
                 "scalar_free_nodes", "op", "static_node", "_node_classes", "holomorphic",
                 "_conjugated", "__weakref__")

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        vjps: tuple[Callable[..., Any] | None, ...] | None,
        jvp: str | Callable[..., Any] | None,
        node_name: str | Callable[..., str],
        namespace: str,
        moves: bool = False,
        scalar_free_nodes: tuple[str, ...] = (),
        holomorphic: bool = False,
    ) -> None:
        self.name = name
        self.forward = forward
        #: one rule per input, ``rule(xp, g, ans, *inputs, **params)`` (None: the input
        #: gets no gradient)
        self.vjps = vjps or ()
        for rule in self.vjps:
            if rule is not None and not _rules.is_xp_rule(rule):
                raise TypeError(f"primitive {name!r}: a vjp rule takes the namespace first, "
                                "rule(xp, g, ans, *inputs, **params); got "
                                f"{getattr(rule, '__qualname__', rule)!r}")
        #: a backend's own rules for this primitive, by backend name (None when no
        #: backend has any): see ``adopt_backend_rules``
        self.backend_vjps: dict[str, tuple[Callable[..., Any] | None, ...]] | None = None
        self.jvp = jvp
        self.node_name = node_name
        self.differentiable = bool(vjps)
        self.namespace = namespace
        # Which inputs (and whether the output) each rule reads, as its signature
        # declares: only those are kept alive by the graph, and only for the rules
        # whose input needs a gradient.
        declared = [_rules.reads(rule) for rule in self.vjps]
        arity = frozenset(range(len(self.vjps)))
        self.saves_output = tuple(reads_output for reads_output, _ in declared)
        self.saves_inputs = tuple(arity & positions for _, positions in declared)
        #: True for a transfer, whose output lives on backend ``params["target"]``
        self.moves = moves
        #: node names whose Python-number arguments are not edges in PyTorch
        #: (``x ** 2`` has one edge, ``x + 2`` two); see ``Node.next_functions``
        self.scalar_free_nodes = frozenset(scalar_free_nodes)
        self._node_classes: dict[str, type[Node]] = {}
        #: the node class when the name does not depend on the call
        self.static_node = self.node_class((), {}) if isinstance(node_name, str) else None
        self.op: Callable[..., Tensor]
        #: True when the rules are written ``g * f'(z)``: for a complex cotangent the
        #: engine runs ``conjugated(rules)`` instead (see the module's docstring)
        self.holomorphic = holomorphic
        self._conjugated: dict[int, tuple[Any, tuple[Callable[..., Any] | None, ...]]] = {}

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def adopt_backend_rules(self, backend: str, rules: tuple[Callable[..., Any] | None, ...]
                            ) -> None:
        """Run ``rules`` instead of ``vjps`` on backend ``backend``'s arrays: a backend's
        faster rules (``Backend.array_rules``). They may read only what the generic
        rules read, since only that is saved for backward, and return NotImplemented
        for arguments they do not take."""
        where = f"backend {backend!r}: array rules for primitive {self.name!r}"
        if not self.vjps:
            raise ValueError(f"{where}: the primitive has no vjp rule to stand in for")
        if len(rules) != len(self.vjps):
            raise ValueError(f"{where}: expected one rule per input ({len(self.vjps)})"
                             f", got {len(rules)}")
        for index, (rule, generic) in enumerate(zip(rules, self.vjps, strict=True)):
            if (rule is None) != (generic is None):
                raise ValueError(f"{where}: input {index} has a rule in one and not the other")
            if rule is not None and generic is not None and not _reads_within(rule, generic):
                raise ValueError(f"{where}: rule {index} reads an input or the output that "
                                 "the primitive's own rule does not, and so does not save")
        if self.backend_vjps is None:
            self.backend_vjps = {}
        self.backend_vjps[backend] = tuple(
            None if rule is None else _falling_back(rule, generic)
            for rule, generic in zip(rules, self.vjps, strict=True))


    def conjugated(self, rules: tuple[Callable[..., Any] | None, ...]
                   ) -> tuple[Callable[..., Any] | None, ...]:
        """``rules`` (this primitive's own or a backend's) as they run on a complex
        cotangent: ``conj(rule(conj(g)))``, which is ``g * conj(f'(z))`` for a rule
        written ``g * f'(z)``. Made once per tuple of rules."""
        known = self._conjugated.get(id(rules))
        if known is None or known[0] is not rules:  # the tuple is held: its id stays its own
            known = self._conjugated[id(rules)] = (
                rules, tuple(None if rule is None else _conjugating(rule) for rule in rules))
        return known[1]

    def node_class(self, args: tuple[Any, ...], params: Mapping[str, Any]) -> type[Node]:
        """The ``grad_fn`` class for this call (PyTorch names some per overload)."""
        name = self.node_name if isinstance(self.node_name, str) else self.node_name(
            *args, **params)
        cls = self._node_classes.get(name)
        if cls is None:
            cls = type(name, (Node,), {"__slots__": (), "prim": self,
                                       "scalar_edges": name not in self.scalar_free_nodes})
            self._node_classes[name] = cls
        return cls


def _conjugating(rule: Callable[..., Any]) -> Callable[..., Any]:
    """``rule`` run on the conjugate cotangent, its result conjugated back."""
    def conjugated(xp: Any, g: Any, ans: Any, *inputs: Any, **params: Any) -> Any:
        result = rule(xp, xp.conj(g), ans, *inputs, **params)
        if result is None or not xp.isdtype(result.dtype, "complex floating"):
            return result  # a real result (a zero gradient): its own conjugate
        return xp.conj(result)

    conjugated.holomorphic_rule = rule  # type: ignore[attr-defined]
    return conjugated


def _reads_within(rule: Callable[..., Any], generic: Callable[..., Any]) -> bool:
    """Whether a backend's ``rule`` reads no more than the primitive's own ``generic``."""
    (own_output, own_inputs), (output, inputs) = _rules.reads(rule), _rules.reads(generic)
    return own_inputs <= inputs and (output or not own_output)


def _falling_back(own: Callable[..., Any], generic: Callable[..., Any] | None
                  ) -> Callable[..., Any]:
    """A backend's rule, and the primitive's own where it returns NotImplemented (for
    arguments it does not take: another dtype, a broadcast)."""
    def rule(xp: Any, g: Any, ans: Any, *inputs: Any, **params: Any) -> Any:
        result = own(xp, g, ans, *inputs, **params)
        if result is NotImplemented:
            return generic(xp, g, ans, *inputs, **params)  # type: ignore[misc]
        return result

    rule.backend_rule = own  # type: ignore[attr-defined]
    return rule

"""``to_dot``: the Graphviz DOT source of the graph behind tensors, as torchviz's
``make_dot`` draws it.

Boxes are tensors (outputs, leaves, retained and saved tensors), grey boxes are the
backward nodes (``grad_fn``), named as PyTorch names them; an arrow goes the way the
forward computation went, from an input to the node that used it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from .._tensor import Tensor

__all__ = ["to_dot"]

OUTPUT_COLOR = "darkolivegreen1"
LEAF_COLOR = "lightblue"
RETAINED_COLOR = "darkolivegreen3"
SAVED_COLOR = "orange"

_HEADER = (
    "digraph {",
    '  graph [size="12,12"]',
    "  node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box "
    "style=filled]",
)


def shape_text(shape: Sequence[int]) -> str:
    """A shape as torchviz writes it: ``(3, 4)``, ``(3)``, ``()``."""
    return "(" + ", ".join(str(size) for size in shape) + ")"


def _quote(text: str) -> str:
    """``text`` as a DOT string: quotes and backslashes escaped, line breaks ``\\n``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _outputs(tensor_or_tensors: Any) -> list[Tensor]:
    tensors = (list(tensor_or_tensors) if isinstance(tensor_or_tensors, list | tuple)
               else [tensor_or_tensors])
    for tensor in tensors:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"to_dot: expected a Tensor or a sequence of Tensors, got "
                            f"{type(tensor).__name__}")
    return tensors


def _names(params: Mapping[str, Any] | None) -> dict[int, str]:
    """Tensor id -> its name in ``params`` (the first name, where a tensor has two)."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(f"to_dot: params must be a dict of name -> Tensor (such as "
                        f"dict(model.named_parameters())), got {type(params).__name__}")
    names: dict[int, str] = {}
    for name, tensor in params.items():
        if not isinstance(tensor, Tensor):
            raise TypeError(f"to_dot: params[{name!r}] must be a Tensor, got "
                            f"{type(tensor).__name__}")
        names.setdefault(id(tensor), str(name))
    return names


class _Builder:
    """The walk's state: ids given in order of discovery (``n0``, ``n1``...), so that
    the same graph always reads the same, and the DOT statements in that order."""

    def __init__(self, names: dict[int, str], show_saved: bool, show_attrs: bool,
                 max_attr_chars: int) -> None:
        self.names = names
        self.show_saved, self.show_attrs = show_saved, show_attrs
        self.max_attr_chars = max(max_attr_chars, 3)
        self.ids: dict[int, str] = {}
        self.held: list[Any] = []  # what has an id stays alive, so no id() is reused
        self.lines: list[str] = list(_HEADER)
        self.linked: set[tuple[str, str]] = set()
        self.queue: deque[Any] = deque()

    def _new_id(self, obj: Any) -> str:
        ident = self.ids[id(obj)] = f"n{len(self.held)}"
        self.held.append(obj)
        return ident

    def tensor(self, tensor: Tensor, color: str) -> str:
        """The box of ``tensor`` (made once, in the color of the role it was first
        met in): its name in ``params``, if any, over its shape."""
        ident = self.ids.get(id(tensor))
        if ident is None:
            ident = self._new_id(tensor)
            name = self.names.get(id(tensor))
            shape = shape_text(tensor.shape)
            label = shape if name is None else f"{name}\n{shape}"
            self.lines.append(f"  {ident} [label={_quote(label)} fillcolor={color}]")
        return ident

    def node(self, node: Any) -> str:
        """The id of a backward node, queued to be walked when first met."""
        ident = self.ids.get(id(node))
        if ident is None:
            ident = self._new_id(node)
            self.lines.append(f"  {ident} [label={_quote(self._label(node))}]")
            self.queue.append(node)
        return ident

    def edge(self, tail: str, head: str, once: bool = False, extra: str = "") -> None:
        if once:
            if (tail, head) in self.linked:
                return
            self.linked.add((tail, head))
        self.lines.append(f"  {tail} -> {head}{extra}")

    def _label(self, node: Any) -> str:
        name = type(node).__name__
        if not self.show_attrs:
            return name
        attrs = {key: self._truncate(str(value)) for key, value in _saved(node).items()
                 if not isinstance(value, Tensor)}
        if not attrs:
            return name
        keys = max(len(key) for key in attrs)
        values = max(len(value) for value in attrs.values())
        rule = "-" * max(keys + values + 2, len(name))
        rows = [f"{key:<{keys}}: {value:>{values}}" for key, value in attrs.items()]
        return "\n".join([name, rule, *rows])

    def _truncate(self, text: str) -> str:
        limit = self.max_attr_chars
        return text if len(text) <= limit else text[:limit] + "..."

    def walk(self) -> None:
        """Breadth first from the outputs' nodes, with a queue: no recursion, so a
        graph of any depth can be drawn."""
        while self.queue:
            node = self.queue.popleft()
            ident = self.ids[id(node)]
            retained = getattr(node, "retained_output", None)
            if retained is not None:
                self.edge(ident, self.tensor(retained, RETAINED_COLOR), once=True)
            variable = getattr(node, "variable", None)  # an AccumulateGrad's leaf
            if isinstance(variable, Tensor):
                self.edge(self.tensor(variable, LEAF_COLOR), ident, once=True)
            if self.show_saved:
                for key, value in _saved(node).items():
                    if isinstance(value, Tensor):
                        box = self._new_id((node, key))
                        label = f"{key}\n{shape_text(value.shape)}"
                        self.lines.append(
                            f"  {box} [label={_quote(label)} fillcolor={SAVED_COLOR}]")
                        self.edge(ident, box, extra=" [dir=none]")
            for child, _ in node.next_functions:
                if child is not None:
                    self.edge(self.node(child), ident)


def _saved(node: Any) -> dict[str, Any]:
    saved = getattr(node, "saved_values", None)  # AccumulateGrad saves nothing
    return saved if isinstance(saved, dict) else {}


def to_dot(tensor_or_tensors: Tensor | Sequence[Tensor], params: Mapping[str, Any] | None = None,
           show_saved: bool = False, show_attrs: bool = False,
           max_attr_chars: int = 50) -> str:
    """The Graphviz DOT source of the graph behind a tensor (or a list of tensors),
    as torchviz's ``make_dot`` draws it: one grey box per backward node, named as
    its ``grad_fn`` is (``MulBackward0``), leaves in blue under their name in
    ``params`` (``dict(model.named_parameters())``; any tensor can be named) with
    their shape, the outputs in green, tensors that ``retain_grad`` in darker green.
    ``show_saved`` adds what each node saved for backward (orange boxes),
    ``show_attrs`` the node's other saved values (numbers, options), each cut to
    ``max_attr_chars``. Ids go by order of discovery, so the text is stable.

    >>> import autodiff as ad
    >>> from autodiff.viz import to_dot
    >>> w = ad.ones(2, 3, requires_grad=True)
    >>> y = (w * 2).sum()
    >>> print(to_dot(y, params={"w": w}), end="")
    digraph {
      graph [size="12,12"]
      node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]
      n0 [label="()" fillcolor=darkolivegreen1]
      n1 [label="SumBackward0"]
      n1 -> n0
      n2 [label="MulBackward0"]
      n2 -> n1
      n3 [label="AccumulateGrad"]
      n3 -> n2
      n4 [label="w\\n(2, 3)" fillcolor=lightblue]
      n4 -> n3
    }
    """
    builder = _Builder(_names(params), show_saved, show_attrs, max_attr_chars)
    for tensor in _outputs(tensor_or_tensors):
        box = builder.tensor(tensor, OUTPUT_COLOR)
        node = tensor.grad_fn
        if node is not None:
            builder.edge(builder.node(node), box, once=True)
    builder.walk()
    builder.lines.append("}")
    return "\n".join(builder.lines) + "\n"

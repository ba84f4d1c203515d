"""Nested containers of tensors ("pytrees"): flatten them to a list of leaves and back.

Tuples, lists, dicts and namedtuples are containers, ``None`` is an empty one, and
anything else is a leaf, as in PyTorch's ``torch.utils._pytree``. The functional
transforms use this to accept and return structured inputs and outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["TreeSpec", "tree_flatten", "tree_map", "tree_unflatten"]


class TreeSpec:
    """The shape of a pytree without its leaves: ``kind`` is None for a leaf, else the
    container type; ``keys`` are a dict's keys; ``children`` the sub-specs."""

    __slots__ = ("kind", "keys", "children", "num_leaves")
    num_leaves: int

    def __init__(self, kind: type | None, keys: tuple[Any, ...] | None,
                 children: tuple[TreeSpec, ...]) -> None:
        self.kind = kind
        self.keys = keys
        self.children = children
        self.num_leaves = 1 if kind is None else sum(child.num_leaves for child in children)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeSpec) and self.kind is other.kind
                and self.keys == other.keys and self.children == other.children)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """``*`` for a leaf, then the containers as Python writes them: ``(*, [*, *])``."""
        if self.kind is None:
            return "*"
        if self.kind is type(None):
            return "None"
        inner = [repr(child) for child in self.children]
        if self.kind is dict:
            keys = self.keys or ()
            return "{" + ", ".join(f"{key!r}: {item}" for key, item in zip(
                keys, inner, strict=True)) + "}"
        if self.kind is list:
            return "[" + ", ".join(inner) + "]"
        if self.kind is tuple:
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        return f"{self.kind.__name__}(" + ", ".join(inner) + ")"


LEAF = TreeSpec(None, None, ())


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def tree_flatten(tree: Any) -> tuple[list[Any], TreeSpec]:
    """The leaves of ``tree`` in order, and its spec.

    >>> tree_flatten({"a": 1, "b": (2, [3])})
    ([1, 2, 3], {'a': *, 'b': (*, [*])})
    """
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list[Any]) -> TreeSpec:
    if tree is None:
        return TreeSpec(type(None), None, ())
    if isinstance(tree, dict):
        keys = tuple(tree)
        return TreeSpec(dict, keys, tuple(_flatten(tree[key], leaves) for key in keys))
    if isinstance(tree, (list, tuple)) and (type(tree) in (list, tuple) or _is_namedtuple(tree)):
        return TreeSpec(type(tree), None, tuple(_flatten(item, leaves) for item in tree))
    leaves.append(tree)
    return LEAF


def tree_unflatten(leaves: Any, spec: TreeSpec) -> Any:
    """Rebuild the tree ``spec`` describes from its leaves.

    >>> leaves, spec = tree_flatten((1, {"x": 2}))
    >>> tree_unflatten([10, 20], spec)
    (10, {'x': 20})
    """
    items = list(leaves)
    if len(items) != spec.num_leaves:
        raise ValueError(f"tree_unflatten: the spec {spec} has {spec.num_leaves} leaves, "
                         f"got {len(items)}")
    return _build(iter(items), spec)


def _build(leaves: Any, spec: TreeSpec) -> Any:
    kind = spec.kind
    if kind is None:
        return next(leaves)
    if kind is type(None):
        return None
    children = [_build(leaves, child) for child in spec.children]
    if kind is dict:
        return dict(zip(spec.keys or (), children, strict=True))
    if kind in (list, tuple):
        return kind(children)
    return kind(*children)  # a namedtuple


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """``tree`` with ``fn`` applied to every leaf.

    >>> tree_map(lambda v: v * 2, [1, (2, 3)])
    [2, (4, 6)]
    """
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)

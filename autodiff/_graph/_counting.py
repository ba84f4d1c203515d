"""Dependency counting: how many cotangents each node still awaits in a backward pass.

A plain pass counts down from each node's recorded uses as cotangents arrive, with no
walk of the graph beforehand: a node used once is ready when its one cotangent comes,
and only nodes used more often are entered in ``remaining``. A recorded count is never
too low (every edge counts itself when made) but is too high when a consumer is outside
this pass (a graph dropped or kept apart, a leaf reused): such a node waits until
nothing else is ready, and then the rest of the graph is counted exactly (``unstick``).
A pass with targets, or with a root that is another node's input, counts its graph
first, as PyTorch always does. Every cost here is linear in the graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Dependencies:
    """The cotangents each node of one pass still awaits. The backward loop counts
    down ``remaining`` itself, inline (a method call per edge cost a tiny op 2% of
    its backward): an edge whose recorded uses equal ``single`` is ready at once,
    any other counts down from ``remaining.get(edge, uses)``."""

    __slots__ = ("remaining", "single", "needed")

    def __init__(self, start: Sequence[Any], needed: set[Any] | None) -> None:
        #: with targets, the nodes on a path to one of them (None: every node)
        self.needed = needed
        exact = needed is not None or any(node._uses for node in start)
        self.remaining: dict[Any, int] = count_dependencies(
            start if needed is None else [node for node in start if node in needed],
            needed) if exact else {}
        #: the recorded uses that bypass ``remaining`` (0: none do, the counts are exact)
        self.single = 0 if exact else 1

    def ready_at_start(self, start: Sequence[Any]) -> list[Any]:
        """The roots that no other root reaches."""
        needed, remaining = self.needed, self.remaining
        return [node for node in dict.fromkeys(start) if not remaining.get(node)
                and (needed is None or node in needed)]

    def unstick(self) -> list[Any]:
        """The nodes to run next once none is ready: none when the pass is done, else
        those awaiting cotangents that will never come (a consumer outside the pass
        was counted). Every node yet to run is reachable from them, so counting the
        graph from them makes the counts exact for the rest of the pass."""
        if self.single == 0:
            return []
        self.single = 0
        waiting = [node for node, left in self.remaining.items() if left > 0]
        self.remaining = count_dependencies(waiting, self.needed)
        return [node for node in waiting if not self.remaining[node]]


def on_paths_to(start: Sequence[Any], targets: dict[Any, int]) -> set[Any]:
    """The nodes from which some target can be reached (targets included), found by a
    post-order walk without recursion."""
    needed: set[Any] = set()
    done: set[Any] = set()
    for root in start:
        if root in done:
            continue
        stack: list[tuple[Any, int]] = [(root, 0)]
        while stack:
            node, position = stack[-1]
            edges = node._edges  # a leaf's node has none
            while position < len(edges) and (edges[position] is None
                                             or edges[position] in done):
                position += 1
            if position < len(edges):
                stack[-1] = (node, position + 1)
                stack.append((edges[position], 0))
                continue
            stack.pop()
            done.add(node)
            if node in targets or any(edge in needed for edge in edges if edge is not None):
                needed.add(node)
    return needed


def count_dependencies(start: Sequence[Any], needed: set[Any] | None) -> dict[Any, int]:
    """How many consumers will send each node a cotangent: a node runs once all have.
    The nodes in ``start`` are counted too (0 when no other reaches them), so that one
    reached from another is walked once."""
    dependencies: dict[Any, int] = dict.fromkeys(start, 0)
    stack = list(dependencies)
    node = stack.pop() if stack else None
    while node is not None:  # the stack's top kept in ``node``, as in run_backward
        arity = node._arity
        edges = (node._edge0,) if arity == 1 else (node._edge0, node._edge1) if (
            arity == 2) else node._edges
        following = None
        for edge in edges:
            if edge is None or (needed is not None and edge not in needed):
                continue
            if edge in dependencies:
                dependencies[edge] += 1
            else:
                dependencies[edge] = 1
                if following is not None:
                    stack.append(following)
                following = edge
        node = following if following is not None else stack.pop() if stack else None
    return dependencies

"""The backward pass costs time linear in the size of the graph, however it is shaped.

Operations are counted, not timed: every line the engine executes (a loop's every
iteration included, since a jump back to a line is a new line event), so the counts
are the same on any machine and a quadratic cost shows as a doubled ratio.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import autodiff as ad

ENGINE = str(Path(ad.__file__).parent)


def _engine_lines(run: Callable[[], None]) -> int:
    """How many lines of autodiff's own code ``run`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(ENGINE) else None

    sys.settrace(global_)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def _backward_lines(build: Callable[[int], ad.Tensor], size: int) -> int:
    root = build(size)
    return _engine_lines(lambda: root.backward())


def _node_consumed(size: int) -> ad.Tensor:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0  # one node with ``size`` consumers
    total = y * 1.0
    for _ in range(size):
        total = total + y
    return ad.sum(total)


def _chain(size: int) -> ad.Tensor:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(size):
        y = y * 1.0
    return ad.sum(y)


def _sum_of_uses(size: int) -> ad.Tensor:
    """A leaf whose uses are summed one by one: each add is a node of its own."""
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    total = x * 1.0
    for _ in range(size):
        total = total + x
    return ad.sum(total)


def test_backward_is_linear_in_the_graph() -> None:
    """A leaf used 100,000 times, a node with 100,000 consumers and a 100,000-deep
    chain cost 100 times what a graph of 1,000 costs, not 10,000 times."""
    for build in (_sum_of_uses, _node_consumed, _chain):
        small = _backward_lines(build, 1_000)
        large = _backward_lines(build, 100_000)
        assert large <= 100 * 1.05 * small, (build.__name__, small, large)

"""Views: tensors that share their base's memory, and so its version and its history.

PyTorch's rules, which this module keeps:

* a view (``x[0:2]``, ``x.T``, ``x.reshape(...)`` where no copy is needed, ``unbind``,
  ``squeeze`` …) and a ``detach()`` alias share their base's version counter: a write
  through any of them invalidates what a node saved of any other;
* an in-place write through a differentiable view rewrites its base's history (the base
  becomes ``put(old base, new view values)``, PyTorch's CopySlices), and every live view of
  that base is then re-derived from the new history, so each sees the write;
* a write through a view of a leaf that requires grad raises (under grad mode).

A view records the ops that made it from its base as ``Step``s (the op with its
parameters, and the function that puts new values of the view back into its parent),
so its history can be replayed. The root tensor (the one that owns the memory) keeps
weak references to its live aliases.
Only view ops and ``detach()`` pay for this; ordinary ops set one slot to ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast
from weakref import ref

if TYPE_CHECKING:
    from ._tensor import Tensor

__all__ = ["Aliases", "Step", "ViewOf", "aliases", "detached", "put_back", "rebuild",
           "register_view"]


#: a view op that put back values into its parent: ``put(parent, values, **params)``
Put = Callable[..., "Tensor"]
#: one view op, as ``(op, params, put)``: ``op(parent, **params)`` gives the view
#: (recorded), ``put(parent, values, **params)`` the parent with ``values`` written where
#: the view sits (recorded, out of place; None where a write is refused: an expanded
#: view). A plain tuple: making a view is a hot path too.
Step = tuple[Callable[..., "Tensor"], dict[str, Any], Put | None]


class ViewOf:
    """What a view or a ``detach()`` alias knows of where its memory comes from.

    ``root`` owns the memory (and the list of aliases); ``base`` is where ``steps``
    start: the root, or a detached alias of it. A detached alias has no steps and is not
    ``differentiable``: writes through it change values but no history.
    """

    __slots__ = ("base", "differentiable", "root", "steps")

    def __init__(self, root: Tensor, base: Tensor, steps: tuple[Step, ...],
                 differentiable: bool) -> None:
        self.root, self.base, self.steps = root, base, steps
        self.differentiable = differentiable


class Aliases:
    """The live views and detached aliases of one root tensor, by weak reference, in the
    order they were made (a parent before its views). Dead references are dropped when
    the list has doubled since the last sweep, so making views costs amortised O(1)."""

    __slots__ = ("limit", "members")

    def __init__(self) -> None:
        self.members: list[ref[Tensor]] = []
        self.limit = 8

    def add(self, tensor: Tensor) -> None:
        self.members.append(ref(tensor))
        if len(self.members) > self.limit:
            self.sweep()

    def sweep(self) -> None:
        members = self.members
        members[:] = [member for member in members if member() is not None]
        self.limit = max(8, 2 * len(members))

    def live(self) -> Iterator[Tensor]:
        for member in list(self.members):
            tensor = member()
            if tensor is not None:
                yield tensor


def _family(parent: Tensor) -> tuple[Tensor, Tensor, tuple[Step, ...]]:
    """The root, the base and the steps so far of a new view or alias of ``parent``."""
    info = parent._view
    if info.__class__ is ViewOf:
        if info.differentiable:
            return info.root, info.base, info.steps
        return info.root, parent, ()
    return parent, parent, ()


def _join(root: Tensor, tensor: Tensor, info: ViewOf) -> None:
    family = root._view
    if not isinstance(family, Aliases):  # a root is never a ViewOf: None until its first alias
        family = root._view = Aliases()
    family.add(tensor)
    tensor._view = info


def register_view(result: Tensor, parent: Tensor, op: Callable[..., Tensor],
                  params: dict[str, Any], put: Put | None) -> Tensor:
    """Mark ``result`` (``op(parent, **params)``, sharing its memory) as a view."""
    # _family and _join, inline: every slice, transpose and reshape comes here
    info = parent._view
    step = (op, params, put)
    if info.__class__ is ViewOf:
        root = info.root
        result._view = (ViewOf(root, info.base, (*info.steps, step), True)
                        if info.differentiable else ViewOf(root, parent, (step,), True))
        family = cast("Aliases", root._view)
    else:
        root = parent
        result._view = ViewOf(root, root, (step,), True)
        if info is None:
            family = root._view = Aliases()
        else:
            family = cast("Aliases", info)
    members = family.members
    members.append(ref(result))
    if len(members) > family.limit:
        family.sweep()
    return result


def detached(result: Tensor, parent: Tensor) -> Tensor:
    """Mark ``result`` as ``parent.detach()``: same memory and version, no history."""
    root, _, _ = _family(parent)
    _join(root, result, ViewOf(root, parent, (), False))
    return result


def aliases(tensor: Tensor) -> Iterator[Tensor]:
    """Every live tensor sharing ``tensor``'s memory (its root first), itself included."""
    info = tensor._view
    if info is None:
        yield tensor
        return
    root = info.root if info.__class__ is ViewOf else tensor
    yield root
    family = cast("Aliases | None", root._view)
    if family is not None:
        yield from family.live()


def rebuild(info: ViewOf) -> Tensor:
    """The view re-derived from its base's current history (recorded ops)."""
    value = info.base
    for op, params, _ in info.steps:
        value = op(value, **params)
    return value


def put_back(info: ViewOf, values: Any) -> Tensor:
    """The base with ``values`` written where the view sits, out of place and recorded:
    the base's new history after a write through the view."""
    parents = [info.base]
    for op, params, _ in info.steps[:-1]:
        parents.append(op(parents[-1], **params))
    for (_, params, put), parent in zip(reversed(info.steps), reversed(parents), strict=True):
        if put is None:
            raise RuntimeError(UNSUPPORTED_WRITE)
        values = put(parent, values, **params)
    return values


UNSUPPORTED_WRITE = (
    "unsupported operation: more than one element of the written-to tensor refers to a "
    "single memory location. Please clone() the tensor before performing the operation.")

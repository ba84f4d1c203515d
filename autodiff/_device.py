"""Device names: ``"cpu"``, ``"cuda"``, ``"cuda:1"``."""

from __future__ import annotations

from typing import Any

__all__ = ["Device", "device", "device_of"]


class Device:
    """A device type and optional index, printed as PyTorch prints them.

    >>> import autodiff as ad
    >>> ad.device("cuda:1"), str(ad.device("cpu"))
    (device(type='cuda', index=1), 'cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str, index: int | None = None) -> None:
        self.type = type
        self.index = index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type={self.type!r})"
        return f"device(type={self.type!r}, index={self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except ValueError:
                return False
        if not isinstance(other, Device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def device(spec: Any, index: int | None = None) -> Device:
    """Parse ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or a type and an index, as
    ``torch.device`` does (a Device passes through).

    >>> import autodiff as ad
    >>> ad.device("cuda", 0) == ad.device("cuda:0")
    True
    """
    if isinstance(spec, Device) and index is None:
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"device: expected a string such as 'cpu' or 'cuda:0', got {spec!r}")
    kind, _, written = spec.partition(":")
    if kind not in ("cpu", "cuda") or (written and not written.isdigit()):
        raise ValueError(
            f"device: expected 'cpu', 'cuda' or 'cuda:N', got {spec!r}"
        )
    if index is None:
        return Device(kind, int(written) if written else None)
    if written:
        raise ValueError(f"device: type (string) must not include an index because index "
                         f"was passed explicitly: {spec}")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"device: expected a non-negative integer index, got {index!r}")
    return Device(kind, index)


def device_of(array: Any) -> Any:
    """The device an array reports, or ``None`` where its library gives arrays no
    ``.device`` (dask): what a rule passes on as ``device=`` to its namespace's
    creation functions, which read ``None`` as "the default device". A Tensor gives
    its :class:`Device`.

    >>> import numpy as np
    >>> device_of(np.zeros(2)), device_of(3.0)
    ('cpu', None)
    """
    # a rule runs on raw arrays of any library: dask arrays have no ``.device``
    return getattr(array, "device", None)

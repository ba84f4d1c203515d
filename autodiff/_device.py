"""Device names: ``"cpu"``, ``"cuda"``, ``"cuda:1"``."""

from __future__ import annotations

from typing import Any

__all__ = ["Device", "device"]


class Device:
    """A device type and optional index, printed as PyTorch prints them.

    >>> import autodiff as ad
    >>> ad.device("cuda:1"), str(ad.device("cpu"))
    (device(type='cuda', index=1), 'cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str, index: int | None = None) -> None:  # noqa: A002
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


def device(spec: Any) -> Device:
    """Parse ``"cpu"``, ``"cuda"``, ``"cuda:N"`` (or pass a Device through)."""
    if isinstance(spec, Device):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"device: expected a string such as 'cpu' or 'cuda:0', got {spec!r}")
    kind, _, index = spec.partition(":")
    if kind not in ("cpu", "cuda") or (index and not index.isdigit()):
        raise ValueError(
            f"device: expected 'cpu', 'cuda' or 'cuda:N', got {spec!r}"
        )
    return Device(kind, int(index) if index else None)

"""PyTorch-identical text for tensors: ``repr(tensor)`` and ``str(tensor)``.

This reproduces ``torch/_tensor_str.py`` (PyTorch 2.x) for dense tensors under
the default print options, working on a numpy copy of the data so that it does
not depend on the array library a tensor lives in. It deliberately imports
nothing else from autodiff: callers render their own suffixes (dtype, device,
grad_fn, ...) and hand them in as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

__all__ = ["format_tensor", "set_printoptions"]

# torch's default print options (torch.set_printoptions(profile="default")).
_PRECISION = 4
_THRESHOLD: float = 1000
_EDGEITEMS = 3
_LINEWIDTH = 80
_SCI_MODE: bool | None = None  # None: chosen per tensor
_PREFIX = "tensor("

_Scalar: TypeAlias = "bool | int | float"


@dataclass(frozen=True)
class _Formatter:
    """How every element of one real-valued array is written, chosen once for the whole array.

    All elements share one mode and are right-aligned to one width so columns line up.
    """

    floating: bool
    int_mode: bool = True  # every finite value is whole: print "3." rather than "3.0000"
    sci_mode: bool = False  # values span too many magnitudes for fixed point
    width: int = 1

    def format(self, value: _Scalar) -> str:
        if not self.floating:
            text = str(value)  # ints and bools print as Python does
        elif self.sci_mode:
            text = f"{value:{self.width}.{_PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            # the trailing dot marks the tensor as floating; nan/inf need no marker
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{_PRECISION}f}"
        return text.rjust(self.width)


def _make_formatter(values: np.ndarray) -> _Formatter:
    """Choose the formatter torch would choose for a real (non-complex) array."""
    flat = values.reshape(-1)
    if flat.dtype.kind in "biu":
        return _Formatter(floating=False, width=max([1, *(len(str(v)) for v in flat.tolist())]))

    # Zeros, nan and inf say nothing about scale, so only the other values decide the mode.
    informative = flat[np.isfinite(flat) & (flat != 0)]
    if informative.size == 0:
        return _Formatter(floating=True)
    numbers: list[float] = informative.tolist()

    # torch measures magnitudes in double precision (half would overflow at 1e8).
    magnitudes = np.abs(informative).astype(np.float64)
    smallest, largest = float(magnitudes.min()), float(magnitudes.max())
    int_mode = bool(np.all(informative == np.ceil(informative)))
    sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
    if _SCI_MODE is not None:  # set_printoptions(sci_mode=...) decides, widths follow
        sci_mode = _SCI_MODE

    if sci_mode:
        width = max(len(f"{v:.{_PRECISION}e}") for v in numbers)
    elif int_mode:
        width = max(len(f"{v:.0f}") + 1 for v in numbers)  # + 1 for the trailing "."
    else:
        width = max(len(f"{v:.{_PRECISION}f}") for v in numbers)
    return _Formatter(True, int_mode, sci_mode, max(1, width))


@dataclass(frozen=True)
class _Cells:
    """Writes one element; complex tensors get independent formatters for real and imaginary
    parts, as torch does."""

    real: _Formatter
    imag: _Formatter | None = None

    @property
    def length(self) -> int:
        """Room one element takes on a line, including the ", " that follows it."""
        length = self.real.width + 2
        if self.imag is not None:
            length += self.imag.width + 1  # + 1 for the "j"
        return length

    def format(self, value: _Scalar | complex) -> str:
        if not isinstance(value, complex):
            return self.real.format(value)
        assert self.imag is not None, "complex values need an imaginary formatter"
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        # a negative (or "-0.") imaginary part already carries its sign
        return real + ("" if imag[0] in "+-" else "+") + imag


def _summarized(values: np.ndarray) -> np.ndarray:
    """The elements that a summarized print actually shows (edge items of every long axis).

    torch picks its formatter from these only, so hidden values cannot widen the columns."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * _EDGEITEMS:
        values = np.concatenate((values[:_EDGEITEMS], values[-_EDGEITEMS:]))
    if values.ndim == 1:
        return values
    return np.stack([_summarized(sub) for sub in values])


def _shown_indices(length: int, summarize: bool) -> list[int | None]:
    """Indices printed along one axis; None stands for the elided middle."""
    if summarize and length > 2 * _EDGEITEMS:
        return [*range(_EDGEITEMS), None, *range(length - _EDGEITEMS, length)]
    return list(range(length))


def _vector_text(values: np.ndarray, indent: int, summarize: bool, cells: _Cells) -> str:
    """A 1-d array, wrapped so that lines fit the linewidth after `indent` columns."""
    items = values.tolist()
    data = [
        " ..." if i is None else cells.format(items[i])
        for i in _shown_indices(len(items), summarize)
    ]
    per_line = max(1, (_LINEWIDTH - indent) // cells.length)
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body_text(values: np.ndarray, indent: int, summarize: bool, cells: _Cells) -> str:
    """The nested-bracket text of the data; `indent` is the column of the opening bracket."""
    if values.ndim == 0:
        return cells.format(values.item())
    if values.ndim == 1:
        return _vector_text(values, indent, summarize, cells)
    blocks = [
        "..." if i is None else _body_text(values[i], indent + 1, summarize, cells)
        for i in _shown_indices(values.shape[0], summarize)
    ]
    # sub-blocks of a d-dim array are separated by d - 1 newlines (blank lines between matrices)
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _data_text(values: np.ndarray) -> str:
    if values.size == 0:
        return "[]"
    summarize = values.size > _THRESHOLD
    shown = _summarized(values) if summarize else values
    if values.dtype.kind == "c":
        cells = _Cells(_make_formatter(shown.real), _make_formatter(shown.imag))
    elif values.dtype.kind in "biuf":
        cells = _Cells(_make_formatter(shown))
    else:
        raise TypeError(f"cannot format arrays of dtype {values.dtype}")
    return _body_text(values, len(_PREFIX), summarize, cells)


def _with_size(shape: tuple[int, ...], suffixes: Sequence[str]) -> list[str]:
    """Add torch's ``size=`` suffix for empty arrays whose shape "[]" does not tell.

    torch appends it right after the device suffix and before the dtype one."""
    if len(shape) == 1:
        return list(suffixes)
    at = 0
    while at < len(suffixes) and suffixes[at].startswith("device="):
        at += 1
    size = "size=" + str(tuple(int(n) for n in shape))
    return [*suffixes[:at], size, *suffixes[at:]]


def _append_suffixes(text: str, suffixes: Sequence[str]) -> str:
    """Join the suffixes after the data, starting a new line when one would overflow."""
    parts = [text]
    # torch counts the last line as two characters longer than it is; kept for identical wrapping
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > _LINEWIDTH:
            parts.append(",\n" + " " * len(_PREFIX) + suffix)
            line_length = len(_PREFIX) + len(suffix)
        else:
            parts.append(", " + suffix)
            line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(values: np.ndarray, suffixes: Sequence[str] = ()) -> str:
    """Return PyTorch's repr text for a tensor holding `values`.

    `suffixes` are the already-rendered trailing items, e.g. ``"dtype=autodiff.float64"``,
    ``"device='cuda:0'"``, ``"grad_fn=<MulBackward0>"``, ``"requires_grad=True"``, in
    torch's order (device, dtype, then grad_fn or requires_grad). They are joined after
    the data as torch joins them: ", " separated, or on a new line indented by
    ``len("tensor(")`` when the line would grow past 80 columns. For an empty array that
    is not 1-d, the ``size=(...)`` suffix torch shows is added here, after any device
    suffix. Which dtype suffix to pass is the caller's choice; note that torch names the
    dtype of an empty tensor whenever it is not the default float dtype, int64 included.

    >>> import numpy as np
    >>> print(format_tensor(np.array([[1.0, -2.5], [3.0, 4.0]]), ["requires_grad=True"]))
    tensor([[ 1.0000, -2.5000],
            [ 3.0000,  4.0000]], requires_grad=True)
    >>> format_tensor(np.zeros((0, 3), np.int64), ["dtype=autodiff.int64"])
    'tensor([], size=(0, 3), dtype=autodiff.int64)'
    """
    array = np.asarray(values)
    if array.size == 0:
        suffixes = _with_size(array.shape, suffixes)
    return _append_suffixes(_PREFIX + _data_text(array), suffixes)


_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """PyTorch's print options: digits after the point, the element count above which a
    tensor prints summarized, the items kept at each edge then, the line width, a
    ``profile`` ("default", "short", "full") and ``sci_mode`` (True, False, or None to
    choose per tensor).

    >>> import autodiff as ad
    >>> ad.set_printoptions(precision=2); ad.tensor([1.2345])
    tensor([1.23])
    >>> ad.set_printoptions(profile="default"); ad.tensor([1.2345])
    tensor([1.2345])
    """
    global _PRECISION, _THRESHOLD, _EDGEITEMS, _LINEWIDTH, _SCI_MODE
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}, expected one of "
                             f"{sorted(_PROFILES)}")
        _PRECISION, _THRESHOLD, _EDGEITEMS, _LINEWIDTH = _PROFILES[profile]
    if precision is not None:
        _PRECISION = int(precision)
    if threshold is not None:
        _THRESHOLD = threshold
    if edgeitems is not None:
        _EDGEITEMS = int(edgeitems)
    if linewidth is not None:
        _LINEWIDTH = int(linewidth)
    _SCI_MODE = sci_mode

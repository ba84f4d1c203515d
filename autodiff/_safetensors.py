"""The safetensors file format, read and written with the standard library and numpy:
an 8-byte little-endian header length, a JSON header (``dtype``, ``shape`` and
``data_offsets`` of each tensor, and an optional ``__metadata__`` string-to-string map),
then the tensors' raw little-endian bytes, back to back.

Only host (numpy) arrays pass through here; ``autodiff._serialization`` moves them
to and from tensors. Files written here read with the ``safetensors`` package, and
files it writes read here.
"""

from __future__ import annotations

import json
from typing import IO, Any

import numpy as np

__all__ = ["FormatError", "read", "write"]

#: safetensors' dtype names, and the numpy dtype each stands for
DTYPES: dict[str, str] = {
    "BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16",
    "U32": "uint32", "I32": "int32", "U64": "uint64", "I64": "int64", "F16": "float16",
    "F32": "float32", "F64": "float64", "C64": "complex64",
}
CODES = {name: code for code, name in DTYPES.items()}
#: dtypes safetensors has and numpy (hence every autodiff backend) has not
UNSUPPORTED = {"BF16": "bfloat16", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
               "F8_E8M0": "float8_e8m0fnu", "F6_E2M3": "float6_e2m3fn",
               "F6_E3M2": "float6_e3m2fn", "F4": "float4_e2m1fn_x2"}
#: safetensors' own reader refuses headers longer than this
MAX_HEADER = 100_000_000


class FormatError(ValueError):
    """The bytes are not a safetensors file (or not a well-formed one)."""


def write(handle: IO[bytes], arrays: dict[str, np.ndarray],
          metadata: dict[str, str] | None = None) -> None:
    """Write ``arrays`` (name -> C-contiguous-able numpy array) and ``metadata`` to the
    binary file ``handle``. Wider dtypes go first, so every array starts aligned to its
    item size, as the reference writer arranges."""
    order = sorted(arrays, key=lambda name: -arrays[name].dtype.itemsize)
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name in order:
        array = arrays[name]
        code = CODES.get(array.dtype.name)
        if code is None:
            raise TypeError(f"safetensors has no dtype for {array.dtype.name} (tensor "
                            f"{name!r})")
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned
    handle.write(len(text).to_bytes(8, "little"))
    handle.write(text)
    for name in order:
        handle.write(_little_endian_bytes(arrays[name]))


def _little_endian_bytes(array: np.ndarray) -> memoryview:
    flat = np.ascontiguousarray(array).reshape(-1)
    flat = flat.astype(flat.dtype.newbyteorder("<"), copy=False)  # a no-op on most hosts
    return flat.view(np.uint8).data


def read(handle: IO[bytes]) -> tuple[dict[str, np.ndarray], dict[str, str] | None]:
    """The arrays (name -> numpy array, each in memory of its own) and the metadata of
    the safetensors file ``handle``."""
    prefix = handle.read(8)
    if len(prefix) < 8:
        raise FormatError("the file is shorter than a safetensors header")
    size = int.from_bytes(prefix, "little")
    if size > MAX_HEADER:
        raise FormatError(f"the header would be {size} bytes long")
    text = handle.read(size)
    if len(text) < size or not text.lstrip().startswith(b"{"):
        raise FormatError("the header is not a JSON object")
    try:
        header = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"the header is not valid JSON ({error})") from None
    if not isinstance(header, dict):
        raise FormatError("the header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict) and all(
            isinstance(value, str) for value in metadata.values())):
        raise FormatError("__metadata__ must map strings to strings")
    entries = sorted(((name, _entry(name, spec)) for name, spec in header.items()),
                     key=lambda item: item[1][2][0])
    arrays = {}
    position = 0
    for name, (dtype, shape, (begin, end)) in entries:
        array = np.empty(shape, dtype=np.dtype(dtype).newbyteorder("<"))
        if array.nbytes != end - begin:
            raise FormatError(f"tensor {name!r}: data_offsets {[begin, end]} hold "
                              f"{end - begin} bytes, its dtype and shape {end - begin} "
                              f"need {array.nbytes}")
        if begin != position:
            handle.seek(8 + size + begin)
        _read_into(handle, array, name)
        position = end
        arrays[name] = array.astype(dtype, copy=False)  # native byte order
    return {name: arrays[name] for name in sorted(arrays)}, metadata


def _entry(name: str, spec: Any) -> tuple[str, tuple[int, ...], tuple[int, int]]:
    """One header entry as (numpy dtype name, shape, data offsets), checked."""
    if not isinstance(spec, dict) or not {"dtype", "shape", "data_offsets"} <= set(spec):
        raise FormatError(f"tensor {name!r}: expected dtype, shape and data_offsets, got "
                          f"{spec!r}")
    code = spec["dtype"]
    if code in UNSUPPORTED:
        raise TypeError(f"tensor {name!r} is stored as {code} ({UNSUPPORTED[code]}), which "
                        f"autodiff has no dtype for; convert it before saving, e.g. "
                        f"tensor.float() in PyTorch")
    if code not in DTYPES:
        raise FormatError(f"tensor {name!r}: unknown dtype {code!r}")
    shape, offsets = spec["shape"], spec["data_offsets"]
    if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
        raise FormatError(f"tensor {name!r}: bad shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(isinstance(n, int) for n in offsets) and 0 <= offsets[0] <= offsets[1]):
        raise FormatError(f"tensor {name!r}: bad data_offsets {offsets!r}")
    return DTYPES[code], tuple(shape), (offsets[0], offsets[1])


def _read_into(handle: IO[bytes], array: np.ndarray, name: str) -> None:
    """Fill ``array`` from ``handle``, straight into its memory where the file can."""
    view = array.reshape(-1).view(np.uint8).data
    readinto = getattr(handle, "readinto", None)
    filled = 0
    while filled < len(view):
        if readinto is not None:
            count = readinto(view[filled:])
        else:
            chunk = handle.read(len(view) - filled)
            count = len(chunk)
            view[filled:filled + count] = chunk
        if not count:
            raise FormatError(f"the file ends inside tensor {name!r}")
        filled += count

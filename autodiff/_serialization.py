"""``save`` and ``load``: tensors and nested containers of them (a model's or an
optimizer's ``state_dict``) in a safetensors file, with no pickle anywhere.

The tensors are stored under names made of their path in the object (``fc.weight``,
``state.0.exp_avg``), so a ``state_dict`` file holds the names PyTorch gives. What is
not a tensor, and the shape of the containers (dicts with any keys, lists, tuples,
numbers, strings, None), is stored as JSON in the header's ``__metadata__``, which
``load`` rebuilds exactly. A safetensors file written by anything else loads as a
dict of tensors.
"""

from __future__ import annotations

import collections
import io
import json
import os
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any, cast

import numpy as np

from . import _safetensors
from ._device import Device
from ._tensor import Tensor
from .ops.creation import asarray

__all__ = ["load", "save"]

#: ``__metadata__["format"]`` of files whose structure ``load`` rebuilds
FORMAT = "autodiff"
STORABLE = ("tensors, numpy arrays, numbers, strings, None, bools, and dicts, lists and "
            "tuples of them")


def _open(f: Any, mode: str, caller: str) -> AbstractContextManager[IO[bytes]]:
    if isinstance(f, str | os.PathLike):
        return cast("AbstractContextManager[IO[bytes]]", open(f, mode))
    wanted = "write" if "w" in mode else "read"
    if isinstance(f, io.TextIOBase) or not callable(getattr(f, wanted, None)):
        raise TypeError(f"{caller}: expected a path (str or os.PathLike) or a binary file "
                        f"object (opened with {mode!r}), got {type(f).__name__}")
    return nullcontext(f)


class _Packer:
    """Walks the object: tensors go to ``arrays`` under their path's name, the rest
    becomes JSON (tagged objects for what JSON lacks: dicts with any keys, tuples,
    complex numbers, tensors)."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._names: dict[int, tuple[Any, str]] = {}  # id -> (object kept alive, name)

    def pack(self, obj: Any, path: tuple[str, ...]) -> Any:
        if obj is None or isinstance(obj, bool | int | str | float):
            return obj
        if isinstance(obj, Tensor):
            return self._array("tensor", obj, obj.detach().numpy(), path,
                               requires_grad=obj.requires_grad)
        if isinstance(obj, np.ndarray):
            return self._array("ndarray", obj, obj, path)
        if isinstance(obj, np.bool_ | np.number):
            return self.pack(obj.item(), path)
        if isinstance(obj, complex):
            return {"complex": [obj.real, obj.imag]}
        if isinstance(obj, dict):
            tag = "odict" if isinstance(obj, collections.OrderedDict) else "dict"
            return {tag: [[self._key(key), self.pack(value, (*path, str(key)))]
                          for key, value in obj.items()]}
        if isinstance(obj, list):
            return [self.pack(value, (*path, str(i))) for i, value in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"tuple": [self.pack(value, (*path, str(i))) for i, value in enumerate(obj)]}
        raise TypeError(f"ad.save: cannot store an object of type {type(obj).__name__} (at "
                        f"{'.'.join(path) or 'the top level'}); it stores {STORABLE}")

    def _key(self, key: Any) -> Any:
        if key is None or isinstance(key, bool | int | str | float):
            return key
        if isinstance(key, tuple):
            return {"tuple": [self._key(part) for part in key]}
        raise TypeError(f"ad.save: a dict key must be a string, number, bool, None or a "
                        f"tuple of them, got {type(key).__name__}")

    def _array(self, tag: str, owner: Any, array: np.ndarray, path: tuple[str, ...],
               requires_grad: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {}
        if array.dtype == np.complex128:  # safetensors has no C128: its (re, im) pairs
            array = np.ascontiguousarray(array).view(np.float64).reshape(*array.shape, 2)
            record["complex128"] = True
        elif array.dtype.name not in _safetensors.CODES:
            raise TypeError(f"ad.save: cannot store an array of dtype {array.dtype} (at "
                            f"{'.'.join(path) or 'the top level'})")
        if requires_grad:
            record["requires_grad"] = True
        seen = self._names.get(id(owner))
        if seen is None:  # the same tensor twice (tied weights) is stored once
            name = base = ".".join(path) or tag
            count = 0
            while name in self.arrays or name == "__metadata__":  # the header's own key
                count += 1
                name = f"{base}#{count}"
            self.arrays[name] = array
            seen = self._names[id(owner)] = (owner, name)
        return {tag: seen[1], **record}


def save(obj: Any, f: Any) -> None:
    """Save ``obj`` (a tensor, or dicts, lists and tuples of tensors, numbers, strings,
    None and bools, such as a ``state_dict``) to ``f``, a path or a binary file object,
    as a safetensors file; no pickle.

    >>> import os, tempfile, autodiff as ad
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "checkpoint.safetensors")
    ...     ad.save({"weight": ad.ones(2, 2), "epoch": 3, "betas": (0.9, 0.999)}, path)
    ...     ad.load(path)
    {'weight': tensor([[1., 1.],
            [1., 1.]]), 'epoch': 3, 'betas': (0.9, 0.999)}
    """
    packer = _Packer()
    structure = packer.pack(obj, ())
    metadata = {"format": FORMAT, "structure": json.dumps(structure, separators=(",", ":"))}
    with _open(f, "wb", "ad.save") as handle:
        _safetensors.write(handle, packer.arrays, metadata)


class _Unpacker:
    """Rebuilds the saved object, turning each stored array into a tensor once."""

    def __init__(self, arrays: dict[str, np.ndarray], backend: Any, device: Any) -> None:
        self.arrays, self.backend, self.device = arrays, backend, device
        self._made: dict[str, Any] = {}
        self._complex: set[str] = set()  # names whose (re, im) pairs are complex again

    def tensor(self, name: str, requires_grad: bool = False) -> Tensor:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = asarray(self.arrays[name], device=self.device,
                                              backend=self.backend,
                                              requires_grad=requires_grad)
        return cast(Tensor, made)

    def unpack(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.unpack(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "tensor" in value or "ndarray" in value:
            return self._array(value)
        if "dict" in value or "odict" in value:
            tag = "odict" if "odict" in value else "dict"
            kind = collections.OrderedDict if tag == "odict" else dict
            return kind((self.unpack(key), self.unpack(item)) for key, item in value[tag])
        if "tuple" in value:
            return tuple(self.unpack(item) for item in value["tuple"])
        if "complex" in value:
            return complex(*value["complex"])
        raise ValueError(f"ad.load: the file's structure has an entry it does not know: "
                         f"{value!r}")

    def _array(self, record: dict[str, Any]) -> Any:
        name = record.get("tensor", record.get("ndarray"))
        if name not in self.arrays:
            raise ValueError(f"ad.load: the file's structure names a tensor {name!r} that "
                             f"the file does not hold")
        if record.get("complex128") and name not in self._complex:
            self._complex.add(name)
            stored = self.arrays[name]
            self.arrays[name] = stored.view(np.complex128).reshape(stored.shape[:-1])
        if "ndarray" in record:
            return self.arrays[name]
        return self.tensor(name, bool(record.get("requires_grad")))


def load(f: Any, map_location: Any = None, *, backend: Any = None,
         weights_only: bool = True) -> Any:
    """Load what ``save`` wrote to ``f`` (a path or a binary file object), with its
    tensors on ``backend`` (a name such as ``"array_api_strict"``) and ``map_location``
    (a device such as ``"cpu"``); by default on the current backend. A safetensors
    file written by anything else (``safetensors.torch.save_file``, say) loads as a
    dict of tensors. Nothing is unpickled, so ``weights_only`` (PyTorch's safeguard
    against pickled code) holds whatever its value.

    >>> import io, autodiff as ad
    >>> buffer = io.BytesIO()
    >>> ad.save([ad.arange(3), None, "note"], buffer)
    >>> _ = buffer.seek(0)
    >>> loaded = ad.load(buffer, backend="numpy")
    >>> loaded[0].tolist(), loaded[0].backend, loaded[1:]
    ([0, 1, 2], 'numpy', [None, 'note'])
    """
    if map_location is not None and not isinstance(map_location, str | Device):
        raise TypeError(f"ad.load: map_location must be a device such as 'cpu' or "
                        f"'cuda:0', got {type(map_location).__name__}")
    with _open(f, "rb", "ad.load") as handle:
        try:
            arrays, metadata = _safetensors.read(handle)
        except _safetensors.FormatError as error:
            where = repr(os.fspath(f)) if isinstance(f, str | os.PathLike) else "the file"
            raise ValueError(
                f"ad.load: {where} is not a safetensors file ({error}). ad.load reads files "
                f"written by ad.save or by safetensors' save_file; a torch.save checkpoint "
                f"is a pickle, which it does not read (write one in PyTorch with "
                f"safetensors.torch.save_file(model.state_dict(), path))") from None
    unpacker = _Unpacker(arrays, backend, map_location)
    if metadata is not None and metadata.get("format") == FORMAT and "structure" in metadata:
        return unpacker.unpack(json.loads(metadata["structure"]))
    return {name: unpacker.tensor(name) for name in arrays}

"""ad.save / ad.load: safetensors files (checked byte by byte here, and against the
safetensors package and PyTorch where installed), nested structures restored exactly,
onto the backend asked for."""

from __future__ import annotations

import collections
import io
import json
import math
import pathlib

import numpy as np
import pytest

import autodiff as ad

DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128")


def _roundtrip(obj, **load_args):
    buffer = io.BytesIO()
    ad.save(obj, buffer)
    buffer.seek(0)
    return ad.load(buffer, **load_args)


def _header(data: bytes) -> tuple[dict, bytes]:
    size = int.from_bytes(data[:8], "little")
    return json.loads(data[8:8 + size]), data[8 + size:]


def _same(a, b) -> None:
    """Equal structure, types and values; tensors by dtype, shape and values."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, ad.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.backend == b.backend
        assert a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_round_trips(dtype: str, backend: str) -> None:
    values = np.arange(-3, 3).reshape(2, 3) * (1 + 1j if "complex" in dtype else 1)
    if dtype.startswith("uint") or dtype == "bool":
        values = np.abs(values)
    x = ad.asarray(values.astype(dtype))
    loaded = _roundtrip(x)
    _same(loaded, x)


def test_shapes_and_grad_flags(backend: str) -> None:
    obj = [ad.tensor(2.5, dtype=ad.float64), ad.zeros(0, 3), ad.ones(2, requires_grad=True)]
    loaded = _roundtrip(obj)
    _same(loaded, obj)
    assert loaded[2].is_leaf and loaded[2].requires_grad


def test_the_file_is_safetensors(backend: str) -> None:
    buffer = io.BytesIO()
    ad.save({"fc.weight": ad.tensor([[1.0, 2.0]], dtype=ad.float64),
             "fc.bias": ad.tensor([3], dtype=ad.int8)}, buffer)
    data = buffer.getvalue()
    header, body = _header(data)
    assert (8 + int.from_bytes(data[:8], "little")) % 8 == 0  # the data starts aligned
    assert header["fc.weight"] == {"dtype": "F64", "shape": [1, 2], "data_offsets": [0, 16]}
    assert header["fc.bias"] == {"dtype": "I8", "shape": [1], "data_offsets": [16, 17]}
    assert np.frombuffer(body[:16], "<f8").tolist() == [1.0, 2.0] and body[16:] == b"\x03"
    metadata = header["__metadata__"]
    assert metadata["format"] == "autodiff"
    assert all(isinstance(value, str) for value in metadata.values())


def test_a_state_dict_round_trips(backend: str) -> None:
    state = collections.OrderedDict(
        [("0.weight", ad.randn(4, 3, dtype=ad.float64)), ("0.bias", ad.zeros(4)),
         ("bn.num_batches_tracked", ad.tensor(7)), ("bn.running_mean", ad.ones(4))])
    loaded = _roundtrip(state)
    _same(loaded, state)
    assert isinstance(loaded, collections.OrderedDict)


def test_an_optimizer_state_round_trips_exactly(backend: str) -> None:
    state = {
        "state": {0: {"step": ad.tensor(3.0), "exp_avg": ad.randn(3, dtype=ad.float64),
                      "exp_avg_sq": ad.rand(3, dtype=ad.float64)},
                  1: {"step": 3, "momentum_buffer": None}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-08,
                          "weight_decay": 0, "amsgrad": False, "maximize": False,
                          "foreach": None, "params": [0, 1], "name": "body",
                          "limits": (-math.inf, math.inf, math.nan), "scale": 1 + 2j,
                          "big": 2**70, (1, "a"): "tuple key", 2.5: "float key",
                          None: "none key", True: "bool key"}],
    }
    _same(_roundtrip(state), state)


def test_shared_tensors_stay_shared_and_names_never_clash(backend: str) -> None:
    w = ad.ones(2)
    obj = {"encoder": w, "decoder": w, "a.b": ad.zeros(1), "a": {"b": ad.full((1,), 2.0)}}
    data = io.BytesIO()
    ad.save(obj, data)
    header, _ = _header(data.getvalue())
    assert sorted(name for name in header if name != "__metadata__") == ["a.b", "a.b#1",
                                                                         "encoder"]
    data.seek(0)
    loaded = ad.load(data)
    assert loaded["encoder"] is loaded["decoder"]
    assert loaded["a.b"].tolist() == [0.0] and loaded["a"]["b"].tolist() == [2.0]


def test_a_key_named_like_the_metadata_is_stored_apart(backend: str) -> None:
    obj = {"__metadata__": ad.ones(1), "x": ad.zeros(1)}
    _same(_roundtrip(obj), obj)


def test_numpy_arrays_and_scalars(backend: str) -> None:
    big_endian = np.arange(3.0).astype(">f8")
    loaded = _roundtrip({"array": big_endian, "scalar": np.float32(0.5), "n": np.int64(4)})
    assert isinstance(loaded["array"], np.ndarray)
    np.testing.assert_array_equal(loaded["array"], [0.0, 1.0, 2.0])
    assert loaded["scalar"] == 0.5 and loaded["n"] == 4 and type(loaded["n"]) is int


def test_load_places_tensors(backend: str) -> None:
    x = ad.arange(4.0)
    assert _roundtrip(x).backend == backend  # the current backend by default
    for name in ("numpy", "array_api_strict"):
        moved = _roundtrip({"x": x}, backend=name)["x"]
        assert moved.backend == name and moved.tolist() == [0.0, 1.0, 2.0, 3.0]
    on_cpu = _roundtrip(x, map_location="cpu")
    assert on_cpu.device == ad.device("cpu")
    assert _roundtrip(x, map_location=ad.device("cpu")).tolist() == x.tolist()


def test_paths_and_file_objects(backend: str, tmp_path: pathlib.Path) -> None:
    x = ad.tensor([1.0, 2.0])
    ad.save(x, tmp_path / "a.safetensors")              # a PathLike
    ad.save(x, str(tmp_path / "b.safetensors"))         # a str
    with open(tmp_path / "c.safetensors", "wb") as handle:
        ad.save(x, handle)                               # a binary file
    for name in ("a", "b", "c"):
        with open(tmp_path / f"{name}.safetensors", "rb") as handle:
            assert ad.load(handle).tolist() == [1.0, 2.0]
        assert ad.load(tmp_path / f"{name}.safetensors").tolist() == [1.0, 2.0]


def test_a_loaded_tensor_is_writable(backend: str) -> None:
    x = _roundtrip(ad.zeros(3))
    x.add_(1.0)
    assert x.tolist() == [1.0, 1.0, 1.0]


def test_save_errors(backend: str, tmp_path: pathlib.Path) -> None:
    with pytest.raises(TypeError, match=r"cannot store an object of type object \(at "
                                        r"model\.hook\)"):
        ad.save({"model": {"hook": object()}}, io.BytesIO())
    with pytest.raises(TypeError, match="a dict key must be a string, number, bool"):
        ad.save({frozenset(): 1}, io.BytesIO())
    with pytest.raises(TypeError, match="cannot store an array of dtype <U1"):
        ad.save(np.array(["a"]), io.BytesIO())
    with open(tmp_path / "text", "w") as handle, pytest.raises(
            TypeError, match="expected a path .* or a binary file object"):
        ad.save(ad.ones(1), handle)
    with pytest.raises(TypeError, match="ad.save: expected a path"):
        ad.save(ad.ones(1), 42)


def test_load_errors(backend: str, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "pickle.pt"
    path.write_bytes(b"PK\x03\x04 a zip file, as torch.save writes")
    with pytest.raises(ValueError, match="'.*pickle.pt' is not a safetensors file .* a "
                                         "torch.save checkpoint is a pickle"):
        ad.load(path)
    with pytest.raises(ValueError, match="not a safetensors file .*shorter than a "
                                         "safetensors header"):
        ad.load(io.BytesIO(b"abc"))
    with pytest.raises(TypeError, match="map_location must be a device such as 'cpu'"):
        ad.load(io.BytesIO(), map_location={"cuda:0": "cpu"})
    truncated = io.BytesIO()
    ad.save(ad.ones(4), truncated)
    with pytest.raises(ValueError, match="the file ends inside tensor 'tensor'"):
        ad.load(io.BytesIO(truncated.getvalue()[:-3]))


def _foreign_file(dtype: str, shape: list[int], payload: bytes,
                  metadata: dict | None = None) -> io.BytesIO:
    header = {"w": {"dtype": dtype, "shape": shape, "data_offsets": [0, len(payload)]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return io.BytesIO(len(text).to_bytes(8, "little") + text + payload)


def test_a_foreign_file_loads_as_a_dict(backend: str) -> None:
    loaded = ad.load(_foreign_file("F32", [2], np.array([1.5, -2.0], "<f4").tobytes(),
                                   {"format": "pt"}))
    assert list(loaded) == ["w"] and loaded["w"].dtype == ad.float32
    assert loaded["w"].tolist() == [1.5, -2.0]


def test_bfloat16_in_a_foreign_file_is_refused(backend: str) -> None:
    with pytest.raises(TypeError, match=r"tensor 'w' is stored as BF16 \(bfloat16\), which "
                                        r"autodiff has no dtype for"):
        ad.load(_foreign_file("BF16", [2], b"\x00" * 4))


# -- the safetensors package and PyTorch as oracles -------------------------------------
def test_safetensors_numpy_files(backend: str, tmp_path: pathlib.Path) -> None:
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    arrays = {"layer.weight": np.arange(6.0).reshape(2, 3), "mask": np.array([True, False]),
              "ids": np.arange(4, dtype=np.int32)}
    safetensors_numpy.save_file(arrays, str(tmp_path / "theirs.safetensors"))
    loaded = ad.load(tmp_path / "theirs.safetensors")
    assert sorted(loaded) == sorted(arrays)
    for name, array in arrays.items():
        assert loaded[name].dtype.name == array.dtype.name
        np.testing.assert_array_equal(loaded[name].numpy(), array)
    ours = {"fc.weight": ad.randn(3, 2, dtype=ad.float64), "step": 5,
            "z": ad.tensor([1 + 2j], dtype=ad.complex64)}
    ad.save(ours, tmp_path / "ours.safetensors")
    read = safetensors_numpy.load_file(str(tmp_path / "ours.safetensors"))
    assert sorted(read) == ["fc.weight", "z"]
    np.testing.assert_array_equal(read["fc.weight"], ours["fc.weight"].numpy())
    np.testing.assert_array_equal(read["z"], ours["z"].numpy())


def test_safetensors_torch_files(backend: str, tmp_path: pathlib.Path) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4)).double()
    safetensors_torch.save_file(model.state_dict(), str(tmp_path / "model.safetensors"))
    loaded = ad.load(tmp_path / "model.safetensors")
    assert sorted(loaded) == sorted(model.state_dict())
    for name, value in model.state_dict().items():
        np.testing.assert_allclose(loaded[name].numpy(), value.numpy(), rtol=0, atol=1e-10)
        assert loaded[name].dtype.name == str(value.dtype).removeprefix("torch.")
    ad.save({name: ad.asarray(value.numpy()) for name, value in model.state_dict().items()},
            tmp_path / "ours.safetensors")
    back = safetensors_torch.load_file(str(tmp_path / "ours.safetensors"))
    model.load_state_dict(back)
    safetensors_torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)},
                                str(tmp_path / "bf16.safetensors"))
    with pytest.raises(TypeError, match=r"BF16 \(bfloat16\)"):
        ad.load(tmp_path / "bf16.safetensors")

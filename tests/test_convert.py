"""``tensor()``'s data: the dtype it infers (PyTorch's), its errors for what is not data,
and numpy scalars beside tensors (promoted as PyTorch promotes a 0-d tensor)."""

from __future__ import annotations

import decimal
import fractions
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff._convert import python_scalar
from autodiff._dtypes import CATEGORY, default_complex, promote_types

# -- what tensor() infers ------------------------------------------------------------

# the dtype torch.tensor gives each (checked with torch 2.13, default dtype float32)
INFERRED = [
    ([1, 2], "int64"),
    ([1, 2.5], "float32"),
    ([True, False], "bool"),
    ([True, 2], "int64"),
    ([1, 2j], "complex64"),
    ([np.float32(1.0), 2], "float32"),
    ([np.float64(1.0), 2], "float64"),
    ([np.int8(1)], "int8"),
    ([np.int8(1), 2], "int64"),
    ([np.int8(1), 2.5], "float32"),
    ([np.int32(1), np.int8(2)], "int32"),
    ([np.float32(1.0), np.float64(2.0)], "float64"),
    ([np.complex64(1), 2.0], "complex64"),
    ([True, np.float32(1.0)], "float32"),
    ([], "float32"),
    ([[]], "float32"),
    (range(3), "int64"),
    ([np.array([1.0, 2.0]), np.array([3.0, 4.0])], "float64"),
]


@pytest.mark.parametrize(("data", "expected"), INFERRED, ids=repr)
def test_tensor_infers_pytorchs_dtype(backend: str, data: Any, expected: str) -> None:
    assert ad.tensor(data).dtype.name == expected


def test_tensor_of_a_list_of_tensors(backend: str) -> None:
    t = ad.tensor([ad.ones(2, dtype=ad.float64), ad.zeros(2, dtype=ad.float64)])
    assert t.dtype is ad.float64 and t.shape == (2, 2)


# -- what is not data -------------------------------------------------------------------

NOT_DATA = [
    # PyTorch's messages, after the name of the function
    ([1, "a"], TypeError, r"tensor\(\): invalid data type 'str'"),
    ("abc", TypeError, r"tensor\(\): invalid data type 'str'"),
    (b"ab", TypeError, r"tensor\(\): invalid data type 'bytes'"),
    (None, RuntimeError, r"tensor\(\): Could not infer dtype of NoneType"),
    ([1, None], RuntimeError, r"Could not infer dtype of NoneType"),
    ({1: 2}, RuntimeError, r"Could not infer dtype of dict"),
    ({1}, RuntimeError, r"Could not infer dtype of set"),
    (object(), RuntimeError, r"Could not infer dtype of object"),
    ([object()], RuntimeError, r"Could not infer dtype of object"),
    (fractions.Fraction(1, 2), RuntimeError, r"Could not infer dtype of Fraction"),
    (decimal.Decimal(1), RuntimeError, r"Could not infer dtype of Decimal"),
    ([[1, 2], [3]], ValueError, r"tensor\(\): expected sequence of length 2 at dim 1 \(got 1\)"),
    ([[[1], [2]], [[3], [4, 5]]], ValueError, r"expected sequence of length 1 at dim 2 \(got 2\)"),
    (np.array(["a"]), TypeError,
     r"tensor\(\): can't convert np.ndarray of type numpy.str_. The only supported types"),
    (np.array([1, 2], dtype=object), TypeError, r"can't convert np.ndarray of type numpy.object_"),
    ([np.datetime64(1, "D")], TypeError, r"can't convert numpy scalar of type numpy.datetime64"),
    # PyTorch: TypeError "'list' object cannot be interpreted as an integer"
    ([1, [2]], TypeError, r"tensor\(\): expected a sequence at dim 1 as its siblings are, "
                          r"got int 1"),
]


@pytest.mark.parametrize(("data", "error", "message"), NOT_DATA, ids=repr)
def test_tensor_refuses_what_is_not_data(backend: str, data: Any, error: type[Exception],
                                         message: str) -> None:
    with pytest.raises(error, match=message):
        ad.tensor(data)


@pytest.mark.parametrize("dtype", (ad.float64, ad.int64))
def test_tensor_refuses_strings_whatever_the_dtype(backend: str, dtype: Any) -> None:
    with pytest.raises(TypeError, match=r"tensor\(\): invalid data type 'str'"):
        ad.tensor([1, "a"], dtype=dtype)
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1"):
        ad.tensor([[1, 2], [3]], dtype=dtype)


def test_ragged_list_of_tensors_names_the_lengths(backend: str) -> None:
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 3\)"):
        ad.tensor([ad.ones(2), ad.ones(3)])


# -- torch.promote_types ------------------------------------------------------------------

PROMOTED = [  # torch.promote_types, checked with torch 2.13
    ("int64", "float32", "float32"), ("int64", "float16", "float16"),
    ("bool", "uint8", "uint8"), ("int8", "uint8", "int16"),
    ("float16", "complex64", "complex64"), ("float64", "complex64", "complex128"),
    ("float32", "complex128", "complex128"), ("bool", "bool", "bool"),
    ("int32", "int64", "int64"), ("float32", "float64", "float64"),
]


@pytest.mark.parametrize(("first", "second", "expected"), PROMOTED)
def test_promote_types_is_pytorchs(first: str, second: str, expected: str) -> None:
    a, b = getattr(ad, first), getattr(ad, second)
    assert promote_types(a, b).name == expected
    assert promote_types(b, a).name == expected


# -- numpy scalars beside tensors --------------------------------------------------------

SCALAR_TYPES = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int32": np.int32,
                "int64": np.int64, "float16": np.float16, "float32": np.float32,
                "float64": np.float64, "complex64": np.complex64,
                "complex128": np.complex128}


@pytest.mark.parametrize("name", SCALAR_TYPES)
def test_python_scalar_keeps_the_kind(name: str) -> None:
    value = SCALAR_TYPES[name](1)
    kind = {"bool": bool, "real floating": float, "complex floating": complex}.get(
        getattr(ad, name).kind, int)
    number = python_scalar(value)
    assert type(number) is kind and number == value


def test_python_scalar_of_other_numbers_and_of_what_is_not_one() -> None:
    assert python_scalar(fractions.Fraction(1, 2)) == 0.5
    assert type(python_scalar(fractions.Fraction(1, 2))) is float
    assert python_scalar(True) is True
    for value in ("2", np.str_("2"), np.datetime64(1, "D"), None, [1]):
        assert python_scalar(value) is None


# torch.result_type(tensor of dtype T, torch.tensor(numpy scalar of type S)) with torch
# 2.13, T the row and S the column in the order of COLUMNS: a 0-d tensor's dtype counts
# only when its category (bool < integer < floating < complex) is higher than the
# tensor's; beside a floating tensor a complex one gives the complex of the tensor's
# precision.
COLUMNS = ("bool", "uint8", "int8", "int32", "int64", "float32", "float64", "complex64",
           "complex128")
_LOW = ("float32", "float64", "complex64", "complex128")
TORCH_0D = {
    "bool": ("bool", "uint8", "int8", "int32", "int64", *_LOW),
    "uint8": ("uint8",) * 5 + _LOW,
    "int8": ("int8",) * 5 + _LOW,
    "int32": ("int32",) * 5 + _LOW,
    "int64": ("int64",) * 5 + _LOW,
    "float32": ("float32",) * 7 + ("complex64", "complex64"),
    "float64": ("float64",) * 7 + ("complex128", "complex128"),
    "complex64": ("complex64",) * 9,
    "complex128": ("complex128",) * 9,
}


def _expected(tensor: str, scalar: str) -> str:
    """The dtype autodiff gives: PyTorch's 0-d answer when the scalar's category is not
    higher than the tensor's; when it is higher, a numpy scalar counts as the Python
    number of its kind (the default dtype of that kind, as ``x * 2.0`` gives), where
    PyTorch would take the scalar's own dtype (int64 tensor * np.float64: autodiff
    float32, PyTorch float64)."""
    t, s = getattr(ad, tensor), getattr(ad, scalar)
    if CATEGORY[s.kind] <= CATEGORY[t.kind] or t.kind == "real floating":
        return TORCH_0D[tensor][COLUMNS.index(scalar)]
    return {"signed integer": "int64", "unsigned integer": "int64",
            "real floating": ad.get_default_dtype().name,
            "complex floating": default_complex().name}[s.kind]


# Pairs that fail through the Python-number path of the elementwise ops, not through
# the numpy scalar: a Python bool beside an array, or a Python int beside a bool array
# (array_api_strict refuses these mixes, and bool arithmetic), and a Python complex beside an
# integer or bool array (numpy gives complex128 where PyTorch gives the default
# complex, strict refuses). Left out here; see autodiff/ops/elementwise.py's _arithmetic.
_GAPS = {(t, s) for t in COLUMNS for s in COLUMNS
         if "bool" in (s, t) and CATEGORY[getattr(ad, s).kind] <= 1
         or (s.startswith("complex") and CATEGORY[getattr(ad, t).kind] <= 1)}
PAIRS = [(t, s) for t in COLUMNS for s in COLUMNS if (t, s) not in _GAPS]


@pytest.mark.parametrize(("tensor", "scalar"), PAIRS)
def test_numpy_scalar_promotes_as_a_0d_tensor(backend: str, tensor: str, scalar: str) -> None:
    """What the ops make of a numpy scalar once it is the Python number of its kind
    (``python_scalar``, which the op path's scalar conversion is to call)."""
    x = ad.ones(3, dtype=getattr(ad, tensor))
    number = python_scalar(SCALAR_TYPES[scalar](1))
    outs = [ad.multiply(x, number), ad.add(number, x)]
    if tensor != "bool":  # PyTorch refuses to subtract bools
        outs.append(ad.subtract(x, number))
    for out in outs:
        assert out.dtype.name == _expected(tensor, scalar)


def test_pytorch_table_is_its_rule() -> None:
    """The hard-coded table and the rule it states agree (so neither drifted)."""
    for tensor, row in TORCH_0D.items():
        for scalar, expected in zip(COLUMNS, row, strict=True):
            t, s = getattr(ad, tensor), getattr(ad, scalar)
            if CATEGORY[s.kind] <= CATEGORY[t.kind]:
                assert expected == tensor
            elif t.kind == "real floating":
                assert expected == ("complex64" if t is ad.float32 else "complex128")
            else:
                assert expected == scalar


@pytest.mark.parametrize("scalar", (np.float32, np.float16))
def test_numpy_scalar_in_an_op(backend: str, scalar: Any) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    y = x * scalar(2.0) + scalar(1.0) * x
    assert y.dtype is ad.float64
    y.sum().backward()  # the node must hold the Python number: strict refuses numpy's
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0, 3.0])


def test_numpy_scalar_on_the_left_gives_a_tensor(backend: str) -> None:
    """numpy defers to the tensor's reflected operator, as for PyTorch's tensors."""
    x = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    y = np.float64(3.0) * x
    assert isinstance(y, ad.Tensor) and y.requires_grad and y.dtype is ad.float64
    np.testing.assert_array_equal(y.detach().numpy(), [3.0, 6.0])
    assert isinstance(np.int64(2) + x.detach(), ad.Tensor)


def test_numpy_array_beside_a_tensor_raises_the_ops_error(backend: str) -> None:
    x = ad.ones(2)
    with pytest.raises(TypeError, match=r"multiply: expected Tensors or Python numbers, got "
                                        r"ndarray; wrap arrays with autodiff.tensor"):
        np.ones(2) * x

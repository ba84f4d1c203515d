"""Tests for autodiff._format: PyTorch-identical tensor text.

Every expected string below was produced by PyTorch 2.13 (``repr(torch.from_numpy(a))``,
or torch's own suffix-joining code for suffixes a CPU tensor cannot show, such as a
device), so the tests need no torch at run time.
"""

from __future__ import annotations

import numpy as np
import pytest

from autodiff._format import format_tensor

# name: (values, suffixes, torch's text)
CASES: dict[str, tuple[np.ndarray, list[str], str]] = {
    "int_mode_floats": (
        np.array([1.0, -2.0, 30.0], np.float32),
        [],
        "tensor([ 1., -2., 30.])",
    ),
    "int_mode_nonfinite": (
        np.array([np.nan, 1.0, -np.inf], np.float32),
        [],
        "tensor([nan, 1., -inf])",
    ),
    "fixed_point": (
        np.array([[0.5, -1.25], [3.0, 10.125]], np.float32),
        [],
        "tensor([[ 0.5000, -1.2500],\n        [ 3.0000, 10.1250]])",
    ),
    "fixed_with_nan": (
        np.array([np.nan, 1.5, np.inf], np.float32),
        [],
        "tensor([   nan, 1.5000,    inf])",
    ),
    "sci_small": (
        np.array([-3.8166e-05, 1.0], np.float32),
        [],
        "tensor([-3.8166e-05,  1.0000e+00])",
    ),
    "sci_ratio": (
        np.array([0.5, 1234.5], np.float32),
        [],
        "tensor([5.0000e-01, 1.2345e+03])",
    ),
    "sci_large_ints": (
        np.array([1.0, 2e8], np.float64),
        ["dtype=autodiff.float64"],
        "tensor([1.0000e+00, 2.0000e+08], dtype=autodiff.float64)",
    ),
    "sci_below_1e-4": (
        np.array([5e-05, 2e-05]),
        ["dtype=autodiff.float64"],
        "tensor([5.0000e-05, 2.0000e-05], dtype=autodiff.float64)",
    ),
    # float32(1e-4) is slightly below 1e-4 once widened to double, which torch compares in
    "sci_float32_1e-4": (
        np.array([1e-4, 2e-4], np.float32),
        [],
        "tensor([1.0000e-04, 2.0000e-04])",
    ),
    "no_sci_float64_1e-4": (
        np.array([1e-4, 2e-4]),
        ["dtype=autodiff.float64"],
        "tensor([0.0001, 0.0002], dtype=autodiff.float64)",
    ),
    "no_sci_at_1000_ratio": (
        np.array([0.001, 1.0], np.float32),
        [],
        "tensor([0.0010, 1.0000])",
    ),
    "only_zeros_nonfinite": (
        np.array([0.0, -0.0, np.nan, np.inf], np.float32),
        [],
        "tensor([0., -0., nan, inf])",
    ),
    "negative_zero": (
        np.array([-0.0, 5.5], np.float32),
        [],
        "tensor([-0.0000, 5.5000])",
    ),
    "float16": (
        np.array([65504.0, 0.5, -1.0], np.float16),
        ["dtype=autodiff.float16"],
        "tensor([ 6.5504e+04,  5.0000e-01, -1.0000e+00], dtype=autodiff.float16)",
    ),
    "wrap_vector": (
        np.arange(20, dtype=np.float32) / 7,
        [],
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
        "        2.5714, 2.7143])",
    ),
    "wrap_rows": (
        np.arange(24, dtype=np.float64).reshape(2, 12) * 1.5,
        ["dtype=autodiff.float64"],
        "tensor([[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "         12.0000, 13.5000, 15.0000, 16.5000],\n"
        "        [18.0000, 19.5000, 21.0000, 22.5000, 24.0000, 25.5000, 27.0000, 28.5000,\n"
        "         30.0000, 31.5000, 33.0000, 34.5000]], dtype=autodiff.float64)",
    ),
    "three_d": (
        np.arange(12).reshape(2, 2, 3),
        [],
        "tensor([[[ 0,  1,  2],\n"
        "         [ 3,  4,  5]],\n"
        "\n"
        "        [[ 6,  7,  8],\n"
        "         [ 9, 10, 11]]])",
    ),
    "four_d": (
        np.arange(8, dtype=np.float32).reshape(2, 1, 2, 2),
        [],
        "tensor([[[[0., 1.],\n"
        "          [2., 3.]]],\n"
        "\n"
        "\n"
        "        [[[4., 5.],\n"
        "          [6., 7.]]]])",
    ),
    "summarize_vector": (
        np.arange(1001, dtype=np.float32),
        [],
        "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])",
    ),
    "summarize_matrix": (
        np.arange(3000).reshape(3, 1000),
        [],
        "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n"
        "        [1000, 1001, 1002,  ..., 1997, 1998, 1999],\n"
        "        [2000, 2001, 2002,  ..., 2997, 2998, 2999]])",
    ),
    "summarize_3d": (
        np.arange(1040).reshape(8, 1, 130),
        [],
        "tensor([[[   0,    1,    2,  ...,  127,  128,  129]],\n"
        "\n"
        "        [[ 130,  131,  132,  ...,  257,  258,  259]],\n"
        "\n"
        "        [[ 260,  261,  262,  ...,  387,  388,  389]],\n"
        "\n"
        "        ...,\n"
        "\n"
        "        [[ 650,  651,  652,  ...,  777,  778,  779]],\n"
        "\n"
        "        [[ 780,  781,  782,  ...,  907,  908,  909]],\n"
        "\n"
        "        [[ 910,  911,  912,  ..., 1037, 1038, 1039]]])",
    ),
    "summarize_hidden_values_ignored": (
        np.concatenate([np.ones(500), np.full(1, 0.123456), np.ones(500)]).astype(np.float32),
        [],
        "tensor([1., 1., 1.,  ..., 1., 1., 1.])",
    ),
    "bool": (
        np.array([[True, False], [False, True]]),
        [],
        "tensor([[ True, False],\n        [False,  True]])",
    ),
    "ints": (
        np.array([-100, 5, 0, 42], np.int64),
        [],
        "tensor([-100,    5,    0,   42])",
    ),
    "brief_fixed": (
        np.full((2, 2), 4.5, np.float32),
        [],
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])",
    ),
    "brief_scalar": (
        np.array(0.7341, np.float32),
        ["grad_fn=<BinaryCrossEntropyWithLogitsBackward0>"],
        "tensor(0.7341, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)",
    ),
    "brief_requires_grad": (
        np.ones((2, 2), np.float32),
        ["requires_grad=True"],
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
    ),
    "autodiff_name_changes_wrap": (
        np.arange(6, dtype=np.float64) / 3,
        ["dtype=autodiff.float64", "requires_grad=True"],
        "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667],\n"
        "       dtype=autodiff.float64, requires_grad=True)",
    ),
    "uint8": (
        np.array([0, 255, 7], np.uint8),
        ["dtype=autodiff.uint8"],
        "tensor([  0, 255,   7], dtype=autodiff.uint8)",
    ),
    "complex": (
        np.array([1 + 2j, -1 - 2j, 3.5 - 0j], np.complex64),
        [],
        "tensor([ 1.0000+2.j, -1.0000-2.j,  3.5000+0.j])",
    ),
    "complex_wrap": (
        # torch budgets real width + 2 + imag width + 1 per element (not the "+"): 4 per line
        np.arange(12, dtype=np.complex64) * (1 + 1j) / 3,
        [],
        "tensor([0.0000+0.0000j, 0.3333+0.3333j, 0.6667+0.6667j, 1.0000+1.0000j,\n"
        "        1.3333+1.3333j, 1.6667+1.6667j, 2.0000+2.0000j, 2.3333+2.3333j,\n"
        "        2.6667+2.6667j, 3.0000+3.0000j, 3.3333+3.3333j, 3.6667+3.6667j])",
    ),
    "complex_sci_scalar": (
        np.array(1e-9 + 1e9j),
        ["dtype=autodiff.complex128"],
        "tensor(1.0000e-09+1.0000e+09j, dtype=autodiff.complex128)",
    ),
    "scalar_int": (
        np.array(-7, np.int32),
        ["dtype=autodiff.int32"],
        "tensor(-7, dtype=autodiff.int32)",
    ),
    "scalar_bool": (
        np.array(True),
        [],
        "tensor(True)",
    ),
    "empty_1d": (
        np.zeros((0,), np.float32),
        [],
        "tensor([])",
    ),
    "empty_2d": (
        np.zeros((0, 3), np.float32),
        [],
        "tensor([], size=(0, 3))",
    ),
    "empty_3d_int": (
        np.zeros((2, 0, 4), np.int64),
        ["dtype=autodiff.int64"],
        "tensor([], size=(2, 0, 4), dtype=autodiff.int64)",
    ),
    "empty_with_device": (
        np.zeros((3, 0), np.float64),
        ["device='cuda:0'", "dtype=autodiff.float64"],
        "tensor([], device='cuda:0', size=(3, 0), dtype=autodiff.float64)",
    ),
    "suffix_wraps": (
        np.arange(6, dtype=np.float64) / 3,
        ["dtype=autodiff.float64", "grad_fn=<BinaryCrossEntropyWithLogitsBackward0>"],
        "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667],\n"
        "       dtype=autodiff.float64, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)",
    ),
    "suffix_wraps_after_matrix": (
        np.arange(8, dtype=np.float32).reshape(2, 4) / 3,
        [
            "device='cuda:0'",
            "grad_fn=<LongLongLongLongLongLongLongLongLongLongLongLongBackward0>",
            "requires_grad=True",
        ],
        "tensor([[0.0000, 0.3333, 0.6667, 1.0000],\n"
        "        [1.3333, 1.6667, 2.0000, 2.3333]], device='cuda:0',\n"
        "       grad_fn=<LongLongLongLongLongLongLongLongLongLongLongLongBackward0>,\n"
        "       requires_grad=True)",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name: str) -> None:
    values, suffixes, expected = CASES[name]
    assert format_tensor(values, suffixes) == expected


def test_torch_dtype_names_wrap_like_torch() -> None:
    # the literal repr of torch.from_numpy(np.arange(6.) / 3).requires_grad_(); the suffix
    # text is opaque, so torch's own names reproduce torch's line break exactly
    values = np.arange(6, dtype=np.float64) / 3
    expected = (
        "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667], dtype=torch.float64,\n"
        "       requires_grad=True)"
    )
    assert format_tensor(values, ["dtype=torch.float64", "requires_grad=True"]) == expected


def test_summarizes_only_above_threshold() -> None:
    assert "..." not in format_tensor(np.zeros(1000, np.float32))
    assert "..." not in format_tensor(np.zeros((10, 100), np.int64))
    assert format_tensor(np.zeros(1001, np.float32)) == "tensor([0., 0., 0.,  ..., 0., 0., 0.])"


def test_accepts_numpy_scalars() -> None:
    assert format_tensor(np.float64(2.5)) == "tensor(2.5000)"  # type: ignore[arg-type]


def test_input_is_not_modified() -> None:
    values = np.array([[np.nan, -0.0], [1e-9, 3.0]])
    before = values.copy()
    format_tensor(values)
    np.testing.assert_array_equal(values, before)


def test_rejects_non_numeric_dtypes() -> None:
    with pytest.raises(TypeError, match="dtype"):
        format_tensor(np.array(["a", "b"]))

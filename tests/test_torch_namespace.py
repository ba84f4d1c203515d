"""``autodiff.torch``: PyTorch's meanings for the names in its table, autodiff's own objects
for every other name; and PyTorch's spellings that ``autodiff`` itself accepts, or refuses
where PyTorch would read the call differently.

Each overridden name is checked against a numpy reference, and against PyTorch where it
is installed (never instead of numpy: CI has no torch).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import autodiff.torch as torch_ns
from autodiff.torch._functions import EXTRAS, TABLE, table_markdown

A = np.array([[1.0, 5.0, -2.0], [3.0, 2.0, 7.0]])
B = np.array([[0.5, 6.0, -3.0], [3.0, 1.0, 8.0]])
V = np.array([0.0, 2.0, 0.0, -1.0])


def _np(value: Any) -> Any:
    """Plain numpy values (tuples stay tuples, named tuples become tuples)."""
    if isinstance(value, tuple):
        return tuple(_np(item) for item in value)
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy() if not isinstance(value, np.ndarray) else value)
    return value


def _same(got: Any, want: Any) -> None:
    got, want = _np(got), _np(want)
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _same(g, w)
    elif isinstance(want, np.ndarray):
        assert got.shape == want.shape, (got.shape, want.shape)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    else:
        assert type(got) is type(want) and got == want


def _name(dtype: Any) -> str:
    return str(dtype).rpartition(".")[2]


def _numpy_meshgrid(*xs: Any) -> tuple[Any, ...]:
    return tuple(np.meshgrid(*xs, indexing="ij"))


# name -> (call on a namespace, given a converter t(), numpy reference)
Case = tuple[Callable[[Any, Callable[[Any], Any]], Any], Callable[[], Any]]
CASES: dict[str, list[Case]] = {
    "max": [(lambda m, t: m.max(t(A), 1), lambda: (A.max(1), A.argmax(1))),
            (lambda m, t: m.max(t(A), dim=0, keepdim=True),
             lambda: (A.max(0, keepdims=True), A.argmax(0)[None])),
            (lambda m, t: m.max(t(A)), lambda: np.array(A.max())),
            (lambda m, t: m.max(t(A), t(B)), lambda: np.maximum(A, B))],
    "min": [(lambda m, t: m.min(t(A), 1), lambda: (A.min(1), A.argmin(1))),
            (lambda m, t: m.min(t(A), t(B)), lambda: np.minimum(A, B))],
    "std": [(lambda m, t: m.std(t(A)), lambda: np.array(A.std(ddof=1))),
            (lambda m, t: m.std(t(A), 1), lambda: A.std(1, ddof=1)),
            (lambda m, t: m.std(t(A), 1, False, True), lambda: A.std(1, keepdims=True)),
            (lambda m, t: m.std(t(A), dim=0, correction=0), lambda: A.std(0))],
    "var": [(lambda m, t: m.var(t(A)), lambda: np.array(A.var(ddof=1))),
            (lambda m, t: m.var(t(A), 0, unbiased=False), lambda: A.var(0))],
    "sort": [(lambda m, t: m.sort(t(A), 1), lambda: (np.sort(A, 1), np.argsort(A, 1))),
             (lambda m, t: m.sort(t(A), 0, True),
              lambda: (-np.sort(-A, 0), np.argsort(-A, 0, kind="stable")))],
    "argsort": [(lambda m, t: m.argsort(t(A), 0, True), lambda: np.argsort(-A, 0))],
    "equal": [(lambda m, t: m.equal(t(A), t(A)), lambda: True),
              (lambda m, t: m.equal(t(A), t(B)), lambda: False),
              (lambda m, t: m.equal(t(A), t(A[:1])), lambda: False)],
    "nonzero": [(lambda m, t: m.nonzero(t(V)), lambda: np.argwhere(V)),
                (lambda m, t: m.nonzero(t(A) > 2, as_tuple=True), lambda: np.nonzero(A > 2))],
    "where": [(lambda m, t: m.where(t(A) > 2), lambda: np.nonzero(A > 2)),
              (lambda m, t: m.where(t(A) > 2, t(A), t(B)), lambda: np.where(A > 2, A, B))],
    "sum": [(lambda m, t: m.sum(t(A), 1, True), lambda: A.sum(1, keepdims=True)),
            (lambda m, t: m.sum(t(A) > 2, dtype=m.float64), lambda: np.array(3.0))],
    "mean": [(lambda m, t: m.mean(t(A), 0, True), lambda: A.mean(0, keepdims=True))],
    "prod": [(lambda m, t: m.prod(t(A), 1, True), lambda: A.prod(1, keepdims=True))],
    "all": [(lambda m, t: m.all(t(A) > 0, 1), lambda: (A > 0).all(1))],
    "any": [(lambda m, t: m.any(t(A) > 6, 0, True), lambda: (A > 6).any(0, keepdims=True))],
    "argmax": [(lambda m, t: m.argmax(t(A), 1, True), lambda: A.argmax(1)[:, None])],
    "argmin": [(lambda m, t: m.argmin(t(A), 0), lambda: A.argmin(0))],
    "flip": [(lambda m, t: m.flip(t(A), [0, 1]), lambda: A[::-1, ::-1].copy())],
    "count_nonzero": [(lambda m, t: m.count_nonzero(t(A) > 2, 1),
                       lambda: np.count_nonzero(A > 2, 1))],
    "meshgrid": [(lambda m, t: m.meshgrid(t(V), t(A[0])), lambda: _numpy_meshgrid(V, A[0])),
                 (lambda m, t: m.meshgrid([t(V), t(A[0])], indexing="xy"),
                  lambda: tuple(np.meshgrid(V, A[0])))],
    "can_cast": [(lambda m, t: m.can_cast(m.float64, m.float32), lambda: True),
                 (lambda m, t: m.can_cast(m.float32, m.int64), lambda: False),
                 (lambda m, t: m.can_cast(m.int64, m.int8), lambda: True),
                 (lambda m, t: m.can_cast(m.complex64, m.float64), lambda: False)],
    "result_type": [(lambda m, t: _name(m.result_type(t(A.astype(np.int32)), t(A[0]
                                                      .astype(np.float32)))),
                     lambda: "float32"),
                    (lambda m, t: _name(m.result_type(t(A.astype(np.float32)), t(np.float64(1)))),
                     lambda: "float32"),
                    (lambda m, t: _name(m.result_type(t(A.astype(np.int32)), 2.5)),
                     lambda: "float32"),
                    (lambda m, t: _name(m.result_type(t(A.astype(np.int8)), 300)),
                     lambda: "int8")],
    "squeeze": [(lambda m, t: m.squeeze(t(A[None]), 1), lambda: A[None]),
                (lambda m, t: m.squeeze(t(A[None]), 0), lambda: A)],
    # an N-d sequence is searched row by row along its last dim
    "searchsorted": [(lambda m, t: m.searchsorted(t(np.sort(A)), t(B)),
                      lambda: np.stack([np.searchsorted(r, v) for r, v in
                                        zip(np.sort(A), B, strict=True)])),
                     (lambda m, t: m.searchsorted(t(np.sort(A)), t(B), right=True,
                                                  out_int32=True),
                      lambda: np.stack([np.searchsorted(r, v, "right") for r, v in
                                        zip(np.sort(A), B, strict=True)]).astype(np.int32)),
                     (lambda m, t: m.searchsorted(t(A[0]), t(B), side="right",
                                                  sorter=t(np.argsort(A[0]))),
                      lambda: np.searchsorted(A[0], B, "right", np.argsort(A[0])))],
    "diff": [(lambda m, t: m.diff(t(A), 1, 0), lambda: np.diff(A, 1, 0)),
             (lambda m, t: m.diff(t(A), 2, -1, t(B[:, :1]), t(B)),
              lambda: np.diff(A, 2, -1, prepend=B[:, :1], append=B)),
             (lambda m, t: m.diff(t(A), 0, 0, t(B)), lambda: A)],
}


def _cases() -> list[Any]:
    return [pytest.param(name, index, id=f"{name}-{index}")
            for name, cases in CASES.items() for index in range(len(cases))]


def test_every_overridden_name_has_a_case() -> None:
    assert set(CASES) == set(TABLE)


@pytest.mark.parametrize(("name", "index"), _cases())
def test_overridden_name_against_numpy(name: str, index: int, backend: str) -> None:
    call, reference = CASES[name][index]
    _same(call(torch_ns, lambda a: ad.tensor(a, backend=backend)), reference())


@pytest.mark.filterwarnings("ignore:torch.meshgrid")
@pytest.mark.parametrize(("name", "index"), _cases())
def test_overridden_name_against_torch(name: str, index: int) -> None:
    torch = pytest.importorskip("torch", reason="compared with PyTorch where installed")
    call, _ = CASES[name][index]
    _same(call(torch_ns, ad.tensor), call(torch, torch.tensor))


def test_overrides_are_functions_of_the_torch_namespace() -> None:
    for name in TABLE:
        fn = getattr(torch_ns, name)
        assert fn is not getattr(ad, name, None) and fn.__name__ == name
    assert torch_ns._differing().keys() == TABLE.keys()


def test_gradients_flow_through_the_pytorch_meanings() -> None:
    x = ad.tensor(A, requires_grad=True)
    values, indices = torch_ns.max(x, 1)
    sorted_, _ = torch_ns.sort(x, 0, descending=True)
    (values.sum() + (sorted_[0] * 2).sum() + torch_ns.std(x, 1).sum()).backward()
    want = np.zeros_like(A)
    want[np.arange(2), A.argmax(1)] += 1
    want[A.argmax(0), np.arange(3)] += 2
    centered = A - A.mean(1, keepdims=True)
    want += centered / (2 * A.std(1, ddof=1, keepdims=True))
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-12)


# -- every other name is autodiff's own object ---------------------------------------------
@pytest.mark.parametrize("name", ["exp", "tensor", "Tensor", "zeros", "matmul", "no_grad",
                                  "enable_grad", "set_grad_enabled", "manual_seed", "device",
                                  "get_default_dtype", "set_default_dtype", "float32",
                                  "float64", "int64", "bool", "cat", "stack", "roll",
                                  "clamp", "flatten", "transpose", "unique", "round",
                                  "cumsum", "autograd"])
def test_other_names_are_autodiffs_own(name: str) -> None:
    assert getattr(torch_ns, name) is getattr(ad, name)


def test_pytorch_dtype_spellings() -> None:
    assert (torch_ns.float, torch_ns.double, torch_ns.half) == (ad.float32, ad.float64,
                                                                 ad.float16)
    assert (torch_ns.long, torch_ns.int, torch_ns.short) == (ad.int64, ad.int32, ad.int16)
    assert (torch_ns.cfloat, torch_ns.cdouble) == (ad.complex64, ad.complex128)


def test_a_name_added_to_autodiff_later_appears(monkeypatch: pytest.MonkeyPatch) -> None:
    def brand_new_op(x: Any) -> Any:
        return x

    monkeypatch.setattr(ad, "brand_new_op", brand_new_op, raising=False)
    assert torch_ns.brand_new_op is brand_new_op
    assert "brand_new_op" in dir(torch_ns)
    monkeypatch.setattr(ad, "split", brand_new_op, raising=False)  # autodiff's wins
    assert torch_ns.split is brand_new_op


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'autodiff.torch' has no attribute 'nope'"):
        torch_ns.nope  # noqa: B018
    with pytest.raises(AttributeError, match="'autodiff.torch.linalg' has no attribute"):
        torch_ns.linalg.nope  # noqa: B018
    assert not hasattr(torch_ns, "__wrapped__")


def test_dir_lists_overrides_fallbacks_and_extras() -> None:
    names = dir(torch_ns)
    assert {"max", "exp", "split", "softmax", "nn", "linalg", "float"} <= set(names)
    assert "vector_norm" in dir(torch_ns.linalg) and "fft" in dir(torch_ns.fft)


# -- PyTorch-only names ----------------------------------------------------------------
def test_extras_against_numpy(backend: str) -> None:
    def t(a: Any) -> Any:
        return ad.tensor(a, backend=backend)

    x = t(np.arange(5.0))
    _same(torch_ns.split(x, 2), (np.arange(2.0), np.arange(2.0, 4.0), np.array([4.0])))
    _same(torch_ns.split(t(A), [1, 2], 1), (A[:, :1], A[:, 1:]))
    _same(torch_ns.chunk(x, 2), (np.arange(3.0), np.arange(3.0, 5.0)))
    _same(torch_ns.eq(t(A), t(B)), A == B)
    _same(torch_ns.std_mean(t(A), 1), (A.std(1, ddof=1), A.mean(1)))
    _same(torch_ns.argwhere(t(V)), np.argwhere(V))
    _same(torch_ns.diagonal(t(A), 1), np.diagonal(A, 1))
    _same(torch_ns.t(t(A)), A.T)
    assert torch_ns.numel(t(A)) == 6 and torch_ns.is_tensor(x) and not torch_ns.is_tensor(A)
    assert torch_ns.is_floating_point(x)
    assert torch_ns.Size([2, 3]) == t(A).shape and torch_ns.Size([2, 3]).numel() == 6
    _same(torch_ns.softmax(t(A), 1), np.exp(A) / np.exp(A).sum(1, keepdims=True))
    assert torch_ns.from_numpy(np.ones(2, dtype=np.float32)).dtype == ad.float32
    with torch_ns.inference_mode():
        assert not torch_ns.is_grad_enabled()
    assert torch_ns.cuda.is_available() == ("cupy" in ad.available_backends())
    assert torch_ns.arccos is not None and torch_ns.fix(t(np.array([-1.5]))).item() == -1.0


def test_can_cast_is_numpys_same_kind_within_a_kind() -> None:
    names = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
             "float64", "complex64", "complex128"]
    for a in names:
        for b in names:
            want = np.can_cast(np.dtype(a), np.dtype(b), "same_kind") or (
                a.startswith("int") and b == "uint8")  # PyTorch: integers are one kind
            assert torch_ns.can_cast(getattr(ad, a), getattr(ad, b)) == want, (a, b)
    assert torch_ns.promote_types(ad.int32, ad.float16) is ad.float16
    assert torch_ns.promote_types(ad.float64, ad.complex64) is ad.complex128
    assert torch_ns.promote_types(ad.uint8, ad.int8) is ad.int16


def test_split_errors_are_pytorchs() -> None:
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum "
                                           "exactly to 5"):
        torch_ns.split(ad.arange(5), [1, 2])
    with pytest.raises(RuntimeError, match="chunk expects `chunks` to be greater than 0"):
        torch_ns.chunk(ad.arange(5), 0)
    with pytest.raises(TypeError, match=r"where\(\) takes 1 or 3 arguments"):
        torch_ns.where(ad.ones(2) > 0, ad.ones(2))
    with pytest.raises(TypeError, match=r"max\(\): argument 'input' \(position 1\) must be "
                                        "Tensor, not list"):
        torch_ns.max([1.0, 2.0])


# -- submodules --------------------------------------------------------------------------
def test_submodules() -> None:
    import autodiff.torch.autograd
    import autodiff.torch.nn.functional as functional

    assert functional is ad.nn.functional and torch_ns.nn.functional is ad.nn.functional
    assert autodiff.torch.autograd is ad.autograd
    assert torch_ns.special.expit is ad.sigmoid and torch_ns.special.expm1 is ad.expm1
    assert torch_ns.special.softmax is ad.special.softmax  # dim required, as PyTorch
    assert "expit" in dir(torch_ns.special)
    assert torch_ns.linalg.inv is ad.linalg.inv and torch_ns.linalg.svdvals is ad.linalg.svdvals


def test_linalg_and_fft_take_pytorchs_positional_arguments(backend: str) -> None:
    x = ad.tensor(A, backend=backend)
    _same(torch_ns.linalg.vector_norm(x, 1, 1, True), np.abs(A).sum(1, keepdims=True))
    _same(torch_ns.linalg.matrix_norm(x[None], "fro", (1, 2)), np.linalg.norm(A)[None])
    sym = np.array([[2.0, 1.0], [5.0, 2.0]])
    _same(torch_ns.linalg.eigvalsh(ad.tensor(sym, backend=backend), "U"),
          np.linalg.eigvalsh(sym, UPLO="U"))
    _same(torch_ns.linalg.cross(ad.tensor(np.eye(3), backend=backend),
                                ad.tensor(np.ones((3, 3)), backend=backend), 0),
          np.cross(np.eye(3), np.ones((3, 3)), axis=0))
    _same(torch_ns.fft.fft(ad.tensor(V, backend=backend), 6, 0, "ortho"),
          np.fft.fft(V, 6, 0, "ortho"))
    _same(torch_ns.fft.fftshift(x, 1), np.fft.fftshift(A, 1))
    _same(torch_ns.fft.fftfreq(5, 0.1, backend=backend), np.fft.fftfreq(5, 0.1))


# -- the docs page shows the table -------------------------------------------------------
def test_docs_page_shows_the_table() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "coming-from-pytorch.md").read_text()
    assert table_markdown() in page
    shown = set(re.findall(r"^\| `(\w+)` \|", page, re.M))
    assert shown == set(TABLE)


def test_extras_are_pytorch_only_names() -> None:
    assert not set(EXTRAS) & set(TABLE)


# -- PyTorch's spellings in autodiff itself --------------------------------------------
def test_positional_dim_in_autodiff(backend: str) -> None:
    def t(a: Any) -> Any:
        return ad.tensor(a, backend=backend)

    _same(ad.cat([t(A), t(B)], 1), np.concatenate([A, B], 1))
    _same(ad.concat([t(A), t(B)], 0), np.concatenate([A, B], 0))
    _same(ad.stack([t(A), t(B)], 2), np.stack([A, B], 2))
    _same(ad.prod(t(A), 1), A.prod(1))
    _same(ad.argsort(t(A), 0), np.argsort(A, 0, kind="stable"))
    _same(ad.roll(t(A), 1, 1), np.roll(A, 1, 1))
    _same(ad.diff(t(A), 1, 0), np.diff(A, 1, 0))
    _same(ad.unbind(t(A), 1), tuple(A.T))


def test_alpha_and_rounding_mode_in_autodiff(backend: str) -> None:
    def t(a: Any) -> Any:
        return ad.tensor(a, backend=backend)

    _same(ad.add(t(A), t(B), alpha=2), A + 2 * B)
    _same(ad.subtract(t(A), t(B), alpha=0.5), A - 0.5 * B)
    _same(ad.sub(t(A), 1.0, alpha=3), A - 3.0)
    _same(ad.divide(t(A), t(B), rounding_mode="floor"), np.floor(A / B))
    _same(ad.div(t(A), t(B), rounding_mode="trunc"), np.trunc(A / B))
    a, b = np.array([-7, 7, -8, 9, 0, -1]), np.array([2, 2, -3, -4, 5, 3])
    _same(ad.divide(t(a), t(b), rounding_mode="floor"), a // b)
    _same(ad.divide(t(a), t(b), rounding_mode="trunc"), np.trunc(a / b).astype(a.dtype))
    x = ad.tensor(A, requires_grad=True, backend=backend)
    (ad.add(x, x, alpha=3).sum() + ad.divide(x, 2.0, rounding_mode="floor").sum()).backward()
    _same(x.grad, np.full_like(A, 4.0))
    with pytest.raises(ValueError, match="div expected rounding_mode to be one of None, "
                                         "'trunc', or 'floor' but found 'round'"):
        ad.divide(t(A), 2.0, rounding_mode="round")


def test_pytorch_keywords_in_autodiff_linalg(backend: str) -> None:
    rng = np.random.default_rng(0)
    m = rng.standard_normal((2, 3, 4))
    x = ad.tensor(m, backend=backend)
    L = ad.linalg
    _same(L.vector_norm(x, dim=(0, 2), keepdim=True), np.sqrt((m**2).sum((0, 2), keepdims=True)))
    _same(L.matrix_norm(x, dim=(0, 2)), np.linalg.norm(np.moveaxis(m, 1, 0), axis=(1, 2)))
    _same(L.matrix_norm(x, ord="nuc", dim=(2, 0), keepdim=True),
          np.linalg.norm(np.moveaxis(m, (2, 0), (-2, -1)), "nuc", axis=(-2, -1))[None, :, None])
    sym = rng.standard_normal((3, 3))
    _same(L.eigh(ad.tensor(sym, backend=backend), UPLO="U").eigenvalues,
          np.linalg.eigvalsh(sym, UPLO="U"))
    _same(L.eigvalsh(ad.tensor(sym, backend=backend), UPLO="L"), np.linalg.eigvalsh(sym))
    for atol, rtol in [(0.5, None), (0.5, 0.3), (None, 0.3)]:
        s = np.linalg.svd(m, compute_uv=False)
        cutoff = np.maximum(atol or 0.0, (rtol or 0.0) * s[..., :1])
        _same(L.matrix_rank(x, atol=atol, rtol=rtol), (s > cutoff).sum(-1))
        _same(L.pinv(x, atol=atol, rtol=rtol, hermitian=False),
              np.linalg.pinv(m, rtol=np.maximum(rtol or 0.0, (atol or 0.0) / s[..., 0])))
    spd = sym @ sym.T + np.eye(3)
    _same(L.pinv(ad.tensor(spd, backend=backend), hermitian=True), np.linalg.inv(spd))
    with pytest.raises(RuntimeError, match="Expected UPLO argument to be 'L' or 'U', but got X"):
        L.eigh(ad.tensor(sym, backend=backend), UPLO="X")


def test_pytorch_keywords_in_autodiff_linalg_against_torch() -> None:
    torch = pytest.importorskip("torch", reason="compared with PyTorch where installed")
    rng = np.random.default_rng(1)
    m = rng.standard_normal((2, 3, 4))
    for atol, rtol in [(0.5, None), (0.5, 0.3), (None, 0.3), (1.2, 0.0)]:
        _same(ad.linalg.pinv(ad.tensor(m), atol=atol, rtol=rtol),
              torch.linalg.pinv(torch.tensor(m), atol=atol, rtol=rtol))
        _same(ad.linalg.matrix_rank(ad.tensor(m), atol=atol, rtol=rtol),
              torch.linalg.matrix_rank(torch.tensor(m), atol=atol, rtol=rtol))
    _same(ad.divide(ad.tensor(A), 0.3, rounding_mode="floor"),
          torch.div(torch.tensor(A), 0.3, rounding_mode="floor"))


@pytest.mark.parametrize(("call", "name", "given"), [
    (lambda x: ad.max(x, dim=1), "max", "dim=1"),
    (lambda x: ad.min(x, keepdim=True), "min", "keepdim=True"),
    (lambda x: ad.std(x, dim=0), "std", "dim=0"),
    (lambda x: ad.var(x, dim=1, keepdim=True), "var", "dim=1"),
    (lambda x: ad.sort(x, dim=0), "sort", "dim=0"),
    (lambda x: ad.max(x, 1), "max", "dim=1"),
    (lambda x: ad.min(x, 0), "min", "dim=0"),
    (lambda x: ad.std(x, 1), "std", "dim=1"),
    (lambda x: ad.var(x, 0), "var", "dim=0"),
    (lambda x: ad.sort(x, 1), "sort", "dim=1"),
])
def test_a_call_pytorch_reads_differently_raises(call: Any, name: str, given: str) -> None:
    with pytest.raises(TypeError, match=rf"autodiff\.{name}\(x, {given}\) is ambiguous: "
                                        rf".*x\.{name}\({given}\) or "
                                        rf"autodiff\.torch\.{name}\(x, {given}\)"):
        call(ad.tensor(A))


def test_the_standards_reading_stays_available() -> None:
    x = ad.tensor(A)
    _same(ad.max(x, axis=1), A.max(1))
    _same(ad.std(x, dim=1, correction=0), A.std(1))
    _same(ad.var(x, dim=0, unbiased=True), A.var(0, ddof=1))
    _same(ad.std(x, 1, correction=1), A.std(1, ddof=1))
    _same(ad.sort(x, axis=0), np.sort(A, 0))
    _same(x.max(dim=1), (A.max(1), A.argmax(1)))


# -- PyTorch's signatures of searchsorted and zero_ --------------------------------------
def test_searchsorted_rejects_mismatched_rows_and_opposite_sides() -> None:
    with pytest.raises(RuntimeError, match="first N-1 dimensions of boundaries"):
        torch_ns.searchsorted(ad.tensor(A), ad.tensor(V))
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        torch_ns.searchsorted(ad.tensor(V), ad.tensor(V), side="left", right=True)


def test_zero_fills_in_place() -> None:
    x = ad.tensor(A)
    assert torch_ns.zero_(x) is x
    _same(x, np.zeros_like(A))


def test_to_and_casts_take_pytorchs_keywords() -> None:
    x = ad.tensor(A)
    _same(x.to(ad.float32, non_blocking=True, memory_format=None), A.astype(np.float32))
    _same(x.to(ad.float64, False, True), A)
    assert x.to(ad.float64, False, True) is not x
    _same(x.double(memory_format=None), A)
    assert x.long(memory_format=None).dtype == ad.int64


def test_fft_takes_pytorchs_keywords_and_positions() -> None:
    x = ad.tensor(A)
    _same(torch_ns.fft.fft(x, n=4, dim=0, norm="ortho"), np.fft.fft(A, 4, 0, "ortho"))
    _same(torch_ns.fft.rfftn(x, s=(2, 4)), np.fft.rfftn(A, (2, 4)))
    _same(torch_ns.fft.ifft2(x, None, (0, 1)), np.fft.ifft2(A))
    with pytest.raises(TypeError, match="unexpected keyword argument 'axis'"):
        torch_ns.fft.fft(x, axis=0)
    with pytest.raises(TypeError, match="multiple values for argument 'n'"):
        torch_ns.fft.fft(x, 4, n=4)


def test_to_the_device_a_tensor_is_on_keeps_its_backend() -> None:
    for name in ("numpy", "array_api_strict"):
        x = ad.tensor(A, backend=name, requires_grad=True)
        assert x.to("cpu") is x and x.to(x.device) is x
        copied = x.to("cpu", ad.float64, False, True)
        assert copied is not x and copied.backend == name
        copied.sum().backward()
        _same(x.grad, np.ones_like(A))


def test_linalg_solve_reads_b_as_pytorch_does(backend: str) -> None:
    # A (3, 3, 3) and B (3, 3): PyTorch reads B as a batch of vectors (B.shape ==
    # A.shape[:-1]), the standard as one matrix broadcast over the batch; each namespace
    # keeps its own reading, never the other's
    import autodiff.torch as torch_ns

    scale = np.arange(1.0, 4.0)
    a = ad.tensor(scale[:, None, None] * np.eye(3), requires_grad=True)
    b = ad.tensor(np.tile([1.0, 2.0, 3.0], (3, 1)))
    got = torch_ns.linalg.solve(a, b)
    np.testing.assert_allclose(got.detach().numpy(), b.numpy() / scale[:, None])
    assert ad.linalg.solve(a, b).shape == (3, 3, 3)
    got.sum().backward()
    np.testing.assert_allclose(a.grad.numpy().diagonal(axis1=1, axis2=2),
                               -b.numpy() / scale[:, None] ** 2)
    left = torch_ns.linalg.solve(a, b[:, None, :], left=False)  # X A = B, rows
    np.testing.assert_allclose(left.detach().numpy()[:, 0, :], b.numpy() / scale[:, None])


def test_tensor_methods_take_alpha_and_rounding_mode(backend: str) -> None:
    x = ad.tensor([5.0, -7.0], requires_grad=True)
    y = ad.tensor([2.0, 2.0])
    assert x.add(y, alpha=3).tolist() == [11.0, -1.0]
    assert x.sub(y, alpha=0.5).tolist() == [4.0, -8.0]
    assert x.div(y, rounding_mode="floor").tolist() == [2.0, -4.0]
    assert x.div(y, rounding_mode="trunc").tolist() == [2.0, -3.0]
    x.add(y, alpha=3).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]

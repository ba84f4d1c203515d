"""autodiff as an Array API namespace: the module's names and constants, the inspection
namespace, the Tensor's standard attributes and conversions, the data type functions,
the creation functions' standard signatures, and third-party code that dispatches on
``__array_namespace__`` running (and being differentiated) on autodiff tensors.

Reference values come from numpy, array-api-strict (the standard's reference) and the
documented PyTorch behaviour, never from autodiff itself.
"""

from __future__ import annotations

import math
import operator
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from backend_helpers import dlpack_consumer

import autodiff as ad

STANDARD = "2025.12"
DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
               "uint64", "float32", "float64", "complex64", "complex128")
KINDS = ("bool", "signed integer", "unsigned integer", "integral", "real floating",
         "complex floating", "numeric")


# -- the module --------------------------------------------------------------------------
# array-api-strict's own helpers
STRICT_ONLY = {"ArrayAPIStrictFlags", "Device", "__version__", "get_array_api_strict_flags",
               "reset_array_api_strict_flags", "set_array_api_strict_flags"}


def test_every_standard_name_exists() -> None:
    """Every function and constant of the 2025.12 standard, with its linalg and fft
    extensions, as listed by array-api-strict's namespaces."""
    strict = pytest.importorskip("array_api_strict")
    import importlib

    missing = []
    for module_name, names in (
            ("autodiff", set(strict.__all__) - STRICT_ONLY),
            ("autodiff.linalg", set(strict.linalg.__all__)),
            ("autodiff.fft", set(strict.fft.__all__))):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            missing.append(f"{module_name} (the module)")
            continue
        missing += [f"{module_name}.{name}" for name in sorted(names)
                    if not hasattr(module, name)]
    assert not missing, f"missing from the namespace: {missing}"


def test_version_and_constants() -> None:
    assert ad.__array_api_version__ == STANDARD
    assert (ad.e, ad.pi) == (math.e, math.pi)
    assert ad.inf == math.inf and math.isnan(ad.nan)
    assert ad.newaxis is None
    assert all(isinstance(getattr(ad, name), ad.DType) for name in DTYPE_NAMES)


def test_array_namespace_is_the_module(backend: str) -> None:
    x = ad.ones(2)
    assert x.__array_namespace__() is ad
    for version in ("2021.12", "2022.12", "2023.12", STANDARD):
        assert x.__array_namespace__(api_version=version) is ad
    with pytest.raises(ValueError, match="unsupported api_version '2099.12'"):
        x.__array_namespace__(api_version="2099.12")


def test_array_api_compat_finds_the_namespace(backend: str) -> None:
    import array_api_compat

    x = ad.ones(2)
    assert array_api_compat.array_namespace(x) is ad
    assert array_api_compat.is_array_api_obj(x)


# -- the inspection namespace ------------------------------------------------------------
def test_info_capabilities_and_devices(backend: str) -> None:
    info = ad.__array_namespace_info__()
    capabilities = info.capabilities()
    assert capabilities["boolean indexing"] is True
    assert capabilities["data-dependent shapes"] is True
    native = ad.get_backend().xp.__array_namespace_info__().capabilities()
    assert capabilities["max dimensions"] == native["max dimensions"]
    assert info.default_device() == ad.ones(1).device
    assert info.default_device() in info.devices()


def test_info_default_dtypes_are_what_python_numbers_become(backend: str) -> None:
    defaults = ad.__array_namespace_info__().default_dtypes()
    assert defaults["real floating"] is ad.asarray(1.0).dtype is ad.float32
    assert defaults["complex floating"] is ad.asarray(1j).dtype is ad.complex64
    assert defaults["integral"] is ad.asarray(1).dtype is ad.int64
    assert defaults["indexing"] is ad.int64  # PyTorch's index dtype
    ad.set_default_dtype(ad.float64)
    try:
        assert ad.__array_namespace_info__().default_dtypes()["complex floating"] is \
            ad.complex128
    finally:
        ad.set_default_dtype(ad.float32)


@pytest.mark.parametrize("kind", [None, *KINDS, ("bool", "complex floating")])
def test_info_dtypes_by_kind(kind: object, backend: str) -> None:
    found = ad.__array_namespace_info__().dtypes(kind=kind)
    native = ad.get_backend().xp.__array_namespace_info__().dtypes(kind=kind)
    assert sorted(found) == sorted(native)
    assert all(dtype is getattr(ad, name) for name, dtype in found.items())


def test_info_refuses_another_device(backend: str) -> None:
    info = ad.__array_namespace_info__()
    assert info.dtypes(device=info.default_device()) == info.dtypes()
    with pytest.raises(ValueError, match="is not a device of backend"):
        info.default_dtypes(device="cuda:7")


# -- Tensor attributes ----------------------------------------------------------------------
def test_standard_attributes(backend: str) -> None:
    x = ad.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.shape == (2, 3, 4) and x.ndim == 3 and x.dtype is ad.float64
    assert x.device == ad.__array_namespace_info__().default_device()
    assert x.mT.shape == (2, 4, 3)
    np.testing.assert_array_equal(x.mT.numpy(), np.swapaxes(x.numpy(), -1, -2))
    m = ad.tensor([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(m.T.numpy(), m.numpy().T)
    assert x.to_device(x.device) is x


def test_size_is_the_standard_int_and_pytorch_method(backend: str) -> None:
    x = ad.ones(2, 3, 4)
    assert isinstance(x.size, int) and x.size == 24
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert ad.ones(()).size == 1 and ad.ones(()).size() == ()
    assert ad.ones(0, 3).size == 0
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in "
                                         r"range of \[-3, 2\], but got 3\)"):
        x.size(3)
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no "
                                         "dimensions"):
        ad.ones(()).size(0)


# -- conversion to Python scalars ----------------------------------------------------------
def test_scalar_conversions(backend: str) -> None:
    assert bool(ad.tensor(0.0)) is False and bool(ad.tensor([[float("nan")]])) is True
    assert bool(ad.tensor(1j)) is True
    assert float(ad.tensor(True)) == 1.0 and isinstance(float(ad.tensor(3)), float)
    assert int(ad.tensor(-2.7)) == -2 and int(ad.tensor([True])) == 1
    assert complex(ad.tensor(1.5)) == 1.5 + 0j and complex(ad.tensor(False)) == 0j
    assert operator.index(ad.tensor(7, dtype=ad.uint8)) == 7
    assert operator.index(ad.tensor([[3]])) == 3
    assert operator.index(ad.tensor(True)) == 1  # PyTorch accepts bool
    assert [0, 1, 2, 3][ad.tensor(2)] == 2
    # a tensor that requires grad converts too, as in PyTorch
    assert float(ad.tensor(2.5, requires_grad=True)) == 2.5


def test_scalar_conversion_errors(backend: str) -> None:
    two = ad.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one "
                                           "value is ambiguous"):
        bool(two)
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is "
                                           "ambiguous"):
        bool(ad.ones(0))
    for convert in (float, int, complex):
        with pytest.raises(ValueError, match="only one element tensors can be converted "
                                             "to Python scalars"):
            convert(two)
    with pytest.raises(ValueError, match="cannot convert float NaN to integer"):
        int(ad.tensor(float("nan")))
    with pytest.raises(OverflowError, match="cannot convert float infinity to integer"):
        int(ad.tensor(-float("inf")))
    for convert in (float, int):  # the standard requires TypeError for complex input
        with pytest.raises(TypeError, match=r"of a complex tensor: take \.real"):
            convert(ad.tensor(1 + 0j))
    for wrong in (ad.tensor(1.0), ad.tensor([1, 2])):
        with pytest.raises(TypeError, match="only integer tensors of a single element can "
                                            "be converted to an index"):
            operator.index(wrong)


# -- DLPack --------------------------------------------------------------------------------
def test_dlpack_shares_memory(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64)
    values = dlpack_consumer(backend).from_dlpack(x)
    assert values.tolist() == [1.0, 2.0, 3.0]
    # a lazy array (dask) exports its computed values, from host memory
    exporter = np.asarray(0.0) if ad.get_backend().lazy else x.array
    assert x.__dlpack_device__() == exporter.__dlpack_device__()
    assert ad.from_dlpack(x).dtype is ad.float64
    copied = ad.from_dlpack(np.arange(3.0), copy=True)
    np.testing.assert_array_equal(copied.numpy(), [0.0, 1.0, 2.0])


def test_dlpack_refuses_a_tensor_that_requires_grad(backend: str) -> None:
    consumer = dlpack_consumer(backend)
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match=r"Can't export tensors that require gradient, "
                                          r"use tensor.detach\(\)"):
        consumer.from_dlpack(x)
    assert consumer.from_dlpack(x.detach()).tolist() == [1.0, 1.0]


# -- data type functions ---------------------------------------------------------------------
def _strict() -> object:
    return pytest.importorskip("array_api_strict")


@pytest.mark.parametrize("kind", [*KINDS, ("bool", "unsigned integer"), "float32"])
def test_isdtype_matches_the_reference(kind: object) -> None:
    strict = _strict()
    strict_kind = getattr(strict, kind) if kind == "float32" else kind
    ours_kind = ad.float32 if kind == "float32" else kind
    for name in DTYPE_NAMES:
        want = strict.isdtype(getattr(strict, name), strict_kind)  # type: ignore[attr-defined]
        assert ad.isdtype(getattr(ad, name), ours_kind) is want, (name, kind)


def test_isdtype_errors() -> None:
    with pytest.raises(ValueError, match="isdtype: unknown kind 'float'"):
        ad.isdtype(ad.float32, "float")
    with pytest.raises(TypeError, match="isdtype: expected a dtype"):
        ad.isdtype("not a dtype", "bool")
    with pytest.raises(TypeError, match="expected a kind name, a dtype or a tuple"):
        ad.isdtype(ad.float32, 3.5)


def _same_kind_pairs() -> list[tuple[str, str]]:
    groups = (("bool",), ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"),
              ("float32", "float64", "complex64", "complex128"))
    return [(a, b) for group in groups for a in group for b in group]


@pytest.mark.parametrize(("a", "b"), _same_kind_pairs())
def test_result_type_and_can_cast_follow_the_standard(a: str, b: str, backend: str) -> None:
    strict = _strict()
    want = strict.result_type(getattr(strict, a), getattr(strict, b))  # type: ignore[attr-defined]
    got = ad.result_type(getattr(ad, a), getattr(ad, b))
    assert got is getattr(ad, str(want).rpartition(".")[2])
    assert ad.result_type(ad.zeros(1, dtype=getattr(ad, a)), getattr(ad, b)) is got
    cast = strict.can_cast(getattr(strict, a), getattr(strict, b))  # type: ignore[attr-defined]
    assert ad.can_cast(getattr(ad, a), getattr(ad, b)) is cast
    assert ad.can_cast(ad.zeros(1, dtype=getattr(ad, a)), getattr(ad, b)) is cast


def test_result_type_with_python_scalars(backend: str) -> None:
    # scalars are weak: the tensor's or dtype's kind and precision win (2024.12)
    assert ad.result_type(ad.int8, 1) is ad.int8
    assert ad.result_type(ad.float32, 1, 1.0) is ad.float32
    assert ad.result_type(ad.ones(2, dtype=ad.float64), 1j) is ad.complex128
    assert ad.result_type(ad.bool, True) is ad.bool
    assert ad.result_type(2.0, ad.float32, ad.float64) is ad.float64
    with pytest.raises(ValueError, match="at least one tensor or dtype"):
        ad.result_type(1, 2.0)
    with pytest.raises(TypeError, match="expected a dtype"):
        ad.result_type(ad.float32, "float-ish")


@pytest.mark.parametrize("name", ["float32", "float64", "complex64", "complex128"])
def test_finfo_matches_numpy(name: str) -> None:
    for given in (getattr(ad, name), ad.zeros(1, dtype=getattr(ad, name))):
        info, want = ad.finfo(given), np.finfo(name)
        assert info.bits == want.bits and isinstance(info.bits, int)
        for field in ("eps", "max", "min", "smallest_normal"):
            value = getattr(info, field)
            assert isinstance(value, float) and value == float(getattr(want, field))
        assert info.tiny == info.smallest_normal
        assert info.dtype is getattr(ad, "float32" if name in ("float32", "complex64")
                                     else "float64")


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8", "uint16",
                                  "uint32", "uint64"])
def test_iinfo_matches_numpy(name: str) -> None:
    info, want = ad.iinfo(getattr(ad, name)), np.iinfo(name)
    assert (info.bits, info.min, info.max) == (want.bits, want.min, want.max)
    assert all(isinstance(v, int) for v in (info.bits, info.min, info.max))
    assert info.dtype is getattr(ad, name)
    assert ad.iinfo(ad.zeros(1, dtype=getattr(ad, name))).max == want.max


def test_finfo_iinfo_errors() -> None:
    with pytest.raises(TypeError, match="finfo: expected a floating point or complex dtype"):
        ad.finfo(ad.int32)
    with pytest.raises(TypeError, match="iinfo: expected an integer dtype"):
        ad.iinfo(ad.float32)
    assert ad.finfo().dtype is ad.get_default_dtype()  # PyTorch: the default dtype


# -- creation functions: the standard's signatures and PyTorch's spellings ------------------
def test_shape_spellings(backend: str) -> None:
    for make, value in ((ad.zeros, 0.0), (ad.ones, 1.0), (ad.empty, None)):
        for tensor in (make((2, 3)), make(2, 3), make(shape=(2, 3)), make(size=[2, 3])):
            assert tensor.shape == (2, 3) and tensor.dtype is ad.float32
            if value is not None:
                np.testing.assert_array_equal(tensor.numpy(), np.full((2, 3), value))
        with pytest.raises(TypeError, match="missing its shape"):
            make()
        with pytest.raises(TypeError, match="both positionally and as size="):
            make((2,), size=(2,))
    assert ad.full(shape=(2,), fill_value=3).dtype is ad.int64
    assert ad.full(size=(2,), fill_value=True).dtype is ad.bool
    assert ad.full((2,), 1j).dtype is ad.complex64


def test_full_takes_a_0d_tensor_without_grad(backend: str) -> None:
    np.testing.assert_array_equal(ad.full((3,), ad.tensor(4)).numpy(), [4, 4, 4])
    assert ad.full((3,), ad.tensor(4)).dtype is ad.int64
    with pytest.raises(TypeError, match="fill_value must be a Python number or a 0-d tensor "
                                        "that does not require grad"):
        ad.full((3,), ad.tensor(4.0, requires_grad=True))


def test_linspace_and_arange(backend: str) -> None:
    np.testing.assert_allclose(ad.linspace(0, 1, 4, endpoint=False).numpy(),
                               np.linspace(0, 1, 4, endpoint=False))
    np.testing.assert_allclose(ad.linspace(2.0, 3.0, steps=5).numpy(), np.linspace(2, 3, 5))
    assert ad.linspace(0, 1j, 3).dtype is ad.complex64
    for start, stop, num, endpoint in ((0, 1j, 3, True), (1 + 2j, -3 - 1j, 7, True),
                                       (0.5, 2j, 5, False), (1j, 1j, 1, True)):
        np.testing.assert_allclose(
            ad.linspace(start, stop, num, endpoint=endpoint, dtype=ad.complex128).numpy(),
            np.linspace(start, stop, num, endpoint=endpoint), rtol=1e-15, atol=1e-15)
    with pytest.raises(TypeError, match="got both num= and its alias steps="):
        ad.linspace(0, 1, 3, steps=3)
    np.testing.assert_array_equal(ad.arange(1, end=7, step=2).numpy(), [1, 3, 5])
    assert ad.arange(3).dtype is ad.int64 and ad.arange(3.0).dtype is ad.float32


def test_eye_offsets(backend: str) -> None:
    for k in (-2, 0, 1, 5):
        np.testing.assert_array_equal(ad.eye(3, 4, k=k, dtype=ad.int8).numpy(),
                                      np.eye(3, 4, k=k, dtype=np.int8))


def test_like_functions_keep_dtype(backend: str) -> None:
    x = ad.ones(2, 3, dtype=ad.int16)
    for like in (ad.zeros_like, ad.ones_like, ad.empty_like):
        assert like(x).dtype is ad.int16 and like(x).shape == (2, 3)
        assert like(x, dtype=ad.float64).dtype is ad.float64
    np.testing.assert_array_equal(ad.full_like(x, 9).numpy(), np.full((2, 3), 9))


# -- asarray and copies ---------------------------------------------------------------------
def test_asarray_copy_semantics(backend: str) -> None:
    x = ad.ones(3, dtype=ad.float64)
    assert ad.asarray(x) is x and ad.asarray(x, copy=False) is x
    copied = ad.asarray(x, copy=True)
    assert copied is not x and copied.array is not x.array
    np.testing.assert_array_equal(copied.numpy(), x.numpy())
    with pytest.raises(ValueError, match="copy=False, but a list can only be made a tensor "
                                         "by copying"):
        ad.asarray([1.0, 2.0], copy=False)
    with pytest.raises(ValueError, match="copy=False, but going from autodiff.float64 on "
                                         "backend '.*' to autodiff.float32 .* needs a copy"):
        ad.asarray(x, dtype=ad.float32, copy=False)
    assert ad.asarray([1, 2.5]).dtype is ad.float32  # mixed Python numbers: default float
    assert ad.asarray([[True, False]]).dtype is ad.bool


def test_asarray_shares_a_numpy_array_on_numpy(backend: str) -> None:
    host = np.arange(3.0)
    shared = ad.asarray(host, copy=False, backend="numpy")
    assert np.shares_memory(shared.numpy(), host)
    assert not np.shares_memory(ad.asarray(host, copy=True, backend="numpy").numpy(), host)
    with pytest.raises(ValueError):
        ad.asarray(host, dtype=ad.float32, copy=False, backend="numpy")


def test_asarray_of_a_tensor_keeps_the_graph(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], dtype=ad.float32, requires_grad=True)
    y = ad.asarray(x, dtype=ad.float64)
    assert y.dtype is ad.float64 and y.grad_fn is not None
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert x.grad.dtype is ad.float32
    z = ad.asarray(x, copy=True)
    assert z is not x and z.grad_fn is not None


# -- meshgrid, tril, triu -------------------------------------------------------------------
@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid_matches_numpy(indexing: str, backend: str) -> None:
    inputs = [np.arange(2.0), np.arange(3.0) + 10, np.arange(4.0) - 5]
    for count in (1, 2, 3):
        got = ad.meshgrid(*[ad.tensor(a) for a in inputs[:count]], indexing=indexing)
        want = np.meshgrid(*inputs[:count], indexing=indexing)
        assert isinstance(got, tuple) and len(got) == count  # a tuple since 2025.12
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g.numpy(), w)
    assert ad.meshgrid() == ()


def test_meshgrid_gradient_sums_over_the_broadcast(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ad.tensor([4.0, 5.0], requires_grad=True)
    X, Y = ad.meshgrid(x, y)
    (X * Y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [9.0, 9.0, 9.0])  # sum(y) for each x
    np.testing.assert_allclose(y.grad.numpy(), [6.0, 6.0])  # sum(x) for each y
    assert X.grad_fn.name() == "ExpandBackward0"  # as torch.meshgrid


def test_meshgrid_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="indexing must be 'xy' or 'ij', got 'xz'"):
        ad.meshgrid(ad.ones(2), indexing="xz")
    with pytest.raises(ValueError, match=r"expected 0-d or 1-d tensors, got one of shape "
                                         r"\(2, 2\)"):
        ad.meshgrid(ad.ones(2, 2))
    with pytest.raises(TypeError, match="meshgrid: expected Tensors, got list"):
        ad.meshgrid(ad.ones(2), [1, 2])


def test_triangles(backend: str) -> None:
    values = np.arange(24.0).reshape(2, 3, 4)
    x = ad.tensor(values)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(ad.tril(x, k=k).numpy(), np.tril(values, k))
        np.testing.assert_array_equal(x.triu(k).numpy(), np.triu(values, k))
    np.testing.assert_array_equal(ad.tril(x, diagonal=1).numpy(), np.tril(values, 1))
    assert ad.tril(ad.ones(2, 2, dtype=ad.int32)).dtype is ad.int32
    assert ad.triu(ad.ones(3, 3, requires_grad=True)).grad_fn.name() == "TriuBackward0"


def test_triangle_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 "
                                           "dimensions"):
        ad.tril(ad.ones(3))
    with pytest.raises(TypeError, match="triu: got both k= and its alias diagonal="):
        ad.triu(ad.ones(2, 2), 1, k=1)
    with pytest.raises(TypeError, match="triu: k must be an int, got 1.5"):
        ad.triu(ad.ones(2, 2), k=1.5)


# -- code nobody wrote for us: third-party Array API code on autodiff tensors ---------------
def test_array_api_extra_functions_are_differentiable(backend: str) -> None:
    xpx = pytest.importorskip("array_api_extra")
    x = ad.tensor([0.5, 1.5, -2.0, 0.25], dtype=ad.float64, requires_grad=True)
    y = ad.tensor([[1.0, -0.5], [2.0, 3.0]], dtype=ad.float64, requires_grad=True)
    np.testing.assert_allclose(xpx.sinc(x).detach().numpy(), np.sinc(x.detach().numpy()))
    assert ad.testing.gradcheck(xpx.sinc, (x,))
    np.testing.assert_allclose(xpx.kron(x, y).detach().numpy(),
                               np.kron(x.detach().numpy(), y.detach().numpy()))
    assert ad.testing.gradcheck(xpx.kron, (x, y))
    assert ad.testing.gradcheck(lambda t: xpx.atleast_nd(t, ndim=3) * 2.0, (x,))


def test_array_api_extra_cov(backend: str) -> None:
    xpx = pytest.importorskip("array_api_extra")
    missing = [name for name in ("squeeze", "conj", "sum", "mean") if not hasattr(ad, name)]
    if missing:
        pytest.skip(f"xpx.cov needs autodiff.{', '.join(missing)} (other chapters)")
    data = np.array([[0.5, 1.5, -2.0, 0.25], [1.0, 0.0, 2.0, -1.0]])
    x = ad.tensor(data, requires_grad=True)
    np.testing.assert_allclose(xpx.cov(x).detach().numpy(), np.cov(data))
    assert ad.testing.gradcheck(xpx.cov, (x,))


SCIPY_SCRIPT = textwrap.dedent("""
    import numpy as np
    import autodiff as ad
    from scipy.special import logsumexp

    ad.set_backend({backend!r})
    values = np.array([[0.5, 1.5, -2.0], [3.0, -1.0, 0.25]])
    x = ad.tensor(values, requires_grad=True)
    out = logsumexp(x, axis=1)
    assert isinstance(out, ad.Tensor), type(out)
    np.testing.assert_allclose(out.detach().numpy(), logsumexp(values, axis=1))
    out.sum().backward()
    softmax = np.exp(values - logsumexp(values, axis=1, keepdims=True))
    np.testing.assert_allclose(x.grad.numpy(), softmax)  # d logsumexp = softmax
    assert ad.testing.gradcheck(lambda t: logsumexp(t, axis=0), (ad.tensor(values,
                                requires_grad=True),))
    print("ok")
""")


def test_scipy_logsumexp_is_differentiable(backend: str) -> None:
    """scipy.special.logsumexp, written against the Array API (SCIPY_ARRAY_API=1, set
    before scipy is imported: so in a fresh interpreter) on autodiff tensors."""
    pytest.importorskip("scipy")
    needed = ("max", "squeeze", "isfinite", "where", "exp", "log", "log1p", "sign", "sum",
              "real", "imag", "abs", "astype", "arange", "reshape", "full")
    missing = [name for name in needed if not hasattr(ad, name)]
    if missing:
        pytest.skip(f"scipy's logsumexp needs autodiff.{', '.join(missing)} (other chapters)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "SCIPY_ARRAY_API": "1",
           "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", SCIPY_SCRIPT.format(backend=backend)],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-3000:]


def test_2025_12_shapes_and_tuples(backend: str) -> None:
    x = ad.ones(2, 3)
    assert ad.expand_dims(x, axis=(0, -1)).shape == (1, 2, 3, 1)
    assert ad.expand_dims(x, axis=(1, 3)).shape == (2, 1, 3, 1)
    with pytest.raises(ValueError, match="names a position more than once"):
        ad.expand_dims(x, axis=(0, -4))
    with pytest.raises(IndexError, match="out of range"):
        ad.expand_dims(x, axis=(0, 4))
    assert isinstance(ad.broadcast_arrays(x, ad.ones(3)), tuple)
    assert isinstance(ad.__array_namespace_info__().devices(), tuple)
    assert ad.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert ad.permute_dims(ad.ones(2, 3, 4), (-1, 0, 1)).shape == (4, 2, 3)
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    ad.expand_dims(w, axis=(0, 2)).sum().backward()
    assert w.grad.tolist() == [1.0, 1.0]


def test_a_zero_d_integer_array_indexes_one_axis(backend: str) -> None:
    # the standard's integer-array indexing: a 0-d index array takes one axis, as an
    # integer does, so x[i, 1] names every axis of a 2-d x (no trailing ... is added,
    # which array_api_strict refuses beside index arrays)
    x = ad.arange(6.0).reshape(2, 3).requires_grad_()
    y = x[ad.tensor(1), 2]
    assert y.item() == 5.0 and y.shape == ()
    y.backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert x[ad.tensor([1, 0]), ad.tensor([2, 2])].tolist() == [5.0, 2.0]

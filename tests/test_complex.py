"""Complex inputs through a real loss, checked against finite differences.

PyTorch's convention: for a real loss ``L`` of a complex ``z``, ``z.grad`` is
``dL/dRe(z) + i dL/dIm(z)`` (so a holomorphic ``f`` sends ``g * conj(f'(z))`` back).
Every conformance case (``tests/conformance``) whose inputs can be complex is rerun here
with complex inputs, the loss ``Re sum(w * f(z))`` for a random complex ``w``, and its
gradient compared with central differences along the real and the imaginary axis of
each input element. A case either matches, or is listed as refusing complex input
(it must then raise), or as not applicable (with the reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from conformance.cases import CASES, Case

import autodiff as ad
from autodiff import REGISTRY

L = ad.linalg

#: cases that refuse complex input: ordering (PyTorch raises; the standard leaves the
#: order of complex numbers unspecified), and functions defined for real numbers only
REFUSING = {
    "getitem.mask",  # its mask is x > 0
    "relu.basic", "relu.method",
    "max.all", "max.integer_ties_negative_keepdims", "max.amax_tuple", "max.method_no_dim",
    "max.zero_d", "max.two_way_ties_axis", "max.tie_all", "min.two_way_ties", "min.all",
    "min.integer_ties_keepdims", "min.amin_torch", "min.zero_d",
    "var.all", "var.correction_negative_axis_keepdims", "var.axes", "var.method_unbiased",
    "var.zero_d", "std.constant_row", "std.all", "std.correction_axis", "std.method_keepdim",
    "atan2.broadcast", "atan2.scalar_right", "atan2.scalar_left", "hypot.broadcast",
    "atan2.quadrants", "hypot.scalar", "logaddexp.large", "logaddexp.broadcast", "logaddexp.scalar",
    "clip.scalars", "clip.min_only", "clip.max_only_method", "clip.tensor_bounds",
    "clip.tensor_min_scalar_max", "clip.tensor_max_only", "clip.no_bounds", "clip.clamp",
    "clip.clamp_method", "clip.min_above_max",
    "maximum.broadcast", "maximum.scalar", "maximum.scalar_left", "maximum.ties",
    "minimum.broadcast", "minimum.method", "minimum.scalar", "minimum.ties",
    "copysign.broadcast", "copysign.scalar", "copysign.method", "nextafter.broadcast",
    "nextafter.scalar", "floor.basic", "ceil.basic", "ceil.method", "trunc.basic",
    "remainder.broadcast", "remainder.operator", "remainder.scalar_right",
    "remainder.scalar_left", "floor_divide.broadcast", "floor_divide.operator",
    "floor_divide.scalar_left",
    "rfftn.rfft", "rfftn.rfft_odd_pad", "rfftn.rfft_trim_axis_0", "rfftn.rfftn",
    "rfftn.rfftn_s", "conj.ihfft", "conj.ihfft_n", "irfftn.irfft_round_trip", "imag.conj",
    "complex.basic", "real.complex", "imag.complex",
    "nll_loss.none_weighted", "nll_loss.ignore_index_weighted",
    "add.cross_entropy_weight_smoothing",
    # defined on real numbers only: PyTorch raises NotImplementedError, and so do we
    "celu.default_alpha", "celu.alpha", "softmax.last_axis", "softmax.axis_0",
    "softmax.large_logits", "log_softmax.method", "log_softmax.large_logits",
    "nll_loss.cross_entropy",
    *(f"binary_cross_entropy_with_logits.{variant}"
      for variant in ("mean", "sum", "none", "weight", "pos_weight", "weight_and_pos_weight",
                      "large_logits", "large_logits_pos_weight")),
    # sorting and arg-extrema need an order
    "getitem.max_dim_keepdim", "getitem.max_dim_method", "getitem.min_dim_method",
    "getitem.sort", "getitem.sort_descending_negative_axis", "getitem.sort_method_values",
}

#: the losses, distances and norms of issue 16 that PyTorch refuses complex input to
REFUSING |= {
    "binary_cross_entropy.none", "mean.binary_cross_entropy",
    "sum.binary_cross_entropy_weight", "divide.kl_div_batchmean", "subtract.kl_div_none",
    "sum.kl_div_log_target", "sum.kl_div_zero_target", "mean.smooth_l1_loss",
    "where.smooth_l1_loss", "sum.huber_loss", "sum.poisson_nll_loss_full",
    "mean.gaussian_nll_loss", "add.gaussian_nll_loss_homoscedastic",
    "mean.margin_ranking_loss", "add.hinge_embedding_loss", "mean.multilabel_soft_margin_loss",
    "mean.multi_margin_loss", "divide.multilabel_margin_loss",
    "sum.triplet_margin_with_distance_loss", "mean.cosine_embedding_loss",
    "sum.cosine_similarity", "vector_norm.pdist", "standardize.layer_norm",
    "add.layer_norm_affine", "add.batch_norm_training", "reshape.group_norm",
    "multiply.instance_norm", "divide.local_response_norm", "ctc_loss.none", "mean.ctc_loss",
}

# autodiff.special and the elementwise extras: defined on real numbers only (PyTorch raises
# for complex input, and so do they), or built from ops that order their operands
REFUSING |= {
    "where.fmod", "where.fmod_scalar", "subtract.frac", "where.fmax", "where.fmin",
    "divide.logaddexp2", "complex.polar", "clip.clamp_min", "clip.clamp_max",
    "conj.conj_physical", "erf.real", "erf.method_wide", "erfc.real", "erfc.tail",
    "erfinv.unit", "erfinv.negative", "erfcx.real", "erfcx.large", "lgamma.positive",
    "lgamma.gammaln_large", "lgamma.negative", "digamma.positive", "digamma.psi_negative",
    "polygamma.order_1", "polygamma.method_order_2", "polygamma.order_0", "i0.real",
    "i0.large", "i0e.real", "i0e.large", "i1.real", "i1.large", "i1e.real", "i1e.large",
    "ndtr.real", "ndtr.tail", "ndtri.unit", "log_ndtr.real", "log_ndtr.lower_tail", "zeta.q",
    "zeta.both", "where.entr", "subtract.logit_eps", "add.multigammaln", "gammainc.x",
    "gammainc.both", "gammaincc.x", "bessel_j0.real", "bessel_j1.real", "add.mvlgamma_method",
}

#: cases that refuse complex input on some backends and not on others: array_api_strict
#: refuses ordering and complex-to-real casts, numpy casts to real with a warning (as
#: PyTorch does)
MAY_REFUSE = {"astype.float64", "astype.int64", "threshold_backward.mask"}

#: cases whose complex answer is not a function of the inputs alone or needs inputs of a
#: kind the case does not build: they are checked by hand below
NOT_APPLICABLE = {
    # the decomposition's vectors are fixed up to a complex phase (a gauge), and these
    # losses depend on it; the packed layout is being reworked
    "eigh.packed", "svd.packed_tall", "svd.packed_wide_batched", "svd.packed_square_full",
    "multiply.svd_U_squared", "multiply.svd_Vh_squared", "getitem.svd_full_U_first_columns",
    "multiply.eigh_eigenvectors_squared", "slogdet.packed",
    # a @ a.mT + 3 I is complex symmetric, not Hermitian: see test_hermitian_decompositions
    "cholesky.lower", "cholesky.upper_batched", "reshape.eigh_eigenvalues",
    "reshape.eigvalsh_with_grad",
}

#: a complex soft margin is PyTorch's log1p(exp(z)), which overflows at Re z = 1000 as
#: PyTorch's does: the large-logit case is for real input
NOT_APPLICABLE |= {"logaddexp.soft_margin_loss_large"}
# PyTorch's linalg and fft beyond the standard (cases_linalg_extra.py): the real-input
# transforms refuse complex input; a @ a.mT + 3 I is complex symmetric, not Hermitian
REFUSING |= {"rfftn.rfft2", "irfftn.irfft2", "conj.ihfftn", "conj.ihfft2"}
NOT_APPLICABLE |= {"cholesky.cholesky_ex", "reshape.eigvalsh_upper"}

#: known wrong (none at present): name -> reason, each run as a non-strict xfail
KNOWN_WRONG: dict[str, str] = {}


def _complexified(case: Case) -> bool:
    return any(arg.is_float and arg.grad for arg in case.args)


def _selected() -> list[Any]:
    chosen = []
    for case in CASES:
        prim = REGISTRY.get(case.prim)
        if prim is None or not prim.differentiable or not _complexified(case):
            continue
        if case.gradcheck or case.up_to_sign or case.name in NOT_APPLICABLE:
            continue  # float32 outputs (finite differences too coarse), gauges
        marks = ()
        if case.name in KNOWN_WRONG:
            marks = (pytest.mark.xfail(reason=KNOWN_WRONG[case.name], strict=False),)
        chosen.append(pytest.param(case, id=case.name, marks=marks))
    return chosen


def _complex_inputs(case: Case) -> list[np.ndarray]:
    """The case's inputs, each that requires grad given an imaginary part (small, so the
    real part stays in the case's domain: positive for log and sqrt, and so on)."""
    rng = np.random.default_rng(11)
    arrays = case.arrays()
    return [np.asarray(array + 0.3j * rng.standard_normal(array.shape))
            if arg.is_float and arg.grad else array
            for arg, array in zip(case.args, arrays, strict=True)]


def _tensors(case: Case, arrays: Sequence[np.ndarray], grad: bool) -> list[ad.Tensor]:
    return [ad.tensor(array, requires_grad=grad and arg.grad and arg.is_float,
                      backend=arg.backend)
            for arg, array in zip(case.args, arrays, strict=True)]


def _numerical(loss: Callable[[list[np.ndarray]], float], arrays: list[np.ndarray],
               index: int, eps: float = 1e-6) -> np.ndarray:
    """dL/dRe + i dL/dIm of input ``index`` by central differences."""
    base = arrays[index]
    result = np.zeros(base.shape, dtype=np.complex128)
    for element in np.ndindex(base.shape):
        for direction in (1.0, 1j):
            values = []
            for sign in (1.0, -1.0):
                probe = base.copy()
                probe[element] += sign * eps * direction
                values.append(loss([*arrays[:index], probe, *arrays[index + 1:]]))
            result[element] += direction * (values[0] - values[1]) / (2 * eps)
    return result


def _weights(out: ad.Tensor) -> np.ndarray:
    rng = np.random.default_rng(5)
    w = rng.standard_normal(out.shape)
    if out.dtype.kind == "complex floating":
        w = w + 1j * rng.standard_normal(out.shape)
    return w


@pytest.mark.parametrize("case", _selected())
def test_complex_input_through_a_real_loss(case: Case, backend: str) -> None:
    arrays = _complex_inputs(case)
    inputs = _tensors(case, arrays, grad=True)
    if case.name in REFUSING:
        with pytest.raises((TypeError, ValueError, RuntimeError, NotImplementedError)):
            case.fn(*inputs)
        return
    try:
        out = case.fn(*inputs)
    except (TypeError, RuntimeError, NotImplementedError) as error:
        if case.name not in MAY_REFUSE:
            raise
        assert "complex" in str(error) or "real numeric" in str(error)
        return
    if not out.requires_grad:  # an integer or bool output: nothing to differentiate
        assert not out.dtype.is_differentiable
        return
    w = _weights(out)

    def loss(trial: list[np.ndarray]) -> float:
        with ad.no_grad():
            value = case.fn(*_tensors(case, trial, grad=False))
        return float(np.real(np.sum(value.numpy() * w)))

    # L = Re sum(w * y): its gradient with respect to y is conj(w)
    seed = ad.tensor(np.conj(w), dtype=out.dtype, backend=out.backend)
    wanted = [index for index, tensor in enumerate(inputs) if tensor.requires_grad]
    grads = ad.autograd.grad(out, [inputs[i] for i in wanted], seed, allow_unused=True)
    for index, grad in zip(wanted, grads, strict=True):
        got = np.zeros(arrays[index].shape) if grad is None else grad.numpy()
        np.testing.assert_allclose(got, _numerical(loss, arrays, index), rtol=1e-5,
                                   atol=1e-6, err_msg=f"input {index}")


def test_every_refusing_and_excluded_case_exists() -> None:
    names = {case.name for case in CASES}
    assert not (REFUSING | MAY_REFUSE | NOT_APPLICABLE | set(KNOWN_WRONG)) - names


# -- by hand --------------------------------------------------------------------------
def _check(f: Callable[[ad.Tensor], ad.Tensor], z0: np.ndarray) -> None:
    """The gradient of the real ``f`` at ``z0`` against central differences."""
    z = ad.tensor(z0, requires_grad=True)
    f(z).backward()
    assert z.grad is not None

    def loss(trial: list[np.ndarray]) -> float:  # f may itself differentiate
        return float(f(ad.tensor(trial[0], requires_grad=True)).detach().numpy())

    np.testing.assert_allclose(z.grad.numpy(), _numerical(loss, [z0], 0), rtol=1e-5,
                               atol=1e-6)


def test_exp_of_i_x_gives_minus_sin(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    ad.real(ad.exp(ad.complex(ad.zeros_like(x), x))).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), -np.sin([1.0, 2.0, 3.0]), rtol=1e-12)


def test_gradient_descent_on_a_complex_distance_converges(backend: str) -> None:
    target = ad.tensor(np.array([1 + 2j, -0.5 + 0.25j]))
    z = ad.tensor(np.zeros(2, dtype=np.complex128), requires_grad=True)
    for _ in range(100):
        loss = (ad.abs(z - target) ** 2).sum()
        z.grad = None
        loss.backward()
        with ad.no_grad():
            z -= 0.1 * z.grad
    np.testing.assert_allclose(z.detach().numpy(), target.numpy(), atol=1e-8)


def test_a_loss_built_of_ops_with_complex_constants(backend: str) -> None:
    rng = np.random.default_rng(0)
    w = ad.tensor(rng.standard_normal(3) + 1j * rng.standard_normal(3))
    z0 = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    _check(lambda z: ad.real(ad.sum(ad.sin(z) * w * 1j / (z + 3.0) ** 2)), z0)
    _check(lambda z: ad.sum(ad.abs(ad.exp(z) * ad.log(z + 4.0)) ** 2), z0)
    _check(lambda z: ad.imag(ad.prod(ad.tanh(z)) + ad.cumulative_prod(z, axis=0)[-1]), z0)
    _check(lambda z: ad.real(ad.sum(ad.pow(1.5 + 0.5j, z) * w)), z0)


def test_real_input_times_a_complex_number(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    ad.imag(x * (2.0 + 3.0j)).sum().backward()  # d Im((2+3i) x)/dx = 3
    assert x.grad is not None and x.grad.dtype == ad.float64
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_hermitian_decompositions(backend: str) -> None:
    rng = np.random.default_rng(1)
    a0 = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    w = ad.tensor(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)))

    def hermitian(a: ad.Tensor) -> ad.Tensor:
        return a @ ad.conj(a).mT + 3 * ad.eye(3, dtype=a.dtype, backend=a.backend)

    _check(lambda a: ad.real(ad.sum(L.cholesky(hermitian(a)) * w)), a0)
    _check(lambda a: ad.sum(L.eigvalsh(hermitian(a)) * ad.real(w[0])), a0)
    _check(lambda a: ad.sum(ad.abs(L.eigh(hermitian(a)).eigenvectors) ** 2 * ad.real(w)), a0)
    _check(lambda a: ad.sum(L.svdvals(a) * ad.real(w[0])), a0)
    _check(lambda a: ad.real(ad.sum(L.inv(a) * w)) + L.slogdet(a).logabsdet, a0)


def test_hessian_vector_product_through_a_real_loss(backend: str) -> None:
    """create_graph runs the rules on tensors, conjugated too: the derivative of
    <grad L(z), v> (a real pairing) against differences of gradients."""
    rng = np.random.default_rng(2)
    z0 = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    v = rng.standard_normal(3) + 1j * rng.standard_normal(3)

    def loss(z: ad.Tensor) -> ad.Tensor:
        y = ad.exp(z) * ad.sin(z) + z**3
        return ad.real(ad.sum(ad.conj(y) * y)) + ad.real(ad.sum(ad.sqrt(z + 3.0) * 1j))

    def gradient(values: np.ndarray, create_graph: bool = False) -> Any:
        z = ad.tensor(values, requires_grad=True)
        (g,) = ad.autograd.grad(loss(z), z, create_graph=create_graph)
        return z, g

    z, g = gradient(z0, create_graph=True)
    pairing = ad.real(ad.sum(ad.conj(g) * ad.tensor(v)))  # Re <g, v>
    (hvp,) = ad.autograd.grad(pairing, z)
    eps = 1e-6

    def pair(values: np.ndarray) -> float:
        return float(np.real(np.sum(np.conj(gradient(values)[1].numpy()) * v)))

    numerical = np.array([
        sum(d * (pair(z0 + eps * d * e) - pair(z0 - eps * d * e)) / (2 * eps)
            for d in (1.0, 1j)) for e in np.eye(3)])
    np.testing.assert_allclose(hvp.numpy(), numerical, rtol=1e-5, atol=1e-5)


def test_forward_mode_stays_holomorphic(backend: str) -> None:
    """jvp is f'(z) t, with no conjugate."""
    fwAD = ad.autograd.forward_ad
    z0, t0 = np.array([0.5 + 1j, -1 + 0.25j]), np.array([1 - 2j, 0.5 + 1j])
    with fwAD.dual_level():
        dual = fwAD.make_dual(ad.tensor(z0), ad.tensor(t0))
        tangent = fwAD.unpack_dual(ad.exp(dual) * ad.sin(dual)).tangent
    derivative = np.exp(z0) * (np.sin(z0) + np.cos(z0))
    np.testing.assert_allclose(tangent.numpy(), derivative * t0, rtol=1e-12)


def test_pow_with_a_complex_exponent_twice(backend: str) -> None:
    z0 = np.array([1 + 2j, 0.5 - 1j])
    _check(lambda z: ad.real(ad.sum(ad.autograd.grad(
        ad.real(ad.sum(ad.pow(2.0 + 1j, z))), z, create_graph=True)[0] ** 2)), z0)


# -- ordering refuses complex numbers (PyTorch's errors) ---------------------------------
Z = np.array([1 + 2j, -0.5 + 1j])


@pytest.mark.parametrize(("fn", "error", "match"), [
    (lambda z, w: z < w, NotImplementedError, '"lt_cpu" not implemented for \'ComplexDouble\''),
    (lambda z, w: z <= 1.0, NotImplementedError, '"le_cpu" not implemented'),
    (lambda z, w: 1.0 < z, NotImplementedError, '"gt_cpu" not implemented'),
    (lambda z, w: ad.greater_equal(z, w), NotImplementedError, '"ge_cpu" not implemented'),
    (lambda z, w: ad.less(ad.real(z), 1j), NotImplementedError, '"lt_cpu" not implemented'),
    (lambda z, w: ad.maximum(z, w), RuntimeError, "maximum not implemented for complex"),
    (lambda z, w: ad.minimum(z, 0.0), RuntimeError, "minimum not implemented for complex"),
    (lambda z, w: ad.clip(z, 0.0, 1.0), NotImplementedError,
     "clamp is not supported for complex types"),
    (lambda z, w: ad.clip(ad.real(z), min=w), NotImplementedError,
     "clamp is not supported for complex types"),
    (lambda z, w: z.clamp(max=1.0), NotImplementedError, "clamp is not supported"),
    (lambda z, w: ad.max(z), RuntimeError, r"max\(\): does not support complex input"),
    (lambda z, w: ad.min(z, axis=0), RuntimeError, r"min\(\): does not support complex"),
    (lambda z, w: z.max(), RuntimeError, r"max\(\): does not support complex input"),
    (lambda z, w: z.max(0), RuntimeError, r"max\(\): does not support complex input"),
    (lambda z, w: ad.argmax(z), RuntimeError, r"argmax\(\): does not support complex"),
    (lambda z, w: z.argmin(0), RuntimeError, r"argmin\(\): does not support complex"),
    (lambda z, w: ad.sort(z), RuntimeError, "Sort does not support complex dtypes"),
    (lambda z, w: z.argsort(), RuntimeError, "Sort does not support complex dtypes"),
    (lambda z, w: ad.searchsorted(z, w), NotImplementedError,
     '"searchsorted" not implemented for \'ComplexDouble\''),
    (lambda z, w: ad.nn.functional.softmax(z, 0), NotImplementedError,
     '"softmax" not implemented for \'ComplexDouble\''),
    (lambda z, w: ad.nn.functional.log_softmax(z, 0), NotImplementedError,
     '"log_softmax" not implemented'),
    (lambda z, w: ad.nn.functional.celu(z), NotImplementedError, '"celu" not implemented'),
    (lambda z, w: ad.nn.functional.binary_cross_entropy_with_logits(ad.real(z), w),
     NotImplementedError, '"binary_cross_entropy_with_logits" not implemented'),
], ids=["lt", "le_scalar", "gt_reflected", "ge", "lt_complex_scalar", "maximum", "minimum",
        "clip", "clip_complex_bound", "clamp_method", "max", "min", "max_method",
        "max_dim", "argmax", "argmin_method", "sort", "argsort", "searchsorted", "softmax",
        "log_softmax", "celu", "bce_with_logits_complex_target"])
def test_ordering_refuses_complex(fn: Callable[..., Any], error: type[Exception], match: str,
                                  backend: str) -> None:
    z = ad.tensor(Z, requires_grad=True)
    w = ad.tensor(Z[::-1].copy())
    with pytest.raises(error, match=match):
        fn(z, w)


def test_equality_and_real_ordering_still_work(backend: str) -> None:
    z = ad.tensor(Z)
    assert (z == z).numpy().all()
    assert not (z != z).numpy().any()
    np.testing.assert_array_equal((ad.real(z) < 0).numpy(), [False, True])
    np.testing.assert_array_equal(ad.maximum(ad.real(z), 0.0).numpy(), [1.0, 0.0])


def test_backward_of_a_complex_output_needs_its_gradient(backend: str) -> None:
    # which real loss of a complex number? PyTorch refuses to pick one, and so do we
    z = ad.tensor(1.0 + 1.0j, requires_grad=True)
    assert z.dtype == ad.complex64  # PyTorch's default complex dtype
    with pytest.raises(RuntimeError, match="only for real scalar outputs but got "
                                           "autodiff.complex64"):
        (z * z).backward()
    (z * z).backward(ad.tensor(1.0 + 0.0j))  # given, it is PyTorch's g * conj(f'(z))
    assert complex(z.grad.item()) == pytest.approx(2.0 - 2.0j)


@pytest.mark.parametrize(("output_complex", "grad_complex"), [(True, False), (False, True)])
def test_a_gradient_of_the_other_kind_raises(output_complex: bool, grad_complex: bool,
                                              backend: str) -> None:
    z = ad.tensor([1.0 + 2.0j, 3.0 - 1.0j], requires_grad=True)
    out = z * z if output_complex else ad.real(z * z)
    grad = ad.ones(2, dtype=ad.complex128 if grad_complex else ad.float64)
    want = (f"Mismatch in dtype: grad_output\\[0\\] has a dtype of {grad.dtype} and "
            f"output\\[0\\] has a dtype of {out.dtype}")
    with pytest.raises(RuntimeError, match=want):
        out.backward(grad)
    with pytest.raises(RuntimeError, match=want):
        ad.autograd.grad(out, z, grad)
    assert z.grad is None


# -- nn.functional activations and layers (issue 16): PyTorch refuses complex input to all
# but silu, softsign, tanhshrink, linear, bilinear and embedding (embedding_bag refuses a
# complex weight with a RuntimeError)
REFUSING |= {
    "softplus.default", "softplus.beta_threshold", "softplus.extremes", "gelu.exact",
    "gelu.exact_tails", "gelu.tanh", "negative.logsigmoid", "negative.logsigmoid_extremes",
    "multiply.mish", "multiply.mish_extremes", "softmax.softmin", "where.elu",
    "where.elu_alpha", "where.elu_extremes", "where.selu", "where.selu_extremes",
    "where.leaky_relu", "where.hardtanh", "where.relu6", "where.hardsigmoid",
    "multiply.hardswish", "where.threshold", "where.hardshrink", "where.hardshrink_method",
    "where.softshrink", "where.prelu_channels", "where.prelu_shared", "where.rrelu_eval",
    "multiply.glu", "multiply.glu_dim0",
    "matmul.scaled_dot_product_attention", "matmul.sdpa_bool_mask_and_a_dead_row",
    "matmul.sdpa_float_mask_and_scale", "matmul.sdpa_causal", "matmul.sdpa_grouped_query",
    "multiply.dropout_seeded", "multiply.dropout_p_one", "multiply.dropout2d_seeded",
    "multiply.dropout1d_unbatched_seeded", "multiply.dropout3d_unbatched_seeded",
    "add.alpha_dropout_seeded", "add.feature_alpha_dropout_seeded",
    "matmul.embedding_bag_sum", "divide.embedding_bag_mean", "where.embedding_bag_max",
    "matmul.embedding_bag_2d_per_sample_weights", "where.rrelu_training_seeded",
    "matmul.sdpa_dropout_seeded",
}

# cov's analytic weights must be real, as PyTorch says (the complex matrix makes them complex)
REFUSING |= {"divide.cov_weighted"}
# std/var refuse complex here (listed above), so std_mean/var_mean do; quantile refuses as
# PyTorch's does; corrcoef clips to [-1, 1], an order (PyTorch clips real and imaginary
# parts separately: not supported here)
REFUSING |= {"add.std_mean", "var.var_mean", "getitem.quantile", "reshape.quantile_tensor_q",
             "getitem.quantile_midpoint", "getitem.nanquantile", "clip.corrcoef"}
# PyTorch's ordering ops (tests/conformance/cases_indexing_more.py) refuse complex input,
# with PyTorch's errors; logsumexp and logcumsumexp accept it, as PyTorch's
REFUSING |= {
    "getitem.topk", "getitem.topk_smallest", "getitem.kthvalue", "getitem.median_all",
    "getitem.median_dim", "getitem.nanmedian", "getitem.mode", "getitem.msort",
    "getitem.cummax", "getitem.cummin", "min.aminmax", "max.aminmax",
    "where.scatter_reduce_amax_self", "where.scatter_reduce_amax_no_self",
    "where.scatter_reduce_amin_self", "where.scatter_reduce_amin_no_self",
    "where.index_reduce_amax", "where.index_reduce_amin",
}
# convolution and pooling (conformance/cases_conv.py): max pooling needs an order, and
# PyTorch refuses complex input to it
REFUSING |= {"max_pool_windows.max_pool2d_padding_ceil", "reshape.max_pool1d_dilation",
             "max_pool_windows.max_pool3d", "reshape.adaptive_max_pool2d",
             "reshape.adaptive_max_pool1d"}


def test_conjugate_transposes(backend: str) -> None:
    z0 = np.array([[1 + 2j, 3j], [1.0, 2 - 1j]])
    z = ad.tensor(z0, requires_grad=True)
    np.testing.assert_array_equal(z.mH.detach().numpy(), z0.conj().T)
    np.testing.assert_array_equal(z.H.detach().numpy(), z0.conj().T)
    assert ad.ones(2, 3).mH.shape == (3, 2) and ad.ones(4, 2, 3).mH.shape == (4, 3, 2)
    with pytest.raises(RuntimeError, match=r"tensor.H is only supported on matrices \(2-D"):
        _ = ad.ones(2, 2, 2).H
    # L = Re sum(z^H) + Im sum(z^H): dL/dRe + i dL/dIm = 1 - 1j at every element
    (ad.real(z.mH).sum() + ad.imag(z.H).sum()).backward()
    np.testing.assert_array_equal(z.grad.numpy(), np.full((2, 2), 1 - 1j))

"""Conformance of every registered primitive, generated from ``autodiff.REGISTRY`` and the
case table in ``cases.py``.

For every case, on every backend: the forward value matches numpy and keeps the dtype and
backend; a non-differentiable primitive's output has no ``grad_fn``; a differentiable
one passes ``gradcheck`` and ``gradgradcheck`` in float64, and its gradients have their
input's shape, dtype and backend, float32 included. The completeness tests make a new
primitive without a case, or without a public name, fail here.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

import autodiff as ad
import backends
from autodiff import REGISTRY

from .cases import CASES, Case

PUBLIC_NAMESPACES = ("autodiff", "autodiff.fft", "autodiff.linalg", "autodiff.nn.functional",
                     "autodiff.special")


def _differentiable(case: Case) -> bool:
    prim = REGISTRY.get(case.prim)
    return prim is not None and prim.differentiable


DIFFERENTIABLE = [case for case in CASES if _differentiable(case)]
NON_DIFFERENTIABLE = [case for case in CASES if not _differentiable(case)]
#: second order needs a smooth point; forward over reverse also a forward derivative
SECOND_ORDER = [case for case in DIFFERENTIABLE if case.smooth]
FORWARD_OVER_REVERSE = [case for case in SECOND_ORDER if case.jvp_error is None]


def over(cases: list[Case]) -> Any:
    return pytest.mark.parametrize("case", cases, ids=[case.name for case in cases])


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def _assert_close(out: ad.Tensor, want: np.ndarray, rtol: float, atol: float,
                  up_to_sign: bool = False) -> None:
    """Values against numpy's: integers and booleans exactly, floating values to
    ``rtol``/``atol`` but never tighter than a few units in the last place of their
    dtype (another library's ``exp`` or FFT may round differently from numpy's)."""
    got = _values(out)
    if up_to_sign:
        got, want = np.abs(got), np.abs(want)
    if want.dtype.kind in "fc":
        eps = float(np.finfo(want.dtype).eps)
        np.testing.assert_allclose(got, want, rtol=max(rtol, 8 * eps), atol=max(atol, 8 * eps))
    else:
        np.testing.assert_array_equal(got, want)


def _spy_on(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Record each run of the primitive's forward (to check a case really reaches it)."""
    prim = REGISTRY[name]
    forward, calls = prim.forward, []

    def spy(*args: Any, **params: Any) -> Any:
        calls.append(name)
        return forward(*args, **params)

    monkeypatch.setattr(prim, "forward", spy)
    return calls


# -- the table against the registry ------------------------------------------------------
def test_every_primitive_has_a_case() -> None:
    # Primitives registered by users or tests (namespace "demo", say) are not the library's.
    library = [name for name, prim in REGISTRY.items()
               if prim.namespace == "autodiff" or prim.namespace.startswith("autodiff.")]
    covered = {case.prim for case in CASES}
    missing = sorted(set(library) - covered)
    assert not missing, f"add a case to tests/conformance/cases.py for: {missing}"


def test_every_case_names_a_primitive() -> None:
    unknown = sorted(case.name for case in CASES if case.prim not in REGISTRY)
    assert not unknown, f"cases of unregistered primitives: {unknown}"
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"


def test_public_primitives_are_reachable() -> None:
    unreachable = []
    for prim in REGISTRY.values():
        if prim.namespace not in PUBLIC_NAMESPACES:
            continue  # "autodiff.Tensor" (a method), "demo", ...
        module = importlib.import_module(prim.namespace)
        if not callable(getattr(module, prim.name, None)):
            unreachable.append(f"{prim.namespace}.{prim.name}")
    assert not unreachable, f"registered but not public: {unreachable}"


# -- every case on every backend --------------------------------------------------------
@over(CASES)
def test_forward_matches_numpy(case: Case, backend: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = case.arrays()
    inputs = case.tensors(arrays)
    calls = _spy_on(monkeypatch, case.prim)
    out = case.fn(*inputs)
    want = np.asarray(case.reference(*arrays))

    assert isinstance(out, ad.Tensor)
    assert out.backend == (case.out_backend or backend)
    assert out.dtype.name == want.dtype.name
    assert out.shape == want.shape
    _assert_close(out, want, rtol=1e-12, atol=1e-12, up_to_sign=case.up_to_sign)
    if not calls:  # only a transfer to where the tensor already is may skip its primitive
        assert REGISTRY[case.prim].moves and out is inputs[0], (
            f"{case.name} never ran the {case.prim!r} primitive")


@over(NON_DIFFERENTIABLE)
def test_non_differentiable_output_has_no_grad_fn(case: Case, backend: str) -> None:
    out = case.fn(*case.tensors(case.arrays()))
    assert out.grad_fn is None
    assert not out.requires_grad


def _fast(backend: str) -> bool:
    """A lazy backend (dask) checks one random direction per input (PyTorch's
    ``fast_mode``): its graphs cost a millisecond an op to build, and the full Jacobian
    of every rule is checked on the eager backends, on the same rules."""
    return backends.load_backend(backend).lazy


@over(DIFFERENTIABLE)
def test_gradcheck(case: Case, backend: str) -> None:
    inputs = case.tensors(case.arrays())
    assert ad.testing.gradcheck(case.fn, inputs, fast_mode=_fast(backend), **case.gradcheck)


@over(SECOND_ORDER)
def test_gradgradcheck(case: Case, backend: str) -> None:
    """Second order over the whole registry: every vjp rule is itself differentiable
    (written with autodiff ops) and its derivative matches finite differences."""
    inputs = case.tensors(case.arrays())
    assert ad.testing.gradgradcheck(case.fn, inputs, fast_mode=_fast(backend),
                                    **case.gradcheck)


@over(DIFFERENTIABLE)
def test_rules_agree_on_arrays_and_on_tensors(case: Case, backend: str) -> None:
    """A first-order backward pass runs each rule on backend arrays; with
    ``create_graph=True`` the same rule runs on tensors, through autodiff's namespace.
    Both passes must give the same cotangents, with a random (not all-ones) cotangent."""
    inputs = case.tensors(case.arrays())
    wanted = [tensor for tensor in inputs if tensor.requires_grad]
    out = case.fn(*inputs)
    if not out.requires_grad:  # an integer input cast inside the case: nothing to compare
        assert not out.dtype.is_differentiable or not wanted
        return
    draw = np.random.default_rng(3).standard_normal(out.shape)
    cotangent = ad.tensor(draw, dtype=out.dtype, backend=out.backend)
    on_arrays = ad.autograd.grad(out, wanted, cotangent, retain_graph=True, allow_unused=True)
    on_tensors = ad.autograd.grad(out, wanted, cotangent, create_graph=True, allow_unused=True)
    for a, b in zip(on_arrays, on_tensors, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(_values(a), _values(b), rtol=1e-13, atol=1e-13)


class Untouchable:
    """Stands in for what a rule declares it does not read: any use of it raises."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the rule read {name!r} of a value it declares unread")

    def __bool__(self) -> bool:
        raise AssertionError("the rule read a value it declares unread")

    __array__ = __index__ = __float__ = __len__ = __iter__ = __bool__  # type: ignore[assignment]


def _node_of(prim: Any, root: Any) -> Any:
    """The first node of ``prim`` found walking back from ``root`` (a case may wrap its
    primitive in others)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, "_prim", None) is prim:
            return node
        stack.extend(getattr(node, "_edges", ()))
    return None


def _saving_everything(case: Case, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The case's node, recorded with every input and the output saved."""
    prim = REGISTRY[case.prim]
    arity = frozenset(range(len(prim.vjps)))
    monkeypatch.setattr(prim, "saves_inputs", (arity,) * len(prim.vjps))
    monkeypatch.setattr(prim, "saves_output", (True,) * len(prim.vjps))
    inputs = case.tensors(case.arrays())
    out = case.fn(*inputs)
    monkeypatch.undo()
    return out, out.grad_fn


@over(DIFFERENTIABLE)
def test_rules_read_only_what_they_declare(case: Case, backend: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each vjp rule runs, on arrays and on tensors, with every input (and the output)
    that its signature declares unread (``_name``) replaced by a value that raises when
    touched: what the graph does not save, the rule never needs."""
    from autodiff._rules import array_namespace, reads, tensor_namespace

    prim = REGISTRY[case.prim]
    out, node = _saving_everything(case, monkeypatch)
    node = _node_of(prim, node)
    if node is None:  # no node: constants in, an integer output, or the input itself
        assert out.grad_fn is None
        return
    backend = node._backend
    ans_array = node._out  # saved: every rule's output was kept above
    g_array = backend.xp.ones_like(ans_array)
    for rule, edge in zip(prim.vjps, node._edges, strict=False):
        if rule is None or edge is None:
            continue
        reads_output, positions = reads(rule)
        for on_arrays in (True, False):
            def value(tensor: Any, on_arrays: bool = on_arrays) -> Any:
                if isinstance(tensor, ad.Tensor) and on_arrays:
                    return tensor._array
                return tensor

            def wrap(array: Any, on_arrays: bool = on_arrays) -> Any:
                return array if on_arrays else ad.Tensor._wrap(array, backend)

            inputs = [value(arg) if position in positions else Untouchable()
                      for position, arg in enumerate(node._inputs)]
            ans = wrap(ans_array) if reads_output else Untouchable()
            xp = array_namespace(backend) if on_arrays else tensor_namespace()
            rule(xp, wrap(g_array), ans, *inputs, **node._params)


def _with_special_values(array: np.ndarray) -> np.ndarray:
    """``array`` with nan, infinities and signed zeros in its first places."""
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=array.dtype)
    out = array.copy()
    flat = out.reshape(-1)
    flat[:special.size] = special[:flat.size]
    return out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # nan and infinities, on purpose
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_backend_array_rules_agree_bit_for_bit(backend: str, dtype: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend's own array rules (``Backend.array_rules``) give what the primitive's
    generic array rules give, bit for bit, at nan, infinities and signed zeros too."""
    overridden = backends.load_backend(backend).array_rules()
    assert set(overridden) <= {case.prim for case in DIFFERENTIABLE}, "each needs a case"
    for case in (case for case in DIFFERENTIABLE if case.prim in overridden):
        prim = REGISTRY[case.prim]
        assert prim.backend_vjps is not None
        adopted = prim.backend_vjps[backend]
        assert [rule.backend_rule for rule in adopted] == list(overridden[case.prim])
        arrays = [_with_special_values(a) for a in case.arrays(np.dtype(dtype))]
        inputs = case.tensors(arrays)
        wanted = [tensor for tensor in inputs if tensor.requires_grad]
        out = case.fn(*inputs)
        draw = _with_special_values(np.random.default_rng(5).standard_normal(out.shape))
        cotangent = ad.tensor(np.flip(draw).copy(), dtype=out.dtype, backend=out.backend)
        own = ad.autograd.grad(out, wanted, cotangent, retain_graph=True)
        monkeypatch.setattr(prim, "backend_vjps", None)
        generic = ad.autograd.grad(out, wanted, cotangent)
        monkeypatch.undo()
        for a, b in zip(own, generic, strict=True):
            assert a.dtype == b.dtype and a.shape == b.shape
            # bytes compared, so signed zeros and nan payloads count (a gradient may be
            # a non-contiguous view: its bytes are read through a contiguous copy)
            np.testing.assert_array_equal(np.ascontiguousarray(_values(a)).view(np.uint8),
                                          np.ascontiguousarray(_values(b)).view(np.uint8),
                                          err_msg=case.name)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@over(DIFFERENTIABLE)
def test_gradient_keeps_shape_dtype_and_backend(case: Case, dtype: str, backend: str) -> None:
    arrays = case.arrays(np.dtype(dtype))
    inputs = case.tensors(arrays)
    out = case.fn(*inputs)
    want = np.asarray(case.reference(*arrays))  # numpy's result dtype for these inputs
    assert out.dtype.name == want.dtype.name
    _assert_close(out, want, rtol=1e-5, atol=1e-6, up_to_sign=case.up_to_sign)
    wanted = [tensor for tensor in inputs if tensor.requires_grad]
    if not wanted or not out.dtype.is_differentiable:
        # constants in, or an integer/bool result: no graph (as in PyTorch)
        assert out.grad_fn is None and not out.requires_grad
        return
    if out is not inputs[0]:  # else a transfer to where the tensor already is
        assert out.requires_grad
        assert type(out.grad_fn).prim is REGISTRY[case.prim]  # type: ignore[attr-defined]

    grads = ad.autograd.grad(out, wanted, ad.ones_like(out))
    for tensor, grad in zip(wanted, grads, strict=True):
        assert grad is not None
        assert grad.shape == tensor.shape
        assert grad.dtype == tensor.dtype
        assert grad.backend == tensor.backend


@over(DIFFERENTIABLE)
def test_jvp_agrees_with_vjp(case: Case, backend: str) -> None:
    """Forward mode against reverse mode: <u, J v> == <J^T u, v> for random u, v."""
    fwAD = ad.autograd.forward_ad
    inputs = case.tensors(case.arrays())
    wanted = [index for index, tensor in enumerate(inputs) if tensor.requires_grad]
    rng = np.random.default_rng(1)
    directions = {index: ad.tensor(rng.standard_normal(inputs[index].shape),
                                   dtype=inputs[index].dtype, backend=inputs[index].backend)
                  for index in wanted}
    with fwAD.dual_level():
        duals = [fwAD.make_dual(tensor, directions[index]) if index in directions else tensor
                 for index, tensor in enumerate(inputs)]
        if case.jvp_error is not None:
            with pytest.raises(RuntimeError, match=case.jvp_error):
                case.fn(*duals)
            return
        primal, tangent = fwAD.unpack_dual(case.fn(*duals))
    out = case.fn(*inputs)
    np.testing.assert_allclose(_values(primal), _values(out), rtol=1e-12, atol=1e-12)
    if not wanted or not out.dtype.is_differentiable:
        assert tangent is None
        return
    draw = rng.standard_normal(out.shape)
    if out.dtype.kind == "complex floating":
        draw = draw + 1j * rng.standard_normal(out.shape)
    cotangent = ad.tensor(draw, dtype=out.dtype, backend=out.backend)
    if out is inputs[0]:  # a transfer to where the tensor already is: the identity
        assert tangent is directions[0]
        return
    grads = ad.autograd.grad(out, [inputs[i] for i in wanted], cotangent, allow_unused=True)
    reverse = sum(float(np.sum(_values(g) * _values(directions[i])))
                  for i, g in zip(wanted, grads, strict=True) if g is not None)
    # the real inner product <u, J v> = Re sum(conj(u) J v), which the vjp's J^H u matches
    forward = 0.0 if tangent is None else float(
        np.real(np.sum(np.conj(_values(cotangent)) * _values(tangent))))
    tolerance = 1e-9 if out.dtype == ad.float64 else 1e-4
    np.testing.assert_allclose(forward, reverse, rtol=tolerance, atol=tolerance)


@over(FORWARD_OVER_REVERSE)
def test_forward_over_reverse(case: Case, backend: str) -> None:
    """A backward pass run under a dual level differentiates the vjp rules forward (what
    ``hessian = jacfwd(jacrev(f))`` needs): <d/dv (J^T u), w> equals the same second
    derivative by reverse over reverse, <grad <J^T u, w>, v>, for random u, v, w."""
    fwAD = ad.autograd.forward_ad
    inputs = case.tensors(case.arrays())
    wanted = [index for index, tensor in enumerate(inputs) if tensor.requires_grad]
    out = case.fn(*inputs)
    if not wanted or not out.requires_grad:
        return
    rng = np.random.default_rng(2)

    def draw(like: ad.Tensor) -> ad.Tensor:
        return ad.tensor(rng.standard_normal(like.shape), dtype=like.dtype,
                         backend=like.backend)

    v = {index: draw(inputs[index]) for index in wanted}
    w = {index: draw(inputs[index]) for index in wanted}
    u = draw(out)
    with fwAD.dual_level():
        duals = [fwAD.make_dual(tensor, v[index]) if index in v else tensor
                 for index, tensor in enumerate(inputs)]
        grads = ad.autograd.grad(case.fn(*duals), [duals[i] for i in wanted], u,
                                 allow_unused=True)
        tangents = [None if g is None else fwAD.unpack_dual(g).tangent for g in grads]
    forward = sum(float(np.sum(_values(t) * _values(w[i])))
                  for i, t in zip(wanted, tangents, strict=True) if t is not None)
    first = ad.autograd.grad(out, [inputs[i] for i in wanted], u, create_graph=True,
                             allow_unused=True)
    terms = [(g * w[i]).sum() for i, g in zip(wanted, first, strict=True)
             if g is not None and g.requires_grad]
    reverse = 0.0
    if terms:
        second = ad.autograd.grad(sum(terms[1:], terms[0]), [inputs[i] for i in wanted],
                                  allow_unused=True)
        reverse = sum(float(np.sum(_values(h) * _values(v[i])))
                      for i, h in zip(wanted, second, strict=True) if h is not None)
    tolerance = 1e-9 if out.dtype == ad.float64 else 1e-4
    np.testing.assert_allclose(forward, reverse, rtol=tolerance, atol=tolerance)


@over(DIFFERENTIABLE)
def test_grad_shares_no_memory(case: Case, backend: str) -> None:
    """A leaf's first ``.grad`` may take over an array that the backward pass made for
    it alone, and copies anything else: writing into one ``.grad`` in place changes
    no input, output, seed cotangent or other leaf's ``.grad``."""
    inputs = case.tensors(case.arrays())
    wanted = [tensor for tensor in inputs if tensor.requires_grad]
    out = case.fn(*inputs)
    if not out.requires_grad:
        return
    seed = ad.ones_like(out)
    out.backward(seed)
    grads = [tensor.grad for tensor in wanted if tensor.grad is not None]
    others = [*inputs, out, seed, *grads]
    for grad in grads:
        before = [_values(other).copy() for other in others if other is not grad]
        grad.add_(1.0)
        after = [_values(other) for other in others if other is not grad]
        for old, new in zip(before, after, strict=True):
            np.testing.assert_array_equal(old, new, err_msg=case.name)

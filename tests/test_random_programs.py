"""Random programs: gradients of generated straight-line programs against central
differences.

Each program (tests/program_helpers.py) runs twice: on autodiff tensors, where its
gradient comes from backward, and as plain numpy through the same statements, where
float64 central differences give the oracle (independent of autodiff's forward and
backward both). About a third of the programs also check a Hessian-vector product
(``grad`` with ``create_graph=True``, then ``grad`` of ``(g * v).sum()``) against central
differences of autodiff's first-order gradients. A failing example prints as code.

Two families: ordinary programs (in-place writes only to tensors nothing aliases) and
programs that also write through views and into bases with live views (slices, ``.T``,
``.mT``, ``permute_dims``, ``unbind``, ``expand_dims``, ``squeeze``), where PyTorch's
CopySlices rule must hold. Op combinations left out until their bug is fixed are marked
"Excluded" in program_helpers.py, each with its reproducer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from program_helpers import (
    OPS,
    Draw,
    Program,
    State,
    Stmt,
    op_index,
    op_inplace,
    op_shape,
    softmax_np,
    weights,
)

import autodiff as ad
import autodiff.nn.functional as F

SETTINGS = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


def _input_shapes(d: Draw) -> list[tuple[int, ...]]:
    rank = d(st.integers(1, 3))
    full = tuple(d(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    shapes = []
    for _ in range(d(st.integers(1, 3))):
        drop = d(st.integers(0, rank - 1))
        ones = d(st.lists(st.booleans(), min_size=rank - drop, max_size=rank - drop))
        shapes.append(tuple(1 if one else n for one, n in zip(ones, full[drop:], strict=True)))
    return shapes


@st.composite
def programs(draw: Draw, views: bool = False) -> Program:
    """A random program of 3-12 statements over 1-3 float64 inputs."""
    shapes = _input_shapes(draw)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    inputs = [np.round(rng.uniform(-1.5, 1.5, shape), 2) for shape in shapes]
    state = State(views=views, env={"np": np, "softmax_np": softmax_np})
    for i, value in enumerate(inputs):
        state.env[f"x{i}"] = value.copy()
        state.names.append(f"x{i}")
        state.inputs.add(f"x{i}")
        state.group[f"x{i}"] = i
    stmts: list[Stmt] = []
    wanted, tries = draw(st.integers(3, 12)), 0
    while len(stmts) < wanted and tries < 60:
        tries += 1
        op = draw(st.sampled_from(OPS if not views else [*OPS, op_shape, op_index, op_inplace]))
        stmt = op(draw, state)
        if stmt is not None and state.commit(stmt):
            stmts.append(stmt)
    terms = [(n, state.value(n).shape) for n in state.names]
    loss = [" + ".join(f"{ns}.sum({n} * w({shape!r}, {k}))" for k, (n, shape) in enumerate(terms))
            for ns in ("ad", "np")]
    return Program(inputs, stmts, (f"loss = {loss[0]}", f"loss = {loss[1]}"),
                   hvp=draw(st.integers(0, 2)) == 0, views=views)


def _run_autodiff(program: Program, arrays: list[np.ndarray]) -> tuple[Any, list[Any]]:
    xs = [ad.tensor(a, dtype=ad.float64, requires_grad=True) for a in arrays]
    env: dict[str, Any] = {"ad": ad, "F": F,
                           "w": lambda shape, k: ad.asarray(weights(shape, k))}
    env.update({f"x{i}": x for i, x in enumerate(xs)})
    exec(program.code(0), env)
    return env["loss"], xs


def _run_numpy(program: Program, arrays: list[np.ndarray]) -> float:
    env: dict[str, Any] = {"np": np, "softmax_np": softmax_np, "w": weights}
    env.update({f"x{i}": a.copy() for i, a in enumerate(arrays)})
    exec(program.code(1), env)
    return float(env["loss"])


def _host(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def _central(program: Program, eps: float = 1e-6) -> list[np.ndarray]:
    result = []
    for position, base in enumerate(program.inputs):
        gradient = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            values = []
            for sign in (1.0, -1.0):
                probe = [a.copy() for a in program.inputs]
                probe[position][index] += sign * eps
                values.append(_run_numpy(program, probe))
            gradient[index] = (values[0] - values[1]) / (2 * eps)
        result.append(gradient)
    return result


def _close(got: np.ndarray, want: np.ndarray, what: str, rtol: float, atol: float) -> None:
    scale = 1.0 + max(float(np.max(np.abs(w), initial=0.0)) for w in [want])
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol * scale, err_msg=what)


def _first_order(program: Program, arrays: list[np.ndarray]) -> list[np.ndarray]:
    loss, xs = _run_autodiff(program, arrays)
    return [_host(g) for g in ad.autograd.grad(loss, xs)]


def check_program(program: Program) -> None:
    """Forward value, gradient and (for ``program.hvp``) a Hessian-vector product."""
    loss, xs = _run_autodiff(program, program.inputs)
    _close(np.asarray(float(_host(loss))), np.asarray(_run_numpy(program, program.inputs)),
           "loss value", 1e-9, 1e-12)
    grads = ad.autograd.grad(loss, xs, create_graph=program.hvp)
    for i, (g, want) in enumerate(zip(grads, _central(program), strict=True)):
        assert tuple(g.shape) == want.shape, f"gradient of x{i} has shape {tuple(g.shape)}"
        _close(_host(g), want, f"gradient of x{i}", 1e-5, 1e-6)
    if not program.hvp:
        return
    rng = np.random.default_rng(0)
    vs = [rng.standard_normal(a.shape) for a in program.inputs]
    total = sum(ad.sum(g * ad.asarray(v)) for g, v in zip(grads, vs, strict=True))
    hv: list[np.ndarray] = [np.zeros_like(v) for v in vs]
    if isinstance(total, ad.Tensor) and total.requires_grad:
        got = ad.autograd.grad(total, xs, allow_unused=True)
        hv = [np.zeros_like(v) if h is None else _host(h) for h, v in zip(got, vs, strict=True)]
    eps = 1e-5
    plus = _first_order(program, [a + eps * v for a, v in zip(program.inputs, vs, strict=True)])
    minus = _first_order(program, [a - eps * v for a, v in zip(program.inputs, vs, strict=True)])
    for i, (h, p, m) in enumerate(zip(hv, plus, minus, strict=True)):
        _close(h, (p - m) / (2 * eps), f"Hessian-vector product for x{i}", 1e-4, 1e-5)


@SETTINGS
@given(program=programs())
def test_random_programs_match_central_differences(backend: str, program: Program) -> None:
    check_program(program)


@SETTINGS
@given(program=programs(views=True))
def test_random_programs_writing_through_views(backend: str, program: Program) -> None:
    check_program(program)

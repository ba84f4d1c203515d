"""Random programs (tests/program_helpers.py) compiled: each one's forward and backward,
traced and then replayed, gives eager's loss and gradients bit for bit (and its
gradients where the loss is not returned, so that dead code is dropped); a program the
trace cannot follow (a write through a view, say) says so with a warning."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from program_helpers import Program, weights
from test_random_programs import programs

import autodiff as ad
import autodiff.nn.functional as F

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


def _step(program: Program, loss: bool = True) -> Any:
    """The program's forward and backward; returning its loss, or (``loss=False``)
    nothing, so that the loss and what only it reads are dead code to the replay."""
    code = compile(program.code(0), "<program>", "exec")

    def step(*xs: ad.Tensor) -> ad.Tensor | None:
        env: dict[str, Any] = {"ad": ad, "F": F,
                               "w": lambda shape, k: ad.asarray(weights(shape, k))}
        env.update({f"x{i}": x for i, x in enumerate(xs)})
        exec(code, env)
        env["loss"].backward()
        return env["loss"] if loss else None

    return step


def _inputs(program: Program, other: bool = False) -> list[ad.Tensor]:
    """The program's inputs; ``other``: the same values in another order (each axis
    reversed), so that a replay on them shows a value a trace kept."""
    return [ad.tensor(np.flip(a) if other else a, dtype=ad.float64, requires_grad=True)
            for a in program.inputs]


def check_program(program: Program, loss: bool = True) -> None:
    eager, compiled = _step(program, loss), ad.compile(_step(program, loss))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for call in range(4):
            xs_e, xs_c = _inputs(program, call >= 2), _inputs(program, call >= 2)
            loss_e, loss_c = eager(*xs_e), compiled(*xs_c)
            if loss:
                assert np.array_equal(loss_e.detach().numpy(), loss_c.detach().numpy())
            else:
                assert loss_e is None and loss_c is None
            for e, c in zip(xs_e, xs_c, strict=True):
                assert (e.grad is None) == (c.grad is None)
                if e.grad is not None:
                    assert np.array_equal(e.grad.numpy(), c.grad.numpy())
    replayed = any(entry.replay is not None for entry in compiled.cache.values())
    assert replayed or any("autodiff.compile" in str(w.message) for w in caught)


@SETTINGS
@given(program=programs())
def test_compiled_random_programs_equal_eager(backend: str, program: Program) -> None:
    check_program(program)


@SETTINGS
@given(program=programs(views=True))
def test_compiled_random_programs_writing_through_views(backend: str,
                                                        program: Program) -> None:
    check_program(program)


@SETTINGS
@given(program=programs())
def test_compiled_random_programs_returning_nothing(backend: str, program: Program) -> None:
    # only the gradients are read after the call: the loss's forward, and each
    # intermediate only it reads, are dropped from the replay as dead code
    check_program(program, loss=False)

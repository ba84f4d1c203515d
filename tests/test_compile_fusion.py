"""``autodiff.compile``'s kernel fusion: a run of elementwise instructions handed to a
backend that compiles kernels, and used only where the kernel gives the unfused bits.

A backend here is made to fuse by a stand-in ``fuse_elementwise`` that writes each
run as one Python function (the same operations, so the same bits): the pass is then
tested on every backend, with kernels that are right, wrong, failing or declined. The
CUDA C that cupy's kernels are built from is tested as text, and, where a C compiler
is on the machine, compiled and run against numpy on random arithmetic expressions.
"""

from __future__ import annotations

import ast
import operator
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from test_compile_programs import SETTINGS, check_program
from test_random_programs import programs

import autodiff as ad
import backends
from backends._cuda_kernels import MATH, kernel_source


def _python_kernel(spec: Any) -> Callable[..., tuple[Any, ...]]:
    """The run as one Python function: each step's expression, in order."""
    lines = [f"def kernel({', '.join(spec.inputs)}):"]
    lines += [f"    {slot} = {ast.unparse(tree)}" for slot, tree in spec.steps]
    lines.append(f"    return ({''.join(slot + ', ' for slot in spec.outputs)})")
    scope = dict(spec.values)
    exec("\n".join(lines), scope)
    return scope["kernel"]  # type: ignore[no-any-return]


def _fusing(monkeypatch: pytest.MonkeyPatch, make: Callable[[Any], Any]) -> list[Any]:
    """Make the current backend fuse through ``make``; the specs it was handed."""
    handed: list[Any] = []
    backend = ad.get_backend()

    def fuse(spec: Any) -> Any:
        handed.append(spec)
        return make(spec)

    monkeypatch.setattr(backend, "fuse_elementwise", fuse, raising=False)
    return handed


def _chain(x: ad.Tensor) -> ad.Tensor:
    y = x
    for _ in range(3):
        y = ad.sin(ad.tanh((y + 0.5) * 0.9))
    (y * y).sum().backward()
    return x.grad


def _compared(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``_chain`` eager and compiled on fresh inputs, bit for bit; the kernels fused,
    and what ``explain`` says of them."""
    compiled = ad.compile(_chain)
    for seed in range(4):
        values = np.random.default_rng(seed).standard_normal((8, 5)).astype(np.float32)
        want = _chain(ad.tensor(values, requires_grad=True))
        got = compiled(ad.tensor(values, requires_grad=True))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    text = compiled.explain(ad.tensor(np.zeros((8, 5), np.float32), requires_grad=True))
    capsys.readouterr()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("fused kernels:"))
    return int(lines[start].split()[2]), "\n".join(lines[start:])


def test_a_run_becomes_one_kernel(backend: str, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    handed = _fusing(monkeypatch, _python_kernel)
    fused, text = _compared(capsys)
    assert fused >= 1 and "  fused: add, multiply" in text
    # the forward's add and multiply at least make one run, over one dtype
    assert any(len(spec.steps) >= 2 for spec in handed)
    assert all("float32" in str(spec.dtype) for spec in handed)


@pytest.mark.parametrize("kernel", ["off by one ulp", "raises", "declined"])
def test_a_kernel_that_differs_or_fails_is_not_used(
        backend: str, kernel: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def make(spec: Any) -> Any:
        if kernel == "declined":
            return None
        right = _python_kernel(spec)

        def wrong(*arrays: Any) -> tuple[Any, ...]:
            if kernel == "raises":
                raise RuntimeError("the library could not build the kernel")
            xp = ad.get_backend().xp
            return tuple(xp.nextafter(out, xp.full_like(out, np.inf)) for out in right(*arrays))

        return wrong

    handed = _fusing(monkeypatch, make)
    fused, text = _compared(capsys)
    assert fused == 0 and handed  # it was asked, and its kernel was not taken
    why = {"off by one ulp": "the kernel's results differ from the steps' (bits or layout)",
           "raises": "the kernel failed: RuntimeError: the library could not build",
           "declined": "the backend has no exact form for a step"}[kernel]
    assert f"  not fused ({why}" in text


def test_a_run_has_one_dtype(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # two chains of one shape, one in float32 and one in float64, one after the other:
    # two kernels, each of one type (a kernel's type is its inputs' one dtype)
    def make(spec: Any) -> Any:
        kernel = _python_kernel(spec)

        def typed(*arrays: Any) -> tuple[Any, ...]:
            assert all(array.dtype == spec.dtype for array in arrays)
            return kernel(*arrays)

        return typed

    handed = _fusing(monkeypatch, make)

    def step(a: ad.Tensor, b: ad.Tensor) -> tuple[ad.Tensor, ad.Tensor]:
        return (a * 2.0 + 1.0) * a, (b * 3.0 + 1.0) * b

    compiled = ad.compile(step)
    for seed in range(4):
        values = np.random.default_rng(seed).standard_normal(6)
        args = [(ad.tensor(values, dtype=ad.float32), ad.tensor(values, dtype=ad.float64))
                for _ in range(2)]
        for got, want in zip(compiled(*args[0]), step(*args[1]), strict=True):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert len(handed) == 2 and len({str(spec.dtype) for spec in handed}) == 2


def test_random_programs_fused_equal_eager(backend: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The random programs of ``test_compile_programs``, compiled where runs fuse: the
    same loss and gradients as eager, bit for bit, and kernels run by the replays."""
    calls = [0]

    def make(spec: Any) -> Any:
        kernel = _python_kernel(spec)

        def counted(*arrays: Any) -> tuple[Any, ...]:
            calls[0] += 1
            return kernel(*arrays)

        return counted

    handed = _fusing(monkeypatch, make)

    @SETTINGS
    @given(program=programs())
    def check(program: Any) -> None:
        check_program(program)

    check()
    assert handed and calls[0] > len(handed)  # each checked once, then replayed


def test_fusing_draws_no_random_numbers(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _fusing(monkeypatch, _python_kernel)
    compiled = ad.compile(_chain)
    draws = []
    for step in (_chain, compiled):
        ad.manual_seed(3)
        for _ in range(3):
            step(ad.tensor(np.ones((8, 5), np.float32), requires_grad=True))
        draws.append(ad.rand(4).numpy())
    np.testing.assert_array_equal(*draws)


# -- the CUDA C ------------------------------------------------------------------------

_CUPY = backends.unavailable_reason("cupy")


@pytest.mark.skipif(_CUPY is not None, reason=f"backend 'cupy' is not available: {_CUPY}")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cupy_fuses_a_chain_with_eager_bits(dtype: str, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    """On a GPU: W1's chain, forward and backward, replays as fused kernels with the
    bits eager's kernels give."""
    with ad.use_backend("cupy"):
        compiled = ad.compile(_chain)
        for seed in range(4):
            values = np.random.default_rng(seed).standard_normal((64, 33)).astype(dtype)
            want = _chain(ad.tensor(values, requires_grad=True))
            got = compiled(ad.tensor(values, requires_grad=True))
            np.testing.assert_array_equal(got.cpu().numpy(), want.cpu().numpy())
        text = compiled.explain(ad.tensor(np.zeros((64, 33), dtype), requires_grad=True))
    capsys.readouterr()
    fused = text[text.index("fused kernels:"):]
    assert "not fused" not in fused and int(fused.split()[2]) >= 2, fused


def test_a_chain_forward_and_backward_is_two_kernels_of_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs the pass makes of W1's chain (the default backend, numpy, standing in
    for cupy's namespace) are each written as kernel text: the forward's twelve ops in
    one kernel, the backward's rules in another."""
    ufuncs = {name: getattr(np, name) for name in MATH}
    texts: list[Any] = []

    def make(spec: Any) -> Any:
        texts.append(kernel_source(spec.inputs, spec.steps, spec.outputs, spec.values, ufuncs))
        return _python_kernel(spec)

    _fusing(monkeypatch, make)
    compiled = ad.compile(_chain)
    for _ in range(3):
        compiled(ad.tensor(np.ones((8, 5), np.float32), requires_grad=True))
    assert texts and None not in texts
    operations = [text[2] for text in texts]
    assert any(op.count("tanh(") == 3 and op.count("sin(") == 3 for op in operations)
    assert any(op.count("cos(") == 3 and "(((T)1.0) - (" in op for op in operations)


def _steps(*pairs: tuple[str, str]) -> list[tuple[str, ast.expr]]:
    return [(slot, ast.parse(text, mode="eval").body) for slot, text in pairs]


class _Namespace:
    """A stand-in array namespace: its ``sin`` is the library's, its ``cos`` is not."""

    sin = np.sin
    cos = staticmethod(lambda x: np.cos(x))


def test_the_kernel_text() -> None:
    values = {"xp": _Namespace, "mul": operator.imul, "half": 0.5, "two": 2}
    ufuncs = {"sin": np.sin, "cos": np.cos}
    source = kernel_source(["v0", "v1"], _steps(("v2", "mul(v0, half)"),
                                                ("v3", "-xp.sin(v2) / (v1 - two)")),
                           ["v3"], values, ufuncs)
    assert source == ("T v0, T v1", "T v3",
                      "const T v2 = (v0 * ((T)0.5));\nv3 = ((-sin(v2)) / (v1 - ((T)2)));")
    # an output later steps read is assigned, not declared
    source = kernel_source(["v0"], _steps(("v1", "v0 + v0"), ("v2", "v1 * v1")),
                           ["v1", "v2"], {}, ufuncs)
    assert source is not None and source[2] == "v1 = (v0 + v0);\nv2 = (v1 * v1);"


@pytest.mark.parametrize("text", [
    "v0 ** 2",  # pow: no exact C form promised
    "v0 > 0.5",  # a comparison: another dtype
    "xp.cos(v0)",  # the namespace's cos is not the library's ufunc
    "xp.exp(v0)",  # not among the namespace's attributes
    "xp.sin(v0, out=v0)",  # keywords
    "v0 * inf",  # not finite
    "v0 * flag",  # a bool
    "v0 * big",  # an int a double does not hold
    "unknown(v0, v0)",  # a call to what is not an operator
])
def test_what_has_no_kernel_text(text: str) -> None:
    values = {"xp": _Namespace, "inf": float("inf"), "flag": True, "big": 2 ** 60,
              "unknown": max}
    assert kernel_source(["v0"], _steps(("v1", text)), ["v1"], values,
                         {"sin": np.sin, "cos": np.cos}) is None


def _random_expression(rng: np.random.Generator, names: list[str], depth: int) -> str:
    """An arithmetic expression over ``names`` and Python numbers."""
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.3:
            return repr(float(rng.choice([0.1, 0.9, 1.5, -2.25, 3.0, 1e-3, 7.0 / 3.0])))
        return str(rng.choice(names))
    if rng.random() < 0.15:
        return f"-({_random_expression(rng, names, depth - 1)})"
    op = rng.choice(["+", "-", "*", "/"])
    return (f"({_random_expression(rng, names, depth - 1)} {op} "
            f"{_random_expression(rng, names, depth - 1)})")


_HARNESS = """#include <stdio.h>
#include <stdlib.h>
typedef {ctype} T;
int main(void) {{
    long n = {n};
    T *in = malloc(sizeof(T) * n * {inputs}), *out = malloc(sizeof(T) * n * {outputs});
    if (fread(in, sizeof(T), n * {inputs}, stdin) != (size_t)(n * {inputs})) return 1;
    for (long i = 0; i < n; i++) {{
{loads}
{declarations}
{operation}
{stores}
    }}
    fwrite(out, sizeof(T), n * {outputs}, stdout);
    return 0;
}}
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc) on this machine")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_kernel_arithmetic_is_numpys(dtype: str, tmp_path: Path) -> None:
    """Random runs of arithmetic steps, written as kernel text, compiled as C without
    contraction (as cupy's kernels are built) and run on the CPU: each result has the
    bits numpy gives for the same steps on the same arrays."""
    rng = np.random.default_rng(7)
    inputs, n = ["v0", "v1", "v2"], 257
    data = [rng.standard_normal(n).astype(dtype) * 3 for _ in inputs]
    ctype = {"float32": "float", "float64": "double"}[dtype]
    for trial in range(12):
        names, steps = list(inputs), []
        for index in range(3, 3 + int(rng.integers(2, 5))):
            steps.append((f"v{index}", _random_expression(rng, names, 3)))
            names.append(f"v{index}")
        outputs = [slot for slot, _ in steps[-2:]]
        source = kernel_source(inputs, _steps(*steps), outputs, {}, {})
        assert source is not None
        scope: dict[str, Any] = dict(zip(inputs, data, strict=True))
        with np.errstate(all="ignore"):
            for slot, text in steps:
                scope[slot] = eval(text, {}, scope)
        program = _HARNESS.format(
            ctype=ctype, n=n, inputs=len(inputs), outputs=len(outputs),
            loads="\n".join(f"        T {slot} = in[{k} * n + i];"
                            for k, slot in enumerate(inputs)),
            declarations="\n".join(f"        T {slot};" for slot in outputs),
            operation=source[2],
            stores="\n".join(f"        out[{k} * n + i] = {slot};"
                             for k, slot in enumerate(outputs)))
        c_file, binary = tmp_path / f"run{trial}.c", tmp_path / f"run{trial}"
        c_file.write_text(program)
        subprocess.run(["cc", "-O2", "-ffp-contract=off", "-o", str(binary), str(c_file)],
                       check=True)
        ran = subprocess.run([str(binary)], input=np.concatenate(data).tobytes(),
                             capture_output=True, check=True)
        got = np.frombuffer(ran.stdout, dtype=dtype).reshape(len(outputs), n)
        for row, slot in zip(got, outputs, strict=True):
            want = np.asarray(scope[slot], dtype=dtype)
            same = (row == want) | (np.isnan(row) & np.isnan(want))
            assert same.all() and (np.signbit(row) == np.signbit(want)).all(), (
                f"{slot}: {dict(steps)} gave other bits in C")

"""Run every Markdown page under docs/ and check what its examples print.

A page's ```python blocks run in order in one namespace, after ``ad.manual_seed(0)``.
The ```text block right after a python block is that block's expected stdout; if its
last line reads ``SomeError: message``, the block must raise that exception with that
message (the lines before it are what it prints first). A python block with no text
block after it must print nothing. Trailing whitespace and memory addresses
(``0x7f...`` is compared as ``0x...``) are normalised; every page must check at least
one block. Output that depends on the backend (what ``ad.compile`` could do in place,
say) is marked by a comment line ``<!-- printed on: numpy, cupy -->`` before its text
block: it is compared on those backends, and on the others the block must run without
an unexpected error.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import math
import operator
import pkgutil
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import autodiff as ad
import backends
from autodiff import REGISTRY, _backend

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(path for path in DOCS.rglob("*.md") if "_build" not in path.parts)

_FENCE = re.compile(r"^(`{3,})\s*([^\s`]*)\s*$")
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)):\s?(.*)$")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_PRINTED_ON = re.compile(r"^<!--\s*printed on:\s*([\w\s,]+?)\s*-->$")


@dataclass
class Block:
    index: int          # 1-based position among the page's python blocks
    line: int           # line of the opening fence
    code: str
    expected: str | None  # the following text block, None when there is none
    printed_on: tuple[str, ...] | None = None  # the backends it is compared on (all)


def _fences(text: str) -> list[tuple[str, int, str, tuple[str, ...] | None]]:
    """(info string, line of the opening fence, content, the backends a
    ``<!-- printed on: ... -->`` line just before it names) of each fenced block."""
    fences = []
    lines = text.splitlines()
    i = 0
    printed_on = None
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            marker = _PRINTED_ON.match(lines[i].strip())
            if marker is not None:
                printed_on = tuple(name.strip() for name in marker.group(1).split(","))
            elif lines[i].strip():
                printed_on = None
            i += 1
            continue
        ticks, info, start = match.group(1), match.group(2), i
        i += 1
        body = []
        while i < len(lines) and not (lines[i].startswith(ticks) and
                                      lines[i].strip() == ticks):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"line {start + 1}: unclosed code fence")
        fences.append((info, start + 1, "\n".join(body) + "\n", printed_on))
        printed_on = None
        i += 1
    return fences


def _blocks(path: Path) -> list[Block]:
    fences = _fences(path.read_text(encoding="utf-8"))
    blocks: list[Block] = []
    previous = None
    for info, line, body, printed_on in fences:
        if info == "python":
            blocks.append(Block(len(blocks) + 1, line, body, None))
        elif info == "text":
            if previous != "python":
                raise ValueError(f"{path.name}, line {line}: a text block must follow a "
                                 "python block")
            blocks[-1].expected, blocks[-1].printed_on = body, printed_on
        previous = info
    return blocks


def _normalise(text: str) -> str:
    lines = [line.rstrip() for line in _ADDRESS.sub("0x...", text).splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


_DEVICE_SUFFIX = re.compile(r",\s*device='cuda:\d+'")
_DEVICE_OBJECT = re.compile(r"device\(type='cuda', index=\d+\)")
_DEVICE_NAME = re.compile(r"\bcuda:\d+\b")
_WHITESPACE = re.compile(r"\s+")


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _as_if_on_the_host(text: str) -> tuple[str, list[float]]:
    """Output printed on a GPU backend as the host would print it, split into its words
    and its numbers: tensors lose the device PyTorch also prints for them
    (``device='cuda:0'``), a device names the host, and whitespace is collapsed, since a
    longer line wraps elsewhere."""
    text = _DEVICE_SUFFIX.sub("", text)
    text = _DEVICE_OBJECT.sub("device(type='cpu')", _DEVICE_NAME.sub("cpu", text))
    text = _WHITESPACE.sub(" ", text).strip()
    return _NUMBER.sub("#", text), [float(number) for number in _NUMBER.findall(text)]


def _same_output(backend: str) -> Callable[[str, str], bool]:
    """How printed output is compared on ``backend``: as it is on the host; on a GPU
    backend as the host would print it, with the same words and the same numbers to
    float32 rounding (a GPU's ``exp`` or ``det`` may round differently in the last
    place: the seed tutorials on cupy must give the numbers they give on numpy)."""
    return _comparison(on_host=backends.load_backend(backend).device_type == "cpu")


def _comparison(on_host: bool) -> Callable[[str, str], bool]:
    if on_host:
        return operator.eq

    def same(got: str, expected: str) -> bool:
        (got_words, got_numbers), (words, numbers) = map(_as_if_on_the_host, (got, expected))
        return got_words == words and len(got_numbers) == len(numbers) and all(
            math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
            for a, b in zip(got_numbers, numbers, strict=True))

    return same


def _split_expected(expected: str) -> tuple[str, tuple[str, str] | None]:
    """The expected stdout, and the (type name, message) of an expected exception."""
    lines = _normalise(expected).splitlines()
    if lines:
        match = _EXCEPTION.match(lines[-1])
        if match is not None:
            return "\n".join(lines[:-1]), (match.group(1), match.group(2))
    return "\n".join(lines), None


def _report(page: str, block: Block, problem: str, expected: str, got: str) -> str:
    return (f"{page}, python block {block.index} (line {block.line}): {problem}\n"
            f"--- code ---\n{block.code}"
            f"--- expected ---\n{expected}\n"
            f"--- got ---\n{got}")


def _page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def test_docs_are_found() -> None:
    assert PAGES, f"no Markdown pages under {DOCS}"


@pytest.mark.parametrize("path", PAGES, ids=[_page_id(path) for path in PAGES])
def test_page(path: Path, backend: str) -> None:
    page = _page_id(path)
    blocks = _blocks(path)
    assert any(block.expected is not None for block in blocks), (
        f"{page} has no python block followed by a text block of its expected output")

    same = _same_output(backend)
    ad.manual_seed(0)
    namespace: dict[str, object] = {"__name__": f"docs:{page}"}
    failures = []
    for block in blocks:
        expected_out, expected_error = _split_expected(block.expected or "")
        code = compile(block.code, f"<{page}: python block {block.index}>", "exec")
        stdout = io.StringIO()
        error: BaseException | None = None
        with contextlib.redirect_stdout(stdout):
            try:
                exec(code, namespace)
            except Exception as caught:  # compared with the page below
                error = caught
        got_out = _normalise(stdout.getvalue())
        got = got_out
        if error is not None:
            got += ("\n" if got else "") + _normalise(
                "".join(traceback.format_exception_only(type(error), error)))
        expected_text = _normalise(block.expected or "")

        compared = block.printed_on is None or backend in block.printed_on
        if expected_error is None:
            if error is not None:
                failures.append(_report(page, block, "raised unexpectedly", expected_text,
                                        got + "\n" + "".join(traceback.format_exception(error))))
            elif compared and not same(got_out, expected_out):
                failures.append(_report(page, block, "printed output differs",
                                        expected_text, got))
        else:
            kind, message = expected_error
            if error is None:
                failures.append(_report(page, block, f"did not raise {kind}",
                                        expected_text, got))
            elif (type(error).__name__ != kind.rsplit(".", 1)[-1]
                  or not same(_normalise(str(error)), message)
                  or not same(got_out, expected_out)):
                failures.append(_report(page, block, "raised differently or printed "
                                        "differently", expected_text, got))
    assert not failures, "\n\n".join(failures)


# -- docstring examples -----------------------------------------------------------------
def _modules() -> list[str]:
    names = []
    for package in ("autodiff", "backends"):
        names.append(package)
        path = importlib.import_module(package).__path__
        names += [info.name for info in pkgutil.walk_packages(path, f"{package}.")]
    return sorted(names)


class _Checker(doctest.OutputChecker):
    """doctest's own comparison, or the pages' one (device-free on a GPU backend)."""

    def __init__(self, same: Callable[[str, str], bool]) -> None:
        super().__init__()
        self._same = same

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return super().check_output(want, got, optionflags) or self._same(got, want)


@pytest.mark.parametrize("module", _modules())
def test_docstring_examples(module: str, backend: str) -> None:
    """Every docstring example of a module runs on every backend and prints what its
    docstring says (on a GPU backend, as the host would print it)."""
    tests = [test for test in doctest.DocTestFinder().find(importlib.import_module(module))
             if test.examples]
    # an example may call set_backend, or register a primitive (once per process)
    default, registered = _backend._default, set(REGISTRY)
    report = io.StringIO()
    runner = doctest.DocTestRunner(checker=_Checker(_same_output(backend)))
    try:
        for test in tests:
            runner.run(test, out=report.write)
    finally:
        _backend._default = default
        for name in set(REGISTRY) - registered:
            del REGISTRY[name]
    results = runner.summarize(verbose=False)
    assert results.failed == 0, report.getvalue()
    assert results.attempted or not tests


#: the primitives of the package itself (tests and pages register their own as they run)
BUILT_IN = sorted(name for name, prim in REGISTRY.items() if prim.namespace.startswith("autodiff"))


def test_primitive_docstring_examples(backend: str) -> None:
    """A primitive's docstring is declared with it (``primitive(..., doc=...)``): its
    examples run on every backend too."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(checker=_Checker(_same_output(backend)))
    report = io.StringIO()
    default = _backend._default
    try:
        for name in BUILT_IN:
            for test in finder.find(REGISTRY[name].op, name=f"primitive {name}"):
                runner.run(test, out=report.write)
    finally:
        _backend._default = default
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()


def test_public_primitives_have_a_docstring_with_an_example() -> None:
    """Every primitive a public namespace exports says what it computes, with an example;
    only private ones (reached through a wrapper) keep the generated one-liner."""
    namespaces = [ad, ad.linalg, ad.fft, ad.nn.functional]
    undocumented = sorted({f"{module.__name__}.{name}" for module in namespaces
                           for name in dir(module) if not name.startswith("_")
                           and getattr(getattr(module, name), "primitive", None) is not None
                           and ">>>" not in (getattr(module, name).__doc__ or "")})
    assert not undocumented, f"primitives without a docstring example: {undocumented}"


def test_gpu_output_is_compared_as_the_host_prints_it() -> None:
    same = _comparison(on_host=False)
    assert same("tensor([1.5000], device='cuda:0',\n       grad_fn=<AddBackward0>)",
                "tensor([1.5000], grad_fn=<AddBackward0>)")
    assert same("tensor(5.0000, device='cuda:0')", "tensor(5.)")  # det's last place
    assert same("loss: 0.16872423887252808", "loss: 0.1687241941690445")  # float32 ulp
    assert same("cuda:0 [device(type='cuda', index=0)]", "cpu [device(type='cpu')]")
    assert not same("tensor([0.6804, 0.1638])", "tensor([0.6370, 0.2698])")
    assert not same("tensor([1e-05])", "tensor([2e-05])")
    assert not same("tensor([1., 2.])", "tensor([1., 2., 3.])")
    assert not same("grad_fn=<MulBackward0>", "grad_fn=<AddBackward0>")
    assert _comparison(on_host=True)("tensor(5.0000)", "tensor(5.)") is False

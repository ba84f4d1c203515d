"""Extract the PyTorch code of the seed tutorials and record what real PyTorch prints.

    python tests/torch_seeds/extract.py /path/to/seeds   # needs torch installed

writes ``seed_NNN.txt`` (each cell verbatim, cells separated by ``# %%``) and
``expected.json`` (each cell's output under PyTorch, and whether it depends on the
random draws). ``tests/test_torch_seeds.py`` runs the cells with ``import torch``
resolving to ``autodiff.torch`` and compares. Three notebook styles occur: Jupyter
exports (``In [n]:`` then the code, then its output), IPython sessions
(``In [n]: code`` / ``...: more``) and d2l's ``%%tab pytorch`` blocks.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CELL = "# %%\n"
_OUTPUT = re.compile(r"^(tensor\(|True$|False$|None$|<|Gradient function|First call|"
                     r"Second call|Call after|torch version|dz/|inp$|out$|\d|-\d|\[|Out\[)")


def _jupyter(text: str) -> list[str]:
    lines, cells, i = text.splitlines(), [], 0
    while i < len(lines):
        if not re.match(r"^In \[[^\]]*\]:\s*$", lines[i]):
            i += 1
            continue
        body, i = [], i + 1
        while i < len(lines) and not re.match(r"^In \[", lines[i]):
            body.append(lines[i])
            i += 1
        chunks: list[list[str]] = [[]]
        for line in body:
            if line.strip():
                chunks[-1].append(line)
            elif chunks[-1]:
                chunks.append([])
        code: list[str] = []
        for chunk in chunks:
            if not chunk or chunk[0].startswith("%"):  # IPython magics
                continue
            if _OUTPUT.match(chunk[0]):
                break
            try:
                compile("\n".join([*code, "", *chunk]), "<cell>", "exec")
            except SyntaxError:
                break
            code += [""] * bool(code) + chunk
        if code:
            cells.append("\n".join(code))
    return cells


def _ipython(text: str) -> list[str]:
    cells = []
    for match in re.finditer(r"^In \[\d+\]: (.*)$((?:\n\s+\.\.\.: .*)*)", text, re.M):
        more = re.findall(r"\.\.\.: (.*)", match.group(2))
        cells.append("\n".join([match.group(1), *more]))
    return cells


def _d2l(text: str) -> list[str]:
    return [m.group(1).rstrip() for m in re.finditer(
        r"```\{\.python \.input[^}]*\}\n%%tab (?:pytorch|all)\n(.*?)```", text, re.S)]


def cells(text: str) -> list[str]:
    """The code cells of one seed, verbatim."""
    if "%%tab pytorch" in text:
        return _d2l(text)
    if re.search(r"^In \[\d+\]: ", text, re.M):
        return _ipython(text)
    return _jupyter(text)


def run_cell(code: str, namespace: dict[str, Any]) -> str:
    """Run one cell as a notebook does (a last bare expression is displayed); its
    output, or the name of the exception it raised."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                if value is not None:
                    print(repr(value))
    except Exception as error:  # the seed shows the error as its output
        return out.getvalue() + f"raises {type(error).__name__}"
    return out.getvalue()


def normalized(output: str) -> str:
    """``output`` without what differs between runs and libraries: memory addresses and
    the module of an object's default repr (``<torch._C.Generator object at 0x..>``)."""
    return re.sub(r"<(?:[\w.]+\.)?(\w+) object at 0x[0-9a-fA-F]+>", r"<\1 object>", output)


def run_seed(sources: list[str], torch: Any, seed: int) -> list[str]:
    saved = sys.modules.get("torch")
    sys.modules["torch"] = torch
    try:
        torch.manual_seed(seed)
        namespace: dict[str, Any] = {"__name__": "__seed__", "F": torch.nn.functional}
        return [normalized(run_cell(code, namespace)) for code in sources]
    finally:
        if saved is None:
            del sys.modules["torch"]
        else:
            sys.modules["torch"] = saved


def main(folder: str) -> None:
    import torch

    expected = {}
    for path in sorted(Path(folder).glob("*.txt")):
        sources = cells(path.read_text())
        name = f"seed_{path.name[:3]}"
        (HERE / f"{name}.txt").write_text(
            f"# The code cells of seeds/{path.name}, verbatim.\n"
            + "".join(CELL + code + "\n" for code in sources))
        first, second = run_seed(sources, torch, 0), run_seed(sources, torch, 1)
        expected[name] = [{"output": a, "random": a != b}
                          for a, b in zip(first, second, strict=True)]
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

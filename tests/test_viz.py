"""autodiff.viz: the DOT text of a graph (read back by a small parser) and its rendering."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import autodiff as ad
from autodiff.viz import Drawing, draw, to_dot

_NODE = re.compile(r'^  (n\d+) \[label="((?:[^"\\]|\\.)*)"(?: fillcolor=(\w+))?\]$')
_EDGE = re.compile(r"^  (n\d+) -> (n\d+)( \[dir=none\])?$")


@dataclass
class Graph:
    labels: dict[str, str] = field(default_factory=dict)
    colors: dict[str, str | None] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    saved_edges: list[tuple[str, str]] = field(default_factory=list)

    def ids(self, label: str) -> list[str]:
        return [ident for ident, text in self.labels.items() if text == label]

    def inputs(self, ident: str) -> list[str]:
        return [self.labels[tail] for tail, head in self.edges if head == ident]


def parse(text: str) -> Graph:
    """The nodes and edges of ``to_dot``'s output; any other line fails the test."""
    lines = text.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}"
    graph = Graph()
    for line in lines[3:-1]:
        node, edge = _NODE.match(line), _EDGE.match(line)
        if node:
            ident, label, color = node.groups()
            assert ident not in graph.labels, f"{ident} declared twice"
            graph.labels[ident] = label.replace("\\n", "\n").replace('\\"', '"')
            graph.colors[ident] = color
        elif edge:
            tail, head, undirected = edge.groups()
            assert tail in graph.labels and head in graph.labels, "edge before its nodes"
            (graph.saved_edges if undirected else graph.edges).append((tail, head))
        else:
            raise AssertionError(f"unexpected DOT line {line!r}")
    return graph


def test_a_small_graph_reads_as_pytorch_names_it(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x * 2).sum()
    graph = parse(to_dot(y, params={"x": x}))
    assert sorted(graph.labels.values()) == sorted(
        ["()", "SumBackward0", "MulBackward0", "MulBackward0", "AccumulateGrad", "x\n(3)"])
    (out,) = graph.ids("()")
    assert graph.colors[out] == "darkolivegreen1"
    (total,) = graph.ids("SumBackward0")
    assert graph.inputs(out) == ["SumBackward0"]
    assert graph.inputs(total) == ["MulBackward0"]
    outer = next(tail for tail, head in graph.edges if head == total)
    inner = next(tail for tail, head in graph.edges if head == outer)  # x * x
    # x * x uses x twice: two edges from its AccumulateGrad, as next_functions has
    assert graph.inputs(inner) == ["AccumulateGrad", "AccumulateGrad"]
    (leaf,) = graph.ids("x\n(3)")
    assert graph.colors[leaf] == "lightblue"
    assert graph.inputs(graph.ids("AccumulateGrad")[0]) == ["x\n(3)"]
    assert len(graph.edges) == 6


def test_parameter_names_and_shapes(backend: str) -> None:
    w = ad.ones(3, 4, requires_grad=True)
    b = ad.zeros(4, requires_grad=True)
    x = ad.ones(2, 3)
    out = ad.matmul(x, w) + b
    graph = parse(to_dot(out, params={"weight": w, "bias": b}))
    assert graph.ids("weight\n(3, 4)") and graph.ids("bias\n(4)")
    assert graph.ids("(2, 4)")  # the output, unnamed
    unnamed = parse(to_dot(out))
    assert unnamed.ids("(3, 4)") and unnamed.ids("(4)")
    named_out = parse(to_dot(out, params={"out": out}))
    assert named_out.colors[named_out.ids("out\n(2, 4)")[0]] == "darkolivegreen1"


def test_ids_follow_discovery_so_the_text_is_stable(backend: str) -> None:
    def build() -> str:
        a = ad.ones(2, requires_grad=True)
        c = ad.ones(2, requires_grad=True)
        return to_dot((a * c).exp().sum(), params={"a": a, "c": c}, show_saved=True)

    first = build()
    assert build() == first
    a = ad.ones(2, requires_grad=True)
    y = (a + 1).sum()
    assert to_dot(y) == to_dot(y)
    assert re.findall(r"^  (n\d+) \[", first, re.M) == [f"n{i}" for i in range(
        len(re.findall(r"^  n\d+ \[", first, re.M)))]


def test_saved_tensors_hang_off_their_node(backend: str) -> None:
    a = ad.ones(2, 3, requires_grad=True)
    c = ad.ones(2, 3, requires_grad=True)
    y = (a * c).exp()
    plain = parse(to_dot(y))
    assert not plain.saved_edges and "orange" not in plain.colors.values()
    graph = parse(to_dot(y, show_saved=True))
    (exp,) = graph.ids("ExpBackward0")
    (mul,) = graph.ids("MulBackward0")
    saved = {head: graph.labels[head] for tail, head in graph.saved_edges if tail == exp}
    assert list(saved.values()) == ["result\n(2, 3)"]
    assert all(graph.colors[ident] == "orange" for ident in saved)
    assert len([head for tail, head in graph.saved_edges if tail == mul]) == 2
    assert all(label.endswith("\n(2, 3)") for ident, label in graph.labels.items()
               if graph.colors[ident] == "orange")


def test_saved_values_are_read_from_the_node(backend: str) -> None:
    a = ad.ones(3, requires_grad=True)
    node = (a * 2).grad_fn
    assert node is not None
    assert {key: value for key, value in node.saved_values.items()} == {"b": 2}
    y = a.exp()
    assert y.grad_fn is not None
    result = y.grad_fn.saved_values["result"]
    assert isinstance(result, ad.Tensor) and result.shape == (3,)
    y.sum().backward()
    assert y.grad_fn.saved_values == {}  # freed by backward


def test_attributes_shown_and_cut(backend: str) -> None:
    a = ad.ones(2, 3, requires_grad=True)
    y = a.sum(1, keepdim=True)
    graph = parse(to_dot(y, show_attrs=True))
    (label,) = [text for text in graph.labels.values() if text.startswith("SumBackward1")]
    name, rule, *rows = label.split("\n")
    assert set(rule) == {"-"}
    assert any(row.replace(" ", "") == "keepdims:True" for row in rows)
    assert all(": " in row for row in rows)
    short = parse(to_dot(y, show_attrs=True, max_attr_chars=3))
    (label,) = [text for text in short.labels.values() if text.startswith("SumBackward1")]
    assert any(row.endswith("Tru...") for row in label.split("\n"))
    assert parse(to_dot(y)).ids("SumBackward1")


def test_several_outputs_share_one_graph(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    h = x.exp()
    first, second = h.sum(), (h * h).mean()
    graph = parse(to_dot([first, second], params={"x": x}))
    outputs = [ident for ident, color in graph.colors.items() if color == "darkolivegreen1"]
    assert [graph.labels[ident] for ident in outputs] == ["()", "()"]
    assert len(graph.ids("ExpBackward0")) == 1 and len(graph.ids("x\n(3)")) == 1
    assert graph.inputs(outputs[0]) == ["SumBackward0"]
    assert graph.inputs(outputs[1]) == ["MeanBackward0"]
    assert parse(to_dot((first, second))).labels == parse(to_dot([first, second])).labels


def test_retained_tensors_are_shown(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    h = x * 3
    h.retain_grad()
    graph = parse(to_dot(h.sum(), params={"h": h}))
    (box,) = graph.ids("h\n(3)")
    assert graph.colors[box] == "darkolivegreen3"
    assert graph.inputs(box) == ["MulBackward0"]


def test_a_deep_chain_is_walked_without_recursion(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    y = x
    # a lazy library (dask) pays O(depth) per op on a deep task graph (as in
    # test_autograd's deep chain): 4,000 ops, still four times Python's recursion limit
    depth = 4_000 if ad.get_backend().lazy else 100_000
    for _ in range(depth):
        y = y * 1.0
    text = to_dot(y)
    graph = parse(text)
    assert len(graph.ids("MulBackward0")) == depth
    assert len(graph.edges) == depth + 2  # the chain, AccumulateGrad's and the leaf's


def test_a_tensor_without_a_graph_is_just_its_box(backend: str) -> None:
    for tensor in (ad.ones(2, 3), ad.ones(4, requires_grad=True), ad.tensor(1.0)):
        graph = parse(to_dot(tensor))
        assert list(graph.labels.values()) == [
            "(" + ", ".join(str(size) for size in tensor.shape) + ")"]
        assert not graph.edges


def test_labels_are_quoted(backend: str) -> None:
    x = ad.ones(1, requires_grad=True)
    graph = parse(to_dot(x * 2, params={'say "hi" \\ there': x}))
    assert graph.ids('say "hi" \\\\ there\n(1)')


def test_errors(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="expected a Tensor or a sequence of Tensors, got list"):
        to_dot([[x]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="got float"):
        to_dot(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"params\['w'\] must be a Tensor, got int"):
        to_dot(x * 2, params={"w": 3})
    with pytest.raises(TypeError, match="params must be a dict of name -> Tensor"):
        to_dot(x * 2, params=[x])  # type: ignore[arg-type]


def test_names_match_pytorch_grad_fns(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")

    def names(root: Any) -> list[str]:
        seen, order, queue = set(), [], deque([root])
        while queue:
            node = queue.popleft()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(type(node).__name__)
            queue.extend(child for child, _ in node.next_functions if child is not None)
        return order

    x = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    tx = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    ours = (x * x * 2).exp().sum()
    theirs = (tx * tx * 2).exp().sum()
    graph = parse(to_dot(ours))
    nodes = [label for ident, label in graph.labels.items() if graph.colors[ident] is None]
    assert nodes == names(theirs.grad_fn)


def test_importing_autodiff_does_not_import_graphviz() -> None:
    code = ("import sys, autodiff, autodiff.viz; "
            "print('graphviz' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=root, env={"PYTHONPATH": str(root)}, check=True)
    assert done.stdout.strip() == "False"


def test_draw_says_how_to_install_graphviz(backend: str, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(ImportError, match=r"pip install graphviz.*apt install graphviz"):
        draw(x * 2)


def test_draw_says_how_to_install_dot(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", "")
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"`dot` program.*brew install graphviz"):
        draw(x * 2)


def test_draw_refuses_unknown_formats(backend: str, tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="cannot write format 'jpg'"):
        draw(x * 2, tmp_path / "graph.jpg")
    with pytest.raises(ValueError, match=r"ends in \.svg but format='png'"):
        draw(x * 2, tmp_path / "graph.svg", format="png")


needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed "
                                      "(apt install graphviz / brew install graphviz)")


@needs_dot
def test_draw_writes_svg_and_png(backend: str, tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    w = ad.ones(2, 2, requires_grad=True)
    y = (w * w).sum()
    svg = tmp_path / "graph.svg"
    assert draw(y, svg, params={"w": w}) == str(svg)
    text = svg.read_text()
    assert "<svg" in text and "MulBackward0" in text and "(2, 2)" in text
    png = draw(y, str(tmp_path / "graph.png"))
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bare = tmp_path / "graph"
    draw(y, bare, format="png")
    assert bare.read_bytes()[:4] == b"\x89PNG"


@needs_dot
def test_draw_without_a_path_shows_inline(backend: str) -> None:
    pytest.importorskip("graphviz")
    x = ad.ones(2, requires_grad=True)
    picture = draw((x * 2).sum(), show_saved=True)
    assert isinstance(picture, Drawing)
    assert "<svg" in picture._repr_svg_()
    assert picture._repr_mimebundle_()["image/svg+xml"] == picture.svg
    assert picture.source == to_dot((x * 2).sum(), show_saved=True)

"""``draw``: a graph rendered to SVG or PNG by Graphviz, or shown in a notebook.

The ``graphviz`` Python package and Graphviz's ``dot`` program are optional: they are
imported here, when ``draw`` is called, never by ``import autodiff``.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from ._dot import to_dot

__all__ = ["Drawing", "draw"]

FORMATS = ("svg", "png", "pdf")

INSTALL_HINT = (
    "install the graphviz Python package with `pip install graphviz` (or "
    '`pip install ".[viz]"` from a checkout of autodiff) and Graphviz\'s `dot` program '
    "with your system's package manager (`apt install graphviz`, `brew install "
    "graphviz`, `conda install graphviz`); autodiff.viz.to_dot needs neither")


class Drawing:
    """A rendered graph: ``source`` (DOT) and ``svg``. A notebook shows it inline
    (``_repr_svg_`` / ``_repr_mimebundle_``).

    >>> picture = Drawing("digraph {}", "<svg></svg>")
    >>> picture._repr_mimebundle_()["image/svg+xml"]
    '<svg></svg>'
    """

    def __init__(self, source: str, svg: str) -> None:
        self.source = source
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg, "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"<autodiff.viz.Drawing: {self.source.count(' -> ')} edges>"


def _graphviz() -> Any:
    try:
        return importlib.import_module("graphviz")
    except ImportError as error:
        raise ImportError(f"autodiff.viz.draw needs the graphviz package: {INSTALL_HINT}"
                          ) from error


def _render(graphviz: Any, source: str, fmt: str) -> bytes:
    try:
        rendered: bytes = graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise RuntimeError(f"autodiff.viz.draw needs Graphviz's `dot` program, which is not "
                           f"on the PATH: {INSTALL_HINT}") from error
    return rendered


def _format(path: Path, fmt: str | None) -> str:
    suffix = path.suffix.lstrip(".").lower()
    if fmt is None:
        fmt = suffix or "svg"
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"draw: cannot write format {fmt!r}; expected one of "
                         f"{', '.join(FORMATS)} (from the path's suffix or format=)")
    if suffix and suffix != fmt:
        raise ValueError(f"draw: the path {str(path)!r} ends in .{suffix} but format={fmt!r}")
    return fmt


def draw(tensor: Any, path: str | os.PathLike[str] | None = None, format: str | None = None,
         **to_dot_kwargs: Any) -> Any:
    """Render the graph behind ``tensor`` (see ``to_dot``, which takes the keyword
    arguments) with Graphviz: to ``path`` as SVG, PNG or PDF (from its suffix, or
    ``format``), returning the path written; without a path, a ``Drawing`` that a
    notebook shows inline. Needs the ``graphviz`` package and the ``dot`` program
    (``pip install graphviz`` and ``apt install graphviz`` / ``brew install
    graphviz``), and says so when either is missing.

    >>> import autodiff as ad
    >>> from autodiff.viz import draw
    >>> x = ad.ones(3, requires_grad=True)
    >>> picture = draw((x * x).sum())  # doctest: +SKIP
    >>> draw((x * x).sum(), "graph.svg")  # doctest: +SKIP
    'graph.svg'
    """
    source = to_dot(tensor, **to_dot_kwargs)
    graphviz = _graphviz()
    if path is None:
        return Drawing(source, _render(graphviz, source, "svg").decode("utf-8"))
    target = Path(path)
    target.write_bytes(_render(graphviz, source, _format(target, format)))
    return os.fspath(path)

"""Pictures of the recorded graph, as torchviz draws PyTorch's.

``to_dot`` returns the Graphviz DOT source of the graph behind a tensor (no
dependency); ``draw`` renders it to SVG or PNG, or inline in a notebook, with the
optional ``graphviz`` package (``pip install ".[viz]"``) and Graphviz's ``dot``.
Importing ``autodiff`` does not import this package, nor this package graphviz.
"""

from ._dot import to_dot as to_dot
from ._render import Drawing as Drawing
from ._render import draw as draw

__all__ = ["Drawing", "draw", "to_dot"]

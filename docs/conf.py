"""Sphinx configuration: the Markdown pages are read with myst_parser."""

project = "autodiff"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

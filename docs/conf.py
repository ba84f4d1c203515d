"""Sphinx configuration: Markdown pages read with myst_parser on the furo theme, and an
API reference generated from the docstrings (autodoc + autosummary) at build time."""

project = "autodiff"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]
html_theme = "furo"
html_title = "autodiff"

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "imported-members": True}
autodoc_member_order = "groupwise"



def _skip_torch_aliases(app, what, name, obj, skip, options):
    """``autodiff.torch`` re-exports most of ``autodiff`` as the very same objects: its page
    documents only the names that are its own (those whose meaning differs, and
    PyTorch-only names); the others are documented once, under ``autodiff``."""
    import autodiff

    if app.env.docname.endswith("/autodiff.torch") and getattr(autodiff, name, None) is obj:
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_torch_aliases)

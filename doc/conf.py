"""Sphinx configuration of the skhyper documentation.

Build with ``python -m sphinx -W --keep-going -b html doc doc/_build/html``
from the repository root (needs the ``docs`` extra: ``pip install -e ".[docs]"``).
"""

import os
import sys

import matplotlib

# The gallery runs the examples in this process: never open a window.
matplotlib.use("Agg")

import skhyper  # noqa: E402

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sphinxext")
)

# -- Project -------------------------------------------------------------------
project = "skhyper"
author = "The skhyper developers"
copyright = author
version = skhyper.__version__
release = skhyper.__version__

# -- General -------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "navigation",  # sphinxext/: no empty "Section Navigation" on single pages
]
# No intersphinx: the documentation builds without a network connection.

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "generated/backreferences",
    "sphinxext",
    "**/sg_execution_times.rst",
    "sg_execution_times.rst",
]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary -------------------------------------------------------
autosummary_generate = True  # stub pages go to doc/generated/ (git-ignored)
autodoc_typehints = "none"  # numpydoc docstrings carry the types
autodoc_default_options = {"members": True}

# scikit-learn's docstrings, which numpydoc quotes for the properties that
# skhyper's searches inherit and list under Attributes (``n_features_in_``,
# ``classes_``), refer to scikit-learn's glossary with :term:. That glossary is
# not part of this site and, without intersphinx, cannot be linked to.
suppress_warnings = ["ref.term"]

# -- numpydoc --------------------------------------------------------------------
# Methods and properties are documented by autodoc's :members: on the class
# page; numpydoc's own member tables would list them a second time.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- sphinx-gallery --------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "doc_module": ("skhyper",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    # Every example starts from matplotlib's and scikit-learn's defaults.
    "reset_modules": ("matplotlib", "gallery_reset.reset_sklearn_config"),
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "show_memory": False,
    "remove_config_comments": True,
}

# -- HTML ------------------------------------------------------------------------
try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:
    html_theme = "alabaster"
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navigation_with_keys": False,
        "show_toc_level": 2,
    }
html_title = f"skhyper {release}"


# -- Members inherited from scikit-learn -----------------------------------------
def _defined_in_sklearn(obj):
    func = getattr(obj, "fget", obj)  # a property's getter carries its module
    return (getattr(func, "__module__", None) or "").startswith("sklearn.")


def _skip_sklearn_members(app, what, name, obj, skip, options):
    """Leave scikit-learn's own methods (fit, predict, get_params...) to its docs.

    Class pages show inherited members so that, say, Real documents the
    ``sample`` it inherits from skhyper's Dimension; what a search inherits
    from scikit-learn's BaseSearchCV is described once, in api.rst.
    """
    if what == "class" and _defined_in_sklearn(obj):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_members)

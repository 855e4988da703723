"""Every public name is documented with an Examples section (run as a doctest)."""

import importlib
import inspect

import pytest

MODULES = ["skhyper", "skhyper.plotting", "skhyper.compare", "skhyper.callbacks",
           "skhyper.space"]


def _public():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module_name}.{name}", obj


@pytest.mark.parametrize("name, obj", list(_public()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_public_name_has_an_examples_section(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert "\nExamples\n--------\n" in doc, f"{name} has no Examples section"
    examples = doc.split("\nExamples\n--------\n", 1)[1]
    assert ">>> " in examples, f"{name}'s Examples section runs no code"


def _gallery_titles():
    """The title of every gallery section, from examples/*/README.txt."""
    import pathlib

    root = pathlib.Path(__file__).parents[1] / "examples"
    titles = {}
    for readme in sorted(root.glob("*/README.txt")):
        lines = [line.rstrip() for line in readme.read_text(encoding="utf-8").splitlines()]
        for above, line in zip(lines, lines[1:]):
            if line and set(line) == {"-"} and above:
                titles[readme.parent.name] = above
                break
    return titles


def test_every_gallery_section_has_its_own_title():
    titles = _gallery_titles()
    assert len(titles) >= 9  # every topic folder has a titled README
    repeated = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    assert not repeated, f"gallery sections share a title: {repeated}"


@pytest.mark.slow
def test_a_top_level_page_without_sub_pages_has_no_empty_section_navigation(tmp_path):
    # pydata-sphinx-theme draws a "Section Navigation" sidebar of the current
    # top-level page's sub-pages; the tutorial, which has none, got an empty
    # one. A tiny site with the documentation's own extension and theme.
    import pathlib

    pytest.importorskip("pydata_sphinx_theme")  # the docs extra
    from sphinx.application import Sphinx

    doc = pathlib.Path(__file__).parents[1] / "doc"
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(doc / 'sphinxext')!r})\n"
        "extensions = ['navigation']\n"
        "html_theme = 'pydata_sphinx_theme'\n"
    )
    pages = {
        "index": "Home\n====\n\n.. toctree::\n\n   tutorial\n   examples/index\n",
        "tutorial": "Tutorial\n========\n\nOne long page.\n\nPart\n----\n\nText.\n",
        "examples/index": "Examples\n========\n\n.. toctree::\n   :hidden:\n\n   one\n",
        "examples/one": "One\n===\n\nAn example.\n",
    }
    for name, text in pages.items():
        (src / f"{name}.rst").parent.mkdir(exist_ok=True)
        (src / f"{name}.rst").write_text(text)
    out = tmp_path / "html"
    Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
           status=None, warning=None, freshenv=True).build()

    def sidebar(page):
        html = (out / f"{page}.html").read_text()
        start = html.index('id="pst-primary-sidebar"')
        return html[html.rindex("<div", 0, start):html.index("</dialog>", start)
                    if "</dialog>" in html[start:] else start + 4000]

    tutorial, examples = sidebar("tutorial"), sidebar("examples/one")
    assert "hide-on-wide" in tutorial.split(">", 1)[0]  # no empty panel
    assert "Section Navigation" not in tutorial
    assert "hide-on-wide" not in examples.split(">", 1)[0]  # sub-pages are listed
    assert "Section Navigation" in examples and "One" in examples

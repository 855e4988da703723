"""No empty "Section Navigation" sidebar on a top-level page without sub-pages.

pydata-sphinx-theme's primary sidebar lists the sub-pages of the top-level
section the reader is in. With the theme's default ``sidebar_includehidden =
True`` it takes any page of the root toctree to have some, without looking,
so a single-page section (the tutorial, the user guide, the installation
page) got a "Section Navigation" heading over nothing. Setting
``sidebar_includehidden = False`` instead would hide the gallery's examples,
which sphinx-gallery lists in hidden toctrees. This extension gives such a
page no primary sidebar, as the theme does for the home page; its own
sections stay listed on the right ("On this page").
"""


def _drop_empty_section_navigation(app, pagename, templatename, context, doctree):
    includes = app.env.toctree_includes
    top_level = includes.get(app.config.root_doc, [])
    if pagename in top_level and not includes.get(pagename):
        context["sidebars"] = []


def setup(app):
    app.connect("html-page-context", _drop_empty_section_navigation)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

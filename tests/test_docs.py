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

"""The API inventory: every public torch.Tensor attribute is either provided by ember or listed, with its reason,
in tests/unsupported.py; and every public ember.Tensor method is exercised somewhere in the test suite."""

import re
from pathlib import Path

import ember
from helpers import torch
from unsupported import UNSUPPORTED, UNSUPPORTED_FUNCTIONS


def public(cls) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_every_torch_tensor_attribute_is_provided_or_listed():
    unlisted = public(torch.Tensor) - public(ember.Tensor) - set(UNSUPPORTED)
    assert not unlisted, f"provide these or list them with a reason in tests/unsupported.py: {sorted(unlisted)}"


def test_listed_attributes_are_really_missing():
    provided = set(UNSUPPORTED) & public(ember.Tensor)
    assert not provided, f"implemented now: remove them from tests/unsupported.py: {sorted(provided)}"


def test_every_reason_is_given():
    assert all(isinstance(r, str) and len(r) > 10 for r in UNSUPPORTED.values())


def test_every_ember_tensor_method_appears_in_a_test():
    """A method added without a test that calls it fails here (the differential tests name what they call)."""
    here = Path(__file__).parent
    text = "\n".join(p.read_text() for p in here.glob("test_*.py") if p.name != Path(__file__).name)
    untested = sorted(n for n in public(ember.Tensor) if not re.search(rf"\b{re.escape(n)}\b", text))
    assert not untested, f"no test mentions these Tensor methods: {untested}"


def torch_functions() -> set[str]:
    """The public callables of the torch module that are functions (not classes, not modules)."""
    import types

    return {n for n in public(torch) if callable(getattr(torch, n))
            and not isinstance(getattr(torch, n), (type, types.ModuleType))}  # fmt: skip


def test_every_torch_function_is_provided_or_listed():
    unlisted = torch_functions() - public(ember) - set(UNSUPPORTED_FUNCTIONS)
    assert not unlisted, (
        f"provide these or list them in UNSUPPORTED_FUNCTIONS (tests/unsupported.py): {sorted(unlisted)}"
    )


def test_listed_functions_are_really_missing():
    provided = set(UNSUPPORTED_FUNCTIONS) & public(ember)
    assert not provided, f"implemented now: remove them from UNSUPPORTED_FUNCTIONS: {sorted(provided)}"


def test_every_function_reason_is_given():
    assert all(isinstance(r, str) and len(r) > 10 for r in UNSUPPORTED_FUNCTIONS.values())


def test_every_ember_function_appears_in_a_test():
    """A torch.* function added to ember without a test that calls it fails here."""
    import types

    here = Path(__file__).parent
    text = "\n".join(p.read_text() for p in here.glob("test_*.py") if p.name != Path(__file__).name)
    names = {n for n in public(ember) if not isinstance(getattr(ember, n), types.ModuleType)}
    untested = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", text))
    assert not untested, f"no test mentions these ember functions: {untested}"

"""Shared test setup: torch is the oracle. Under CI (CI=true) a missing torch fails the run instead of skipping."""

import os

import pytest

if os.environ.get("CI") == "true":
    import torch  # noqa: F401  - must be installed in CI


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Each test starts with the default dtype, grad mode and print options."""
    import ember

    yield
    ember.set_default_dtype(ember.float32)
    ember.autograd.grad_mode.MODE.enabled = True
    ember.autograd.grad_mode.MODE.inference = False
    ember.set_printoptions(profile="default")

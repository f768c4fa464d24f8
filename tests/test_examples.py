"""The examples print exactly what the same script prints under PyTorch."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if os.environ.get("CI") != "true":
    pytest.importorskip("torch")


def run(script: str, *args: str) -> str:
    r = subprocess.run([sys.executable, str(ROOT / "examples" / script), *args], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("script", ["tensor_tour.py"])
def test_example_prints_what_torch_prints(script: str) -> None:
    ours, theirs = run(script), run(script, "--torch")
    assert ours.splitlines() == theirs.splitlines()
    assert len(ours.splitlines()) > 100

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


@pytest.mark.parametrize("script", ["tensor_tour.py", "nn_tour.py"])
def test_example_prints_what_torch_prints(script: str) -> None:
    ours, theirs = run(script), run(script, "--torch")
    assert ours.splitlines() == theirs.splitlines()
    assert len(ours.splitlines()) > 40


def _numbers(line: str) -> list[float]:
    return [float(w) for w in line.split()]


def test_two_layer_net_follows_torchs_loss_curve() -> None:
    """Tutorial 001's training loop: same start, same data, so the printed losses agree to float32 rounding."""
    ours, theirs = run("two_layer_net.py").splitlines(), run("two_layer_net.py", "--torch").splitlines()
    assert len(ours) == len(theirs)
    losses = 0
    for a, b in zip(ours, theirs):
        if a[:1].isdigit():
            (sa, la), (sb, lb) = _numbers(a), _numbers(b)
            assert sa == sb
            assert abs(la - lb) <= 1e-2 * abs(lb) + 1e-5, (a, b)
            losses += 1
        else:
            assert a == b  # headers and the model's repr
    assert losses == 30

"""The code keeps one look (ruff, line length 88), checked with the suite."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "villagetracker", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_ruff_finds_nothing_to_fix():
    result = ruff("check", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr

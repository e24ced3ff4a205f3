"""The linters are part of the suite: ruff (check and format) and pylint-odoo per addon."""

import subprocess
import sys
from pathlib import Path

import pytest
from test_repository import ADDONS

REPO = Path(__file__).resolve().parent.parent


def run(*args):
    proc = subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return proc.returncode, (proc.stdout + proc.stderr)[-6000:]


def test_ruff_check():
    code, output = run("ruff", "check", ".")
    assert code == 0, output


def test_ruff_format():
    code, output = run("ruff", "format", "--check", ".")
    assert code == 0, output


@pytest.mark.parametrize("addon", ADDONS)
def test_pylint_odoo(addon):
    code, output = run("pylint", "--rcfile", str(REPO / ".pylintrc"), addon)
    assert code == 0, output


def test_addon_readmes_generated_from_fragments():
    code, output = run("scripts.gen_addon_readme", "--check")
    assert code == 0, output

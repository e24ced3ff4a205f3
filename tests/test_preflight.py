"""The test command stops in seconds with one paragraph when Odoo or PostgreSQL is missing."""

import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PREFLIGHT = TESTS / "odoo_suite" / "preflight.py"
needs_odoo = pytest.mark.skipif(importlib.util.find_spec("odoo") is None, reason="Odoo is not importable here")


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def env_without_postgres():
    return {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(closed_port())}


def test_missing_odoo_is_explained():
    # -I -S: an interpreter without site-packages, hence without Odoo.
    proc = subprocess.run(
        [sys.executable, "-I", "-S", str(PREFLIGHT)], capture_output=True, text=True, check=False, timeout=60
    )
    answer = json.loads(proc.stdout)
    assert answer["ok"] is False
    assert answer["problem"].startswith(f"Odoo is not importable by {sys.executable}.")
    assert "pip install -r <checkout>/requirements.txt" in answer["problem"]


@needs_odoo
def test_unreachable_postgres_is_explained():
    env = env_without_postgres()
    proc = subprocess.run(
        [sys.executable, str(PREFLIGHT)], capture_output=True, text=True, check=False, timeout=60, env=env
    )
    answer = json.loads(proc.stdout)
    assert answer["ok"] is False
    assert answer["problem"].startswith(f"PostgreSQL is not reachable at host=127.0.0.1 port={env['PGPORT']}")
    assert "PGHOST, PGPORT, PGUSER and PGPASSWORD" in answer["problem"]


@needs_odoo
def test_suite_stops_at_once_without_postgres():
    env = env_without_postgres()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(TESTS / "odoo.suite"), "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
        cwd=TESTS.parent,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 3, output
    assert f"PostgreSQL is not reachable at host=127.0.0.1 port={env['PGPORT']}" in output
    assert "Traceback" not in output

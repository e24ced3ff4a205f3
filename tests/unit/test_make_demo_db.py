"""The demo helper prints a start command that reaches the database it built."""

import importlib.util
import shlex
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_demo_db.py"
spec = importlib.util.spec_from_file_location("make_demo_db", SCRIPT)
make_demo_db = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_demo_db)


def test_start_command_keeps_database_server_and_http_port():
    env = {"PGHOST": "db.example", "PGPORT": "5433", "PGUSER": "odoo", "PGPASSWORD": "secret"}
    options = make_demo_db.database_options(env)
    command = make_demo_db.start_command(Path("/src/my odoo"), "demo", "/a,/b", options, 8070)
    words = shlex.split(command)
    assert words[0] == "PYTHONPATH=/src/my odoo"
    assert words[words.index("--database") + 1] == "demo"
    assert words[words.index("--db_host") + 1] == "db.example"
    assert words[words.index("--db_port") + 1] == "5433"
    assert words[words.index("--db_user") + 1] == "odoo"
    assert words[words.index("--http-port") + 1] == "8070"
    assert words[words.index("--addons-path") + 1] == "/a,/b"
    assert "secret" not in command


def test_database_defaults_are_the_libpq_ones(monkeypatch):
    monkeypatch.setattr(make_demo_db.getpass, "getuser", lambda: "anna")
    assert make_demo_db.database_options({}) == ["--db_host", "127.0.0.1", "--db_port", "5432", "--db_user", "anna"]

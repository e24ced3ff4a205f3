"""pytest items for the Odoo test suites of this repository's addons.

An ``odoo.suite`` file names the addons. Collecting it:

1. checks in seconds that Odoo 18 and PostgreSQL are there (``preflight.py``) and stops
   the session with a one-paragraph explanation when they are not;
2. creates a fresh database, installs all the addons with ``--test-enable`` (their
   at_install and post_install tests run), records each test through ``run_odoo.py``
   and drops the database, also when tests fail;
3. yields one item per Odoo test, so each is counted in pytest's summary; a skipped
   Odoo test fails (Odoo skips a browser tour silently when Chromium is missing);
4. yields one item per tour found in the addons' tests, passing only when the tour's
   ``TOUR <name> SUCCEEDED`` line is in the log, one item for errors logged outside
   tests, and one item per addon that installs it alone on a bare database and fails
   on any warning or error in that log.
"""

import configparser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
TOUR_CALL = re.compile(r"""start_tour\(\s*[^,]+,\s*["']([\w.-]+)["']""")
RUN_TIMEOUT = 75 * 60


def pg_env():
    """The environment for Odoo and psycopg2: libpq variables, with this machine's defaults."""
    env = dict(os.environ)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    return env


def preflight(config):
    """Odoo's location and version, checked once per session; stops the session when missing.

    Called from ``pytest_sessionstart`` (see conftest.py), where ``pytest.exit`` ends the
    run with just the explanation.
    """
    if PREFLIGHT in config.stash:
        return config.stash[PREFLIGHT]
    proc = subprocess.run(
        [sys.executable, str(HERE / "preflight.py")],
        capture_output=True,
        text=True,
        env=pg_env(),
        timeout=120,
        check=False,
    )
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        pytest.exit(f"The Odoo preflight check could not run:\n{proc.stderr[-3000:]}", returncode=3)
    if not data["ok"]:
        pytest.exit(data["problem"], returncode=3)
    config.stash[PREFLIGHT] = data
    return data


def selects_suite(config, suite_path):
    """Whether the paths given to pytest (or its testpaths) include ``suite_path``."""
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == suite_path or path in suite_path.parents:
            return True
    return False


def say(config, text):
    """Print a progress line now, past pytest's output capture (active while collecting and running)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture:
        with capture.global_and_fixture_disabled():
            reporter.write_line(text)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(name):
    import psycopg2

    saved = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT")}
    os.environ.update({k: v for k, v in pg_env().items() if k in saved})
    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=10)
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class OdooRun:
    """One Odoo process on its own fresh database, dropped when the process ends."""

    def __init__(self, odoo_root, workdir, label):
        self.odoo_root = Path(odoo_root)
        self.workdir = Path(workdir)
        self.db = f"suite_{label}_{uuid.uuid4().hex[:8]}"
        self.log = self.workdir / f"{label}.log"
        self.report = self.workdir / f"{label}.jsonl"
        self.returncode = None
        self.seconds = None

    def addons_path(self):
        dirs = [p for p in (self.odoo_root / "odoo" / "addons", self.odoo_root / "addons") if p.is_dir()]
        return ",".join(str(p) for p in [*dirs, REPO])

    def run(self, *odoo_args):
        data_dir = tempfile.mkdtemp(prefix="odoo-data-", dir=self.workdir)
        cmd = [
            sys.executable,
            str(HERE / "run_odoo.py"),
            str(self.report),
            "--database",
            self.db,
            "--addons-path",
            self.addons_path(),
            "--data-dir",
            data_dir,
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(free_port()),
            "--gevent-port",
            str(free_port()),
            "--max-cron-threads",
            "0",
            "--logfile",
            str(self.log),
            "--stop-after-init",
            *odoo_args,
        ]
        started = time.monotonic()
        try:
            proc = subprocess.run(cmd, env=pg_env(), timeout=RUN_TIMEOUT, check=False, capture_output=True, text=True)
            self.returncode = proc.returncode
            self.stderr = proc.stderr
        except subprocess.TimeoutExpired:
            self.returncode = "timeout"
            self.stderr = f"Odoo did not finish within {RUN_TIMEOUT} s"
        finally:
            self.seconds = time.monotonic() - started
            drop_database(self.db)
            shutil.rmtree(data_dir, ignore_errors=True)
        return self

    def log_records(self):
        """(level, logger, message) of each log record, continuation lines left out."""
        if not self.log.exists():
            return []
        records = []
        with open(self.log, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                match = LOG_LINE.match(line)
                if match:
                    records.append((match["level"], match["logger"], match["msg"]))
        return records

    def events(self):
        if not self.report.exists():
            return []
        with open(self.report, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]


def results_by_test(events):
    """Fold the recorder's events into {test id: {"status", "text", "seconds"}}, in run order."""
    results = {}
    for event in events:
        result = results.setdefault(event["id"], {"status": None, "texts": [], "start": None, "stop": None})
        kind = event["event"]
        if kind == "start":
            result["start"] = event["time"]
        elif kind == "stop":
            result["stop"] = event["time"]
        elif kind in ("fail", "error"):
            result["status"] = "failed"
            label = f"{kind.upper()}" + (f" [{event['subtest']}]" if event.get("subtest") else "")
            result["texts"].append(f"{label}:\n{event['text']}")
        elif kind == "skip" and result["status"] is None:
            result["status"] = "skipped"
            result["texts"].append(f"SKIPPED: {event['text']}")
    for result in results.values():
        if result["status"] is None:
            result["status"] = "passed" if result["stop"] else "failed"
            if not result["stop"]:
                result["texts"].append("The test started but never finished: Odoo stopped during it.")
        result["seconds"] = (result["stop"] or result["start"] or 0) - (result["start"] or 0)
    return results


def errors_outside_tests(records):
    """ERROR and CRITICAL log lines that are not a test failure (each test's item reports those)."""
    problems = []
    for level, logger, message in records:
        if level not in ("ERROR", "CRITICAL"):
            continue
        if message.startswith(("FAIL: ", "ERROR: ")) or "tests when loading database" in message:
            continue  # a failed test, or Odoo's count of them
        problems.append(f"{level} {logger}: {message}")
    return problems


def declared_tours(addons):
    tours = []
    for addon in addons:
        for path in sorted((REPO / addon / "tests").glob("test_*.py")):
            tours.extend((addon, name) for name in TOUR_CALL.findall(path.read_text(encoding="utf-8")))
    return tours


def suite_modules(config):
    """(addons whose tests run, other Odoo modules installed with them) of a parsed ``odoo.suite``.

    ``install_also`` names modules an addon's tests need installed but that no addon may depend
    on, such as Odoo's ``payment_demo`` provider; their own tests are not run.
    """
    section = config["suite"]
    return section["addons"].split(), section.get("install_also", "").split()


class OdooSuiteFile(pytest.File):
    def collect(self):
        config = configparser.ConfigParser()
        config.read(self.path, encoding="utf-8")
        addons, install_also = suite_modules(config)
        odoo = preflight(self.config)
        workdir = Path(tempfile.mkdtemp(prefix="odoo-suite-"))
        self.config.stash[WORKDIR] = workdir
        say(
            self.config,
            f"odoo.suite: Odoo {odoo['version']} from {odoo['odoo']}; installing and testing "
            f"{', '.join(addons)} on a fresh database (log: {workdir / 'suite.log'})",
        )
        run = OdooRun(odoo["odoo"], workdir, "suite").run(
            "--init",
            ",".join(addons + install_also),
            "--test-enable",
            "--test-tags",
            ",".join(f"/{addon}" for addon in addons),
            "--log-level",
            "info",
        )
        say(self.config, f"odoo.suite: Odoo installed and tested the addons in {run.seconds:.0f} s")
        for test_id, result in results_by_test(run.events()).items():
            yield OdooTestItem.from_parent(self, name=test_id.removeprefix("odoo.addons."), result=result)
        for _addon, tour in declared_tours(addons):
            yield TourItem.from_parent(self, name=f"tour {tour} SUCCEEDED", tour=tour, run=run)
        yield OdooLogItem.from_parent(self, name="odoo log has no errors", run=run)
        for addon in addons:
            yield InstallAloneItem.from_parent(self, name=f"{addon} installs alone", addon=addon, odoo=odoo)


WORKDIR = pytest.StashKey()
PREFLIGHT = pytest.StashKey()


class OdooFailure(Exception):
    pass


class _Item(pytest.Item):
    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, OdooFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, self.name


class OdooTestItem(_Item):
    def __init__(self, *, result, **kwargs):
        super().__init__(**kwargs)
        self.result = result

    def runtest(self):
        if self.result["status"] == "skipped":
            raise OdooFailure(
                "Odoo skipped this test; this suite counts a skip as a failure (a browser tour "
                "is skipped when Chromium or websocket-client is missing).\n" + "\n".join(self.result["texts"])
            )
        if self.result["status"] != "passed":
            raise OdooFailure("\n".join(self.result["texts"]))


class TourItem(_Item):
    def __init__(self, *, tour, run, **kwargs):
        super().__init__(**kwargs)
        self.tour, self.run = tour, run

    def runtest(self):
        marker = f"TOUR {self.tour} SUCCEEDED"
        log_text = self.run.log.read_text(encoding="utf-8", errors="replace") if self.run.log.exists() else ""
        if marker not in log_text:  # Odoo prints the tour's banner on continuation lines
            raise OdooFailure(
                f"The log of the Odoo run has no line with {marker!r}: the tour did not run or did not succeed."
            )


class OdooLogItem(_Item):
    def __init__(self, *, run, **kwargs):
        super().__init__(**kwargs)
        self.run = run

    def runtest(self):
        problems = []
        if self.run.returncode not in (0, 1):  # 1: some test failed, reported by its own item
            problems.append(f"Odoo exited with {self.run.returncode}:\n{self.run.stderr[-3000:]}")
        if not self.run.events():
            problems.append("Odoo ran no test at all.")
        problems += errors_outside_tests(self.run.log_records())
        if problems:
            raise OdooFailure("\n".join(problems[:50]) + f"\n(full log: {self.run.log})")


class InstallAloneItem(_Item):
    """The addon installs alone, with demo data, on a bare database: no warning, no error."""

    def __init__(self, *, addon, odoo, **kwargs):
        super().__init__(**kwargs)
        self.addon, self.odoo = addon, odoo

    def runtest(self):
        workdir = self.config.stash[WORKDIR]
        run = OdooRun(self.odoo["odoo"], workdir, f"alone_{self.addon}").run(
            "--init", self.addon, "--log-level", "warn"
        )
        self.user_properties.append(("install_seconds", round(run.seconds, 1)))
        problems = [f"{level} {logger}: {message}" for level, logger, message in run.log_records()]
        if run.returncode != 0:
            problems.insert(0, f"Odoo exited with {run.returncode}:\n{run.stderr[-3000:]}")
        if problems:
            raise OdooFailure(f"Installing {self.addon} alone logged:\n" + "\n".join(problems[:50]))
        say(self.config, f"\nodoo.suite: {self.addon} installed alone in {run.seconds:.0f} s")

"""What the benchmark scripts share: a database of their own with an addon installed, and an Odoo env.

Environment: PGHOST (default 127.0.0.1), BENCH_TEMPLATE (a database with the addon's
dependencies installed, copied instead of installing them again), BENCH_HTTP_PORT.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PGHOST = os.environ.get("PGHOST", "127.0.0.1")


def odoo_root():
    import odoo

    return Path(odoo.__file__).resolve().parents[1]


def addons_path():
    root = odoo_root()
    return ",".join(str(p) for p in (root / "addons", root / "odoo" / "addons", REPO) if p.is_dir())


def create_database(db, addon):
    """A fresh database ``db`` with ``addon`` installed, without demo data."""
    drop_database(db)
    if os.environ.get("BENCH_TEMPLATE"):
        subprocess.run(["createdb", "-h", PGHOST, "-T", os.environ["BENCH_TEMPLATE"], db], check=True)
    cmd = [
        sys.executable,
        "-c",
        "import odoo.cli; odoo.cli.main()",
        "-d",
        db,
        "-i",
        addon,
        "--without-demo",
        "all",
        "--stop-after-init",
        "--addons-path",
        addons_path(),
        "--db_host",
        PGHOST,
        "--http-port",
        os.environ.get("BENCH_HTTP_PORT", "8490"),
        "--log-level",
        "warn",
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def drop_database(db):
    subprocess.run(["dropdb", "-h", PGHOST, "--if-exists", "--force", db], check=True)


@contextlib.contextmanager
def odoo_env(db):
    """An environment as superuser on ``db``, committed when the block ends without error."""
    import odoo
    from odoo.tools import config

    config.parse_config(["-d", db, "--addons-path", addons_path(), "--db_host", PGHOST, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(db)
    try:
        with registry.cursor() as cr:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
    finally:
        odoo.sql_db.close_all()  # before the database is dropped


@contextlib.contextmanager
def timed(label, results):
    """Time the block into ``results[label]``; with BENCH_PROFILE=prefix, also dump a cProfile of it."""
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{os.environ['BENCH_PROFILE']}.{label}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db, workers, logfile, *, channels=None, http_port=None, extra=()):
    """``odoo-bin`` serving ``db`` with ``workers`` prefork workers, no cron thread, logging to
    ``logfile``. With ``channels`` (queue_job's channel string), queue_job is loaded server-wide
    and its job runner sends the jobs to the workers. Returns the process (terminate it).

    odoo-bin itself: the prefork server starts its gevent process by running its argv[0] again.
    """
    logfile = Path(logfile)
    command = [
        sys.executable,
        str(odoo_root() / "odoo-bin"),
        "-d",
        db,
        "--addons-path",
        addons_path(),
        "--db_host",
        PGHOST,
        "--workers",
        str(workers),
        "--max-cron-threads",
        "0",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(http_port or free_port()),
        "--gevent-port",
        str(free_port()),
        "--db-filter",
        f"^{db}$",
        "--log-level",
        "warn",
        "--logfile",
        str(logfile),
        *extra,
    ]
    if channels:
        config = logfile.with_suffix(".conf")
        # Odoo reads no section of a file that lacks [options]: the channels would be ignored
        # and the job runner would run one job at a time
        config.write_text(f"[options]\n[queue_job]\nchannels = {channels}\n")
        command[2:2] = ["-c", str(config)]
        command += ["--load", "base,web,queue_job", "--limit-time-real", "3600", "--limit-time-cpu", "3600"]
        command += ["--limit-memory-soft", str(4 << 30), "--limit-memory-hard", str(6 << 30)]
    return subprocess.Popen(command)


def serve_jobs_until(db, workers, logfile, done, wait_seconds=3600):
    """Serve ``db`` with ``workers`` workers and queue_job's job runner (channels ``root`` and
    ``root.subscription_billing``, ``workers`` wide) until ``done()`` is true; then stop it."""
    logfile = Path(logfile)
    server = start_server(db, workers, logfile, channels=f"root:{workers},root.subscription_billing:{workers}")
    try:
        deadline = time.monotonic() + wait_seconds
        while not done():
            if server.poll() is not None:
                raise SystemExit(f"Odoo stopped:\n{logfile.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the jobs did not finish in {wait_seconds} s")
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=120)

"""Helpers of the tests that run Odoo in processes of their own, on a database of their own.

Odoo's test cases run inside one uncommitted transaction; tests of real concurrency
(tests/test_concurrent_*.py) install an addon on a fresh database, commit data and
start real Odoo processes against it. The bench/ scripts have helpers of the same kind;
tests and benchmarks do not import each other, so that either runs without the other.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from .collector import REPO, pg_env, preflight


def odoo_addons_path(config):
    """Odoo's own addons folders, then this repository."""
    root = Path(preflight(config)["odoo"])
    dirs = [p for p in (root / "odoo" / "addons", root / "addons") if p.is_dir()]
    return ",".join(str(p) for p in [*dirs, REPO])


def query(db, sql, params=None):
    """Rows of ``sql`` run on ``db`` in a connection of its own."""
    import psycopg2

    env = pg_env()
    with psycopg2.connect(dbname=db, host=env["PGHOST"], port=env["PGPORT"]) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def odoo_command(db, addons, data_dir, *args):
    """The command line of an Odoo process on ``db`` whose files go to ``data_dir``."""
    # a script file rather than "python -c": the multi-worker server starts its
    # long-polling process again from sys.argv[0]
    launcher = Path(data_dir) / "odoo_launcher.py"
    launcher.write_text("import odoo.cli\nodoo.cli.main()\n")
    return [sys.executable, str(launcher), "-d", db, "--addons-path", addons, "--data-dir", str(data_dir), *args]


def install(db, addon, addons, data_dir):
    """Install ``addon`` without demo data on a new database ``db``; fail the test if Odoo fails."""
    args = ["-i", addon, "--without-demo", "all", "--stop-after-init", "--http-port", "0", "--log-level", "warn"]
    proc = subprocess.run(
        odoo_command(db, addons, data_dir, *args),
        env=pg_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def run_script(script, *args):
    """Run a Python ``script`` (given as text) with ``args``; return its output, fail the test if it fails."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], env=pg_env(), capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, seconds=60):
    """Return once ``url`` answers 200; raise if it does not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def subscriptions_script(count, day, then=""):
    """A script for :func:`run_script`: ``count`` active subscriptions from ``day`` (ISO date).

    Each has one to three of the tariffs Fibre 29.90, TV 12.50 and Static IP 5.00. ``then``
    (indented Python) runs after them in the same transaction, with ``env`` and ``date``
    at hand; everything is committed when the script ends.
    """
    return f"""
import sys
from datetime import date
import odoo
from odoo import Command
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-d", sys.argv[1], "--addons-path", sys.argv[2]])
with Registry(sys.argv[1]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{"tracking_disable": True}})
    product = env["product.product"].create({{"name": "Internet", "type": "service"}})
    tariffs = env["subscription.tariff"].create(
        [{{"name": name, "product_id": product.id, "price": price}} for name, price in
         (("Fibre", 29.9), ("TV", 12.5), ("Static IP", 5.0))]
    )
    tariffs.price_history_ids.write({{"date_start": date(2020, 1, 1)}})
    partners = env["res.partner"].create([{{"name": f"Customer {{n}}"}} for n in range({count})])
    env["subscription.subscription"].create([
        {{"partner_id": partner.id, "date_start": date.fromisoformat("{day}"), "state": "active",
          "line_ids": [Command.create({{"tariff_id": t.id}}) for t in tariffs[: 1 + n % 3]]}}
        for n, partner in enumerate(partners)
    ])
{then}"""

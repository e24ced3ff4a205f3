"""Shared helpers of the telephony_bridge benchmarks: database, Odoo server, PBX.

Environment: ODOO_BIN (default /opt/odoo18/odoo-bin or `odoo` on PATH), ODOO_ADDONS
(extra addons paths before this repository), PGHOST/PGPORT/PGUSER (libpq),
BENCH_HTTP_PORT (default 8270).
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
ODOO_BIN = os.environ.get("ODOO_BIN") or ("/opt/odoo18/odoo-bin" if Path("/opt/odoo18/odoo-bin").exists() else "odoo")
PORT = int(os.environ.get("BENCH_HTTP_PORT", "8270"))
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
SECRET = "bench-secret"


def addons_path():
    paths = [p for p in os.environ.get("ODOO_ADDONS", "").split(",") if p]
    odoo_root = Path(ODOO_BIN).resolve().parent
    for candidate in (odoo_root / "addons", odoo_root / "odoo" / "addons"):
        if candidate.is_dir():
            paths.append(str(candidate))
    paths.append(str(REPO))
    return ",".join(paths)


def odoo_cmd(db, *args):
    return [sys.executable, ODOO_BIN, "-d", db, f"--addons-path={addons_path()}", f"--db_host={PGHOST}", *args]


def psql(db, sql, *, fetch=False):
    result = subprocess.run(
        ["psql", "-h", PGHOST, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() if fetch else None


def create_db(db):
    drop_db(db)
    print(f"installing telephony_bridge on {db} ...", flush=True)
    started = time.time()
    subprocess.run(
        odoo_cmd(db, "-i", "telephony_bridge", "--without-demo=all", "--stop-after-init", "--log-level=warn"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  installed in {time.time() - started:.0f} s", flush=True)


def drop_db(db):
    subprocess.run(["dropdb", "-h", PGHOST, "--if-exists", db], check=True)
    filestore = Path.home() / ".local/share/Odoo/filestore" / db
    shutil.rmtree(filestore, ignore_errors=True)


@contextlib.contextmanager
def odoo_server(db, workers=0):
    # A server dedicated to one database, as in production: --database without --db-filter,
    # so Odoo does not ask PostgreSQL for its list of databases at every request.
    args = [f"--http-port={PORT}", "--log-level=warn", "--max-cron-threads=0"]
    if workers:
        args += [f"--workers={workers}", "--limit-time-real=600", "--limit-time-cpu=600", "--db_maxconn=64"]
    process = subprocess.Popen(odoo_cmd(db, *args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _attempt in range(120):
            try:
                if requests.get(f"http://127.0.0.1:{PORT}/web/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(1)
        else:
            raise RuntimeError("the Odoo server did not start")
        yield f"http://127.0.0.1:{PORT}"
    finally:
        process.terminate()
        try:
            _out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, err = process.communicate()
        errors = [line for line in (err or "").splitlines() if " ERROR " in line or " CRITICAL " in line]
        if errors:
            print(f"  server logged {len(errors)} error lines, first: {errors[0][:300]}")


def create_pbx(url, db, **values):
    """A generic-webhook PBX in the main company (German numbers), through XML-RPC as admin.

    ``values`` override its fields (``pbx_type="zadarma"``...)."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    germany = models.execute_kw(db, uid, "admin", "res.country", "search", [[("code", "=", "DE")]])[0]
    return models.execute_kw(
        db,
        uid,
        "admin",
        "telephony.pbx",
        "create",
        [{"name": "Bench PBX", "country_id": germany, "webhook_auth": "token", "webhook_secret": SECRET, **values}],
    )


def create_agent(url, db, extension):
    """An internal user at ``extension``: incoming calls ringing there notify this user."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    values = {"name": f"Agent {extension}", "login": f"agent{extension}", "telephony_extension": extension}
    return models.execute_kw(db, uid, "admin", "res.users", "create", [values])


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]

"""Helpers of the tests that run Odoo in processes of their own, on a database of their own.

Odoo's test cases run inside one uncommitted transaction; tests of real concurrency
(tests/test_concurrent_*.py) install an addon on a fresh database, commit data and
start real Odoo processes against it.
"""

from pathlib import Path

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

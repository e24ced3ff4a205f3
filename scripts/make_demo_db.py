#!/usr/bin/env python3
"""Build a demo database with the addons, their bridges and their demo data, from a local Odoo 18.

Usage: python3 scripts/make_demo_db.py [--odoo PATH_TO_ODOO_CHECKOUT] [--db NAME] [--http-port PORT] [--force]

Without --odoo, the Odoo importable by this python3 is used. The database gets the same
content as ``docker compose up``: the addons installed with Odoo's demo data and
ours, user admin / password admin. PostgreSQL is found through PGHOST, PGPORT, PGUSER and
PGPASSWORD (default 127.0.0.1:5432, your login name as role). --force drops an existing
database of that name first. It takes about 6 minutes on 2 cores.

At the end it prints the command that starts Odoo on that database: the same database
host, port and role, the same addons path, and the HTTP port asked for (default 8069).
"""

import argparse
import getpass
import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# what docker compose installs: the addons, their bridges, the demo payment provider, two charts
ADDONS = ",".join(
    [
        "subscription_billing",
        "telephony_bridge",
        "cert_issuance",
        "subscription_billing_portal",
        "subscription_billing_dashboard",
        "telephony_bridge_dashboard",
        "subscription_billing_bank_statement",
        "cert_issuance_portal",
        "cert_issuance_dashboard",
        "telephony_bridge_portal",
        "subscription_billing_mass_mailing",
        "telephony_bridge_account",
        "telephony_bridge_cert_issuance",
        "telephony_campaign",
        "telephony_campaign_billing",
        "telephony_campaign_cert_issuance",
        "payment_demo",
        "l10n_ua",
        "l10n_pl",
    ]
)


def odoo_root(path):
    if path:
        root = Path(path).expanduser().resolve()
        if not (root / "odoo" / "release.py").exists():
            sys.exit(f"{root} is not an Odoo source checkout (no odoo/release.py in it).")
        return root
    try:
        import odoo
    except ImportError:
        sys.exit("Odoo is not importable by this python3: pass --odoo PATH_TO_ODOO_CHECKOUT.")
    return Path(odoo.__path__[0]).parent


def database_options(env):
    """Odoo's options for the PostgreSQL server the libpq variables of ``env`` name."""
    options = ["--db_host", env.get("PGHOST") or "127.0.0.1", "--db_port", env.get("PGPORT") or "5432"]
    return [*options, "--db_user", env.get("PGUSER") or getpass.getuser()]


def start_command(root, database, addons_path, db_options, http_port):
    """The shell command that starts Odoo on the database just built."""
    odoo_bin = [sys.executable, str(root / "odoo-bin"), "--database", database, "--addons-path", addons_path]
    return f"PYTHONPATH={shlex.quote(str(root))} " + shlex.join([*odoo_bin, *db_options, "--http-port", str(http_port)])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", help="path of an Odoo 18.0 source checkout")
    parser.add_argument("--db", default="subscription_demo", help="database name (default: %(default)s)")
    parser.add_argument("--http-port", type=int, default=8069, help="port Odoo will serve (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="drop the database first if it exists")
    args = parser.parse_args()

    root = odoo_root(args.odoo)
    env = dict(os.environ)
    db_options = database_options(env)
    addons_path = ",".join(str(p) for p in (root / "odoo" / "addons", root / "addons", REPO) if p.is_dir())
    odoo_cmd = [sys.executable, "-c", "import odoo.cli; odoo.cli.main()"]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    if args.force:
        drop = [*odoo_cmd, "db", "--addons-path", addons_path, *db_options, "drop", args.db]
        subprocess.run(drop, env=env, check=False)
    install = [*odoo_cmd, "--database", args.db, "--addons-path", addons_path, *db_options, "--init", ADDONS]
    if subprocess.run([*install, "--stop-after-init"], env=env, check=False).returncode:
        sys.exit(f"Installing the addons on {args.db!r} failed: see the log above.")
    password = " (with PGPASSWORD set as now)" if env.get("PGPASSWORD") else ""
    print(
        f"\nDatabase {args.db!r} is ready. Start Odoo on it{password} with:\n"
        f"  {start_command(root, args.db, addons_path, db_options, args.http_port)}\n"
        f"then open http://localhost:{args.http_port} and log in as admin / admin."
    )


if __name__ == "__main__":
    main()

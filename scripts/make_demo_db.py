#!/usr/bin/env python3
"""Build a demo database with the three addons and their demo data, from a local Odoo 18.

Usage: python3 scripts/make_demo_db.py [--odoo PATH_TO_ODOO_CHECKOUT] [--db NAME] [--force]

Without --odoo, the Odoo importable by this python3 is used. The database gets the same
content as ``docker compose up``: the three addons installed with Odoo's demo data and
ours, user admin / password admin. PostgreSQL is found through PGHOST, PGPORT, PGUSER and
PGPASSWORD (default 127.0.0.1:5432). --force drops an existing database of that name first.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = "subscription_billing,telephony_bridge,cert_issuance"


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", help="path of an Odoo 18.0 source checkout")
    parser.add_argument("--db", default="subscription_demo", help="database name (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="drop the database first if it exists")
    args = parser.parse_args()

    root = odoo_root(args.odoo)
    env = dict(os.environ)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    addons_path = ",".join(str(p) for p in (root / "odoo" / "addons", root / "addons", REPO) if p.is_dir())
    odoo_cmd = [sys.executable, "-c", "import odoo.cli; odoo.cli.main()"]
    if args.force:
        subprocess.run([*odoo_cmd, "db", "--addons-path", addons_path, "drop", args.db], env=env, check=False)
    install = [*odoo_cmd, "--database", args.db, "--addons-path", addons_path, "--init", ADDONS, "--stop-after-init"]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    if subprocess.run(install, env=env, check=False).returncode:
        sys.exit(f"Installing the addons on {args.db!r} failed: see the log above.")
    print(
        f"\nDatabase {args.db!r} is ready. Start Odoo with:\n"
        f"  PYTHONPATH={root} {sys.executable} {root / 'odoo-bin'} --database {args.db} "
        f"--addons-path {addons_path}\n"
        "then open http://localhost:8069 and log in as admin / admin."
    )


if __name__ == "__main__":
    main()

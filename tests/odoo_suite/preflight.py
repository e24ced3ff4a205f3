"""Check, before anything slow, that Odoo 18 and PostgreSQL are there.

Run as a script with the interpreter that will run Odoo; prints one JSON object:
``{"ok": true, ...}`` or ``{"ok": false, "problem": "..."}`` with a paragraph that says
what is missing and how to provide it. Never lets a traceback from Odoo through.
"""

import json
import os
import sys

ODOO_SERIES = "18.0"


def check_odoo():
    try:
        import odoo.release
    except ImportError as error:
        missing = getattr(error, "name", None) or str(error)
        if missing == "odoo" or missing.startswith("odoo."):
            return (
                f"Odoo is not importable by {sys.executable}. The Odoo test suites need "
                f"Odoo {ODOO_SERIES} Community on this interpreter's path: put a checkout "
                "outside this repository, install its requirements "
                "(pip install -r <checkout>/requirements.txt) and install it as a "
                "distribution, which the OCA addon wheels of requirements.txt require: "
                "pip install wheel, then pip install --no-deps --no-build-isolation -e "
                "<checkout>. Or run the suite in the "
                "docker-compose 'tests' service. The plain-Python tests alone run with "
                "python3 -m pytest tests/unit."
            )
        return (
            f"Odoo is on the path of {sys.executable} but one of its Python requirements "
            f"is missing ({missing}). Install Odoo's requirements into this interpreter: "
            "pip install -r <odoo checkout>/requirements.txt."
        )
    except Exception as error:  # noqa: BLE001 - any failure is reported in one paragraph
        return f"Importing Odoo failed with {type(error).__name__}: {error}."
    if odoo.release.serie != ODOO_SERIES:
        return (
            f"The Odoo importable by {sys.executable} is version {odoo.release.version} "
            f"({os.path.dirname(odoo.__path__[0])}); these addons need Odoo {ODOO_SERIES}."
        )
    return None


def check_postgres():
    import psycopg2

    where = "host={} port={} user={}".format(
        os.environ.get("PGHOST", "(libpq default)"),
        os.environ.get("PGPORT", "5432"),
        os.environ.get("PGUSER", "(your login name)"),
    )
    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=5)
    except psycopg2.Error as error:
        reason = " ".join(str(error).split())
        return (
            f"PostgreSQL is not reachable at {where}: {reason}. Start PostgreSQL, or point "
            "the libpq variables PGHOST, PGPORT, PGUSER and PGPASSWORD at a server where "
            "that role may create databases (the role must not be 'postgres', which Odoo "
            "refuses)."
        )
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            user, can_create = cr.fetchone()
    finally:
        conn.close()
    if user == "postgres":
        return "Odoo refuses to run as the PostgreSQL role 'postgres': set PGUSER to another role."
    if not can_create:
        return (
            f"The PostgreSQL role {user!r} at {where} may not create databases; the suite "
            f"creates a fresh one for every run. Run: ALTER ROLE {user} CREATEDB;"
        )
    return None


def main():
    problem = check_odoo() or check_postgres()
    if problem:
        print(json.dumps({"ok": False, "problem": problem}))
        return
    import odoo

    print(json.dumps({"ok": True, "odoo": os.path.dirname(odoo.__path__[0]), "version": odoo.release.version}))


if __name__ == "__main__":
    main()

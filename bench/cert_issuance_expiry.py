"""Benchmark: the expiry cron of cert_issuance over 100,000 licenses and certificates.

Creates its own database (cert_issuance installed without demo data), inserts by SQL
50,000 licenses and 50,000 certificates (in 10,000 sets) whose end dates are spread
from 30 days ago to 365 days ahead, then runs the expiry job the way the cron runner
does (batch after batch, committed, until nothing remains) and reports the seconds and
the tasks created; a second run the same day must create nothing. Drops the database.

    python3 bench/cert_issuance_expiry.py [--db bench_certs] [--keep] [--items 100000]
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def odoo_root():
    import odoo

    return Path(odoo.__file__).resolve().parent.parent


def addons_path():
    root = odoo_root()
    return f"{root / 'addons'},{root / 'odoo' / 'addons'},{REPO}"


def install(db):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    cmd = [
        sys.executable,
        str(odoo_root() / "odoo-bin"),
        "-d",
        db,
        "-i",
        "cert_issuance",
        "--without-demo=all",
        "--stop-after-init",
        f"--addons-path={addons_path()}",
        "--log-level=warn",
        "--http-port=0",
    ]
    subprocess.run(cmd, check=True)


def populate(env, items):
    cr = env.cr
    half = items // 2
    sets = max(half // 5, 1)
    users = env["res.users"].create([{"name": f"Bench Manager {i}", "login": f"bench_manager_{i}"} for i in range(10)])
    user_ids = users.ids
    partner_ids = (
        env["res.partner"].create([{"name": f"Bench Customer {i}", "is_company": True} for i in range(1000)]).ids
    )
    module = env["product.product"].create({"name": "Bench Module", "type": "service", "list_price": 100})
    set_product = env["product.product"].create({"name": "Bench Certificate Set", "type": "service", "list_price": 90})
    company_id = env.company.id
    env.flush_all()
    common = {
        "users": user_ids,
        "partners": partner_ids,
        "company": company_id,
        "module": module.id,
        "set_product": set_product.id,
        "uid": env.uid,
    }
    # end dates from today - 30 to today + 365 days; state as the ORM would compute it
    cr.execute(
        """
        INSERT INTO cert_license (license_key, partner_id, product_id, manager_id, company_id, active,
                                  valid_from, valid_to, state, create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH-' || g, (%(partners)s::int[])[1 + g %% 1000], %(module)s, (%(users)s::int[])[1 + g %% 10],
               %(company)s, true, d - 365, d,
               CASE WHEN d < current_date THEN 'expired' WHEN d <= current_date + 30 THEN 'expiring' ELSE 'valid' END,
               %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(count)s) g, LATERAL (SELECT current_date - 30 + (g %% 396) AS d) x
        """,
        dict(common, count=half),
    )
    cr.execute(
        """
        INSERT INTO cert_certificate_set (name, partner_id, product_id, price_unit, contract_type, manager_id,
                                          company_id, active, state, certificate_count,
                                          create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/' || g, (%(partners)s::int[])[1 + g %% 1000], %(set_product)s, 90, 'commercial',
               (%(users)s::int[])[1 + g %% 10], %(company)s, true, 'generated', 5, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(count)s) g
        """,
        dict(common, count=sets),
    )
    cr.execute(
        """
        INSERT INTO cert_certificate (set_id, partner_id, manager_id, company_id, owner_name, purpose, serial,
                                      valid_from, valid_to, state, create_uid, write_uid, create_date, write_date)
        SELECT s.id, s.partner_id, s.manager_id, s.company_id, 'Owner ' || g, 'signing', 'SER-' || g, d - 730, d,
               CASE WHEN d < current_date THEN 'expired' WHEN d <= current_date + 30 THEN 'expiring' ELSE 'valid' END,
               %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(count)s) g
          JOIN cert_certificate_set s ON s.name = 'BENCH/' || (1 + (g - 1) / 5)
          CROSS JOIN LATERAL (SELECT current_date - 30 + ((g * 7) %% 396) AS d) x
        """,
        dict(common, count=half),
    )
    cr.execute("ANALYZE")
    cr.commit()


def run_cron(env):
    """Run the job until done, committing each batch like the cron runner; (seconds, reminders)."""
    model = env["cert.expiry.reminder"]
    created = 0
    start = time.perf_counter()
    while True:
        reminders, remaining = model._cert_expiry_batch(limit=5000)
        env.cr.commit()
        created += len(reminders)
        if not remaining:
            break
    return time.perf_counter() - start, created


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bench_certs")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    print(f"installing cert_issuance on {args.db} ...", flush=True)
    install(args.db)
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-d", args.db, f"--addons-path={addons_path()}", "--log-level=warn"])
    try:
        registry = Registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            t0 = time.perf_counter()
            populate(env, args.items)
            cr.execute("SELECT (SELECT count(*) FROM cert_license) + (SELECT count(*) FROM cert_certificate)")
            total = cr.fetchone()[0]
            print(f"inserted {total} licenses and certificates in {time.perf_counter() - t0:.1f} s", flush=True)
            seconds, created = run_cron(env)
            cr.execute("SELECT count(*) FROM mail_activity")
            activities = cr.fetchone()[0]
            print(f"first run:  {seconds:.2f} s, {created} reminders, {activities} activities in the database")
            seconds2, created2 = run_cron(env)
            cr.execute("SELECT count(*) FROM mail_activity")
            activities2 = cr.fetchone()[0]
            print(f"second run: {seconds2:.2f} s, {created2} reminders, {activities2 - activities} new activities")
            ok = seconds <= 30 and created2 == 0 and activities2 == activities
            print("RESULT:", "OK (<= 30 s, nothing created on the second run)" if ok else "NOT OK")
    finally:
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

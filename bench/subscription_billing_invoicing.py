"""Invoicing throughput of subscription_billing's recurring run.

    python3 bench/subscription_billing_invoicing.py [--sizes 1000 10000] [--keep]

Creates its own database (``bench_billing``, dropped at the end unless ``--keep``),
installs subscription_billing without demo data, then for each size:

* creates that many active monthly subscriptions (1 to 3 lines each, 10% with a
  one-shot fee) for as many customers;
* bills January in ONE process: the daily cron plans the batch jobs and, with
  ``queue_job__no_delay``, performs them there one after the other (the work of one
  worker, without the job runner's dispatch; ``subscription_billing_job_runner.py``
  measures the real job runner with 1, 2 and 4 workers);

and prints posted invoices per minute, the peak memory of each worker, and checks that
no (line, period) was billed twice. As a yardstick it first measures, in the same run,
Odoo's own batch ``account.move.create`` + ``action_post`` of the same invoices (1 to 3
lines, a fee on every tenth), and prints each run's rate as a ratio of it.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DB = os.environ.get("BENCH_DB", "bench_billing")
PG = ["--db_host", os.environ.get("PGHOST", "127.0.0.1")]


def odoo_root():
    import odoo

    return Path(odoo.__file__).resolve().parents[1]


def addons_path():
    root = odoo_root()
    return f"{root / 'addons'},{root / 'odoo' / 'addons'},{REPO}"


def setup_odoo(db):
    import odoo
    from odoo.tools import config

    config.parse_config(["-d", db, "--addons-path", addons_path(), *PG, "--log-level", "warn"])
    return odoo


def environment(odoo, cr):
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})


def create_database():
    subprocess.run(["dropdb", "-h", PG[1], "--if-exists", DB], check=True)
    if os.environ.get("BENCH_TEMPLATE"):  # a database with account already installed saves minutes
        subprocess.run(["createdb", "-h", PG[1], "-T", os.environ["BENCH_TEMPLATE"], DB], check=True)
    cmd = [
        sys.executable,
        str(odoo_root() / "odoo-bin"),
        "-d",
        DB,
        "-i",
        "subscription_billing",
        "--without-demo",
        "all",
        "--stop-after-init",
        "--addons-path",
        addons_path(),
        *PG,
        "--http-port",
        os.environ.get("BENCH_HTTP_PORT", "8170"),
        "--log-level",
        "warn",
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def prepare(size, tag, day):
    """Close the subscriptions of earlier sizes, create ``size`` active ones starting on ``day``."""
    odoo = setup_odoo(DB)
    from odoo import Command
    from odoo.modules.registry import Registry

    with Registry(DB).cursor() as cr:
        env = environment(odoo, cr)
        cr.execute("UPDATE subscription_subscription SET state = 'closed' WHERE state = 'active'")
        product = env["product.product"].search([("default_code", "=", "BENCH-NET")], limit=1)
        if not product:
            product = env["product.product"].create(
                {"name": "Internet access", "type": "service", "default_code": "BENCH-NET", "list_price": 0}
            )
        tariffs = env["subscription.tariff"].search([("name", "like", "Bench %")])
        if not tariffs:
            tariffs = env["subscription.tariff"].create(
                [
                    {"name": "Bench Fibre 500", "product_id": product.id, "price": 29.9},
                    {"name": "Bench TV", "product_id": product.id, "price": 12.5},
                    {"name": "Bench Static IP", "product_id": product.id, "price": 5.0},
                    {"name": "Bench Connection", "product_id": product.id, "price": 49.0, "tariff_type": "one_shot"},
                ]
            )
            tariffs.price_history_ids.write({"date_start": date(2020, 1, 1)})
        by_name = {tariff.name: tariff for tariff in tariffs}
        recurring = [by_name["Bench Fibre 500"], by_name["Bench TV"], by_name["Bench Static IP"]]
        fee = by_name["Bench Connection"]
        start = time.monotonic()
        for offset in range(0, size, 1000):
            count = min(1000, size - offset)
            partners = env["res.partner"].create(
                [{"name": f"Bench {tag} {offset + i}", "lang": "en_US"} for i in range(count)]
            )
            vals = []
            for i, partner in enumerate(partners):
                lines = [Command.create({"tariff_id": t.id}) for t in recurring[: 1 + (offset + i) % 3]]
                if (offset + i) % 10 == 0:
                    lines.append(Command.create({"tariff_id": fee.id}))
                vals.append({"partner_id": partner.id, "date_start": day, "state": "active", "line_ids": lines})
            env["subscription.subscription"].create(vals)
            cr.commit()
            env.invalidate_all()
        return time.monotonic() - start


def worker(day):
    """One cron worker: bill everything due on ``day``, print a JSON summary."""
    odoo = setup_odoo(DB)
    from odoo.modules.registry import Registry

    registry = Registry(DB)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        # the batch jobs run in this process, one after the other (queue_job__no_delay)
        run = env["subscription.subscription"].with_context(queue_job__no_delay=True)._cron_generate_invoices(today=day)
        finished = time.time()
        if os.environ.get("BENCH_PROFILE"):
            profiler.disable()
            profiler.dump_stats(f"{os.environ['BENCH_PROFILE']}.{os.getpid()}")
        result = {
            "invoices": run.invoice_count,
            "subscriptions": run.subscription_count,
            "failures": run.failure_count,
            "skipped": run.skipped_count,
            "failure_log": (run.failure_log or "")[:500],
            "started": started,
            "finished": finished,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    print("RESULT " + json.dumps(result), flush=True)


def baseline(count):
    """Odoo's own flow on the same invoices: batch create + post, 200 a batch, committed per batch.

    The invoices the run makes for ``count`` new customers: 1 to 3 recurring lines, a
    one-shot fee on every tenth, the same products, prices, labels and dates.
    """
    odoo = setup_odoo(DB)
    from odoo import Command
    from odoo.modules.registry import Registry

    with Registry(DB).cursor() as cr:
        env = environment(odoo, cr)
        tariffs = {t.name: t for t in env["subscription.tariff"].search([("name", "like", "Bench %")])}
        recurring = [tariffs["Bench Fibre 500"], tariffs["Bench TV"], tariffs["Bench Static IP"]]
        fee = tariffs["Bench Connection"]
        journal = env["account.journal"].search([("type", "=", "sale")], limit=1)
        partners = env["res.partner"].create([{"name": f"Baseline {i}", "lang": "en_US"} for i in range(count)])
        cr.commit()

        def line(tariff, label):
            return Command.create({"product_id": tariff.product_id.id, "name": label, "price_unit": tariff.price})

        def invoice(i, partner):
            lines = [line(t, f"{t.name}: 01/01/2025 - 01/31/2025") for t in recurring[: 1 + i % 3]]
            if i % 10 == 0:
                lines.append(line(fee, fee.name))
            return {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2025, 1, 1),
                "journal_id": journal.id,
                "invoice_line_ids": lines,
            }

        start = time.monotonic()
        for offset in range(0, count, 200):
            moves = env["account.move"].create(
                [invoice(offset + i, partner) for i, partner in enumerate(partners[offset : offset + 200])]
            )
            moves.action_post()
            cr.commit()
            env.invalidate_all()
        seconds = time.monotonic() - start
    print("RESULT " + json.dumps({"invoices": count, "seconds": seconds}), flush=True)


def run_child(*args):
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])


def run_workers(count, day):
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", day.isoformat()], stdout=subprocess.PIPE, text=True)
        for _i in range(count)
    ]
    results = []
    for proc in procs:
        out, _err = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"worker failed with code {proc.returncode}")
        results.append(json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:]))
    wall = max(r["finished"] for r in results) - min(r["started"] for r in results)
    invoices = sum(r["invoices"] for r in results)
    return {
        "workers": count,
        "invoices": invoices,
        "split": [r["invoices"] for r in results],
        "failures": sum(r["failures"] for r in results),
        "skipped": sum(r["skipped"] for r in results),
        "failure_log": [r["failure_log"] for r in results if r["failure_log"]],
        "seconds": round(wall, 1),
        "per_minute": round(invoices / wall * 60) if wall else 0,
        "maxrss_mb": [round(r["maxrss_mb"]) for r in results],
    }


def check_no_double_billing():
    import psycopg2

    with psycopg2.connect(dbname=DB, host=PG[1]) as conn, conn.cursor() as cr:
        cr.execute("SELECT count(*), count(DISTINCT (line_id, period_start, kind)) FROM subscription_line_period")
        total, distinct = cr.fetchone()
        cr.execute(
            """SELECT count(*) FROM (SELECT subscription_line_id, subscription_date_from
                 FROM account_move_line WHERE subscription_line_id IS NOT NULL
             GROUP BY 1, 2 HAVING count(*) > 1) dup"""
        )
        duplicated_lines = cr.fetchone()[0]
    return total, distinct, duplicated_lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="processes started together (more: see the job runner bench)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--run-baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(date.fromisoformat(args.worker))
    if args.prepare:
        seconds = prepare(int(args.prepare[0]), args.prepare[1], date.fromisoformat(args.prepare[2]))
        print("RESULT " + json.dumps({"seconds": seconds}), flush=True)
        return None
    if args.run_baseline:
        return baseline(args.run_baseline)

    print(f"Creating database {DB} with subscription_billing...", flush=True)
    create_database()
    try:
        run_child("--prepare", "1", "warmup", "2024-12-01")  # creates the product and tariffs
        rate = None
        if args.baseline:
            base = run_child("--run-baseline", str(args.baseline))
            rate = base["invoices"] / base["seconds"] * 60
            label = "Odoo's own batch create + post of the same invoices"
            print(f"{label}: {base['invoices']} in {base['seconds']:.1f}s = {rate:.0f}/min", flush=True)
        for index, size in enumerate(args.sizes):
            first = date(2025 + index, 1, 1)
            prep = run_child("--prepare", str(size), f"s{size}", first.isoformat())
            print(f"\n{size} subscriptions created in {prep['seconds']:.0f}s", flush=True)
            for step, workers in enumerate(args.workers):
                # each measurement bills the next month of the same subscriptions
                day = date(first.year, first.month + step, 1)
                result = run_workers(workers, day)
                ratio = f" = {result['per_minute'] / rate:.2f}x Odoo's own" if rate else ""
                print(
                    f"  {size:>6} subs, {workers} worker(s), billing {day:%B}: {result['invoices']} invoices "
                    f"in {result['seconds']}s = {result['per_minute']}/min{ratio} "
                    f"(split {result['split']}, failures {result['failures']}, skipped {result['skipped']}, "
                    f"peak RSS MB {result['maxrss_mb']}) {result['failure_log'] or ''}",
                    flush=True,
                )
        total, distinct, duplicated = check_no_double_billing()
        print(
            f"\nInvoiced periods: {total}, distinct (line, period): {distinct}, duplicated invoice lines: {duplicated}"
        )
        if total != distinct or duplicated:
            raise SystemExit("DOUBLE BILLING DETECTED")
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "-h", PG[1], "--if-exists", DB], check=False)
    return None


if __name__ == "__main__":
    main()

"""Billing through queue_job's real job runner with 1, 2 and 4 Odoo workers.

    python3 bench/subscription_billing_job_runner.py [--size 10000] [--workers 1 2 4] [--baseline 1000] [--keep]

Creates its own database (``bench_billing_jobs``, dropped at the end unless ``--keep``)
with subscription_billing (no demo data) and ``--size`` active monthly subscriptions (1 to
3 lines, a one-shot fee on every tenth; see ``subscription_billing_invoicing.py``). First
it measures, on the same database, Odoo's own batch ``account.move.create`` +
``action_post`` of the same invoices (``--baseline`` of them, one process). Then, for each
worker count W, one month after the other:

* the daily cron plans the month's billing (jobs of one batch each, committed);
* Odoo starts as a real server with ``--workers W``, queue_job loaded server-wide and
  the channels ``root:W,root.subscription_billing:W``; its job runner sends the jobs to
  the workers;
* when the run is summed up, the server is stopped.

It prints, per W, the invoices posted, the time from the first job started to the last
job done, invoices per minute, the speed-up against one worker and the ratio to Odoo's
own flow, and checks that no (line, period) was billed twice and no job failed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from odoo_bench import PGHOST, addons_path, create_database, drop_database, serve_jobs_until

HERE = Path(__file__).resolve().parent
DB = os.environ.get("BENCH_DB", "bench_billing_jobs")
WAIT_SECONDS = 3600

PLAN = """
import sys
from datetime import date
import odoo
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-d", sys.argv[1], "--addons-path", sys.argv[2], "--db_host", sys.argv[4]])
with Registry(sys.argv[1]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    run = env["subscription.subscription"]._cron_generate_invoices(today=date.fromisoformat(sys.argv[3]))
    print("RESULT", run.id)
"""


def query(sql, params=None):
    import psycopg2

    with psycopg2.connect(dbname=DB, host=PGHOST) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def invoicing_bench(*args):
    """Run a step of subscription_billing_invoicing.py (same data set) on this database."""
    env = {**os.environ, "BENCH_DB": DB}
    out = subprocess.run(
        [sys.executable, str(HERE / "subscription_billing_invoicing.py"), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])


def plan(day):
    """The daily cron of ``day``: the month's billing planned as jobs; the run's id."""
    out = subprocess.run(
        [sys.executable, "-c", PLAN, DB, addons_path(), day.isoformat(), PGHOST],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.split("RESULT", 1)[1].split()[0])


def serve_until_done(run_id, workers, data_dir):
    """Start Odoo with ``workers`` workers and the job runner; stop it once the run is summed up."""
    serve_jobs_until(
        DB,
        workers,
        Path(data_dir) / f"server-{workers}.log",
        lambda: query("SELECT state FROM subscription_billing_run WHERE id = %s", [run_id])[0][0] == "done",
        WAIT_SECONDS,
    )
    [(invoices, failures)] = query(
        "SELECT invoice_count, failure_count FROM subscription_billing_run WHERE id = %s", [run_id]
    )
    [(first, last, jobs, failed, pids)] = query(
        """SELECT min(date_started), max(date_done), count(*), count(*) FILTER (WHERE state != 'done'),
                  count(DISTINCT worker_pid)
             FROM queue_job WHERE channel LIKE 'root.subscription_billing%%' AND date_created >= (
                  SELECT create_date FROM subscription_billing_run WHERE id = %s)""",
        [run_id],
    )
    seconds = (last - first).total_seconds()
    return {
        "workers": workers,
        "invoices": invoices,
        "failures": failures,
        "jobs": jobs,
        "jobs_not_done": failed,
        "worker_pids": pids,
        "seconds": round(seconds, 1),
        "per_minute": round(invoices / seconds * 60) if seconds else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"Creating database {DB} with subscription_billing...", flush=True)
    create_database(DB, "subscription_billing")
    try:
        invoicing_bench("--prepare", "1", "warmup", "2024-12-01")  # the products and tariffs
        rate = None
        if args.baseline:
            base = invoicing_bench("--run-baseline", str(args.baseline))
            rate = base["invoices"] / base["seconds"] * 60
            print(f"Odoo's own batch create + post of the same invoices: {rate:.0f}/min", flush=True)
        first = date(2025, 1, 1)
        prep = invoicing_bench("--prepare", str(args.size), f"s{args.size}", first.isoformat())
        print(f"{args.size} subscriptions created in {prep['seconds']:.0f}s", flush=True)
        one_worker = None
        with tempfile.TemporaryDirectory(prefix="bench-odoo-") as data_dir:
            for step, workers in enumerate(args.workers):
                day = date(first.year, first.month + step, 1)
                result = serve_until_done(plan(day), workers, data_dir)
                one_worker = one_worker or (result["per_minute"] if workers == 1 else None)
                speedup = f", {result['per_minute'] / one_worker:.2f}x one worker" if one_worker else ""
                ratio = f", {result['per_minute'] / rate:.2f}x Odoo's own" if rate else ""
                print(
                    f"  {workers} worker(s), billing {day:%B}: {result['invoices']} invoices in {result['seconds']}s"
                    f" = {result['per_minute']}/min{speedup}{ratio} (jobs {result['jobs']}, not done "
                    f"{result['jobs_not_done']}, worker processes {result['worker_pids']}, "
                    f"failures {result['failures']})",
                    flush=True,
                )
        [(total, distinct)] = query(
            "SELECT count(*), count(DISTINCT (line_id, period_start, kind)) FROM subscription_line_period"
        )
        print(f"\nInvoiced periods: {total}, distinct (line, period): {distinct}")
        if total != distinct:
            raise SystemExit("DOUBLE BILLING DETECTED")
    finally:
        if not args.keep:
            drop_database(DB)


if __name__ == "__main__":
    main()

"""queue_job's real job runner bills the day's subscriptions with a multi-worker Odoo.

Odoo's test cases perform trapped jobs inside their one transaction; this test shows
the set-up the README recommends for several servers: it installs subscription_billing
(and so queue_job) on a database of its own, commits 60 active subscriptions, has the
daily cron plan the billing (jobs of 10 subscriptions each, on the
``root.subscription_billing`` channel), then starts Odoo with two HTTP workers and
queue_job loaded server-wide, whose job runner sends the jobs to the workers. It waits
(bounded) until the run is summed up, and checks in the database that every
subscription was invoiced exactly once, each period billed once, every job done, and
the run's totals.
"""

import subprocess
import time
import uuid

import pytest
from odoo_suite.collector import drop_database, pg_env
from odoo_suite.own_database import (
    free_port,
    install,
    odoo_addons_path,
    odoo_command,
    query,
    run_script,
    subscriptions_script,
)

SUBSCRIPTIONS = 60
BATCH = 10
DAY = "2026-01-01"
WAIT_SECONDS = 300

SETUP = subscriptions_script(
    SUBSCRIPTIONS,
    DAY,
    then=f"""
    # what the daily cron does: plan the billing as jobs (committed when the block ends)
    day = date.fromisoformat("{DAY}")
    run = env["subscription.subscription"]._cron_generate_invoices(batch_size={BATCH}, today=day)
    print("RESULT", run.id)
""",
)

# Odoo reads no section of a configuration file without [options]: the channels would be
# ignored and queue_job's runner would run one job at a time.
QUEUE_JOB_CONFIG = """[options]
[queue_job]
channels = root:2,root.subscription_billing:2
"""


@pytest.fixture(scope="module")
def planned_run(tmp_path_factory, pytestconfig):
    db = f"job_runner_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("odoo-data")
    addons = odoo_addons_path(pytestconfig)
    try:
        install(db, "subscription_billing", addons, data_dir)
        run_id = int(run_script(SETUP, db, addons).split("RESULT", 1)[1].split()[0])
        yield db, addons, data_dir, run_id
    finally:
        drop_database(db)


def run_state(db, run_id):
    [(state, subscriptions, invoices, failures, amount)] = query(
        db,
        """SELECT state, subscription_count, invoice_count, failure_count, amount_total
             FROM subscription_billing_run WHERE id = %s""",
        [run_id],
    )
    return state, subscriptions or 0, invoices or 0, failures or 0, float(amount or 0)


def test_the_job_runner_bills_every_subscription_exactly_once(planned_run):
    db, addons, data_dir, run_id = planned_run
    assert run_state(db, run_id)[:3] == ("running", 0, 0), "the cron only plans"
    [(planned,)] = query(db, "SELECT count(*) FROM queue_job WHERE state IN ('pending', 'wait_dependencies')")
    assert planned == SUBSCRIPTIONS // BATCH + 1, "a job per batch and one summing the run up"

    config_file = data_dir / "queue_job.conf"
    config_file.write_text(QUEUE_JOB_CONFIG)
    log = data_dir / "server.log"
    serve = ["-c", str(config_file), "--workers", "2", "--load", "base,web,queue_job"]
    serve += ["--max-cron-threads", "0", "--http-interface", "127.0.0.1", "--http-port", str(free_port())]
    serve += ["--db-filter", f"^{db}$", "--log-level", "info", "--logfile", str(log)]
    server = subprocess.Popen(odoo_command(db, addons, data_dir, *serve), env=pg_env())
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while run_state(db, run_id)[0] != "done":
            assert server.poll() is None, log.read_text()[-3000:] if log.exists() else "Odoo did not start"
            failed = query(db, "SELECT name, exc_info FROM queue_job WHERE state = 'failed'")
            assert not failed, failed
            assert time.monotonic() < deadline, f"the jobs did not finish in {WAIT_SECONDS} s:\n" + str(
                query(db, "SELECT state, count(*) FROM queue_job GROUP BY state")
            )
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=60)

    lines = sum(1 + n % 3 for n in range(SUBSCRIPTIONS))
    amount = sum(sum((29.9, 12.5, 5.0)[: 1 + n % 3]) for n in range(SUBSCRIPTIONS))  # a full month each
    state, subscriptions, invoices, failures, total = run_state(db, run_id)
    assert (state, subscriptions, invoices, failures) == ("done", SUBSCRIPTIONS, SUBSCRIPTIONS, 0)
    assert round(total, 2) == round(amount, 2)
    assert query(db, "SELECT DISTINCT state FROM queue_job") == [("done",)]
    [(batches_done,)] = query(
        db, "SELECT count(*) FROM subscription_billing_batch WHERE run_id = %s AND state = 'done'", [run_id]
    )
    assert batches_done == SUBSCRIPTIONS // BATCH
    [(invoiced_subscriptions, posted)] = query(
        db,
        """SELECT count(DISTINCT l.subscription_id), count(DISTINCT m.id) FROM account_move_line l
             JOIN account_move m ON m.id = l.move_id
            WHERE l.subscription_id IS NOT NULL AND m.state = 'posted'""",
    )
    assert (invoiced_subscriptions, posted) == (SUBSCRIPTIONS, SUBSCRIPTIONS)
    duplicated = query(
        db,
        """SELECT subscription_line_id, subscription_date_from FROM account_move_line
            WHERE subscription_line_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1""",
    )
    assert duplicated == []
    [(periods,)] = query(db, "SELECT count(*) FROM subscription_line_period WHERE period_start = '2026-01-01'")
    assert periods == lines
    # the jobs ran in the HTTP workers the job runner sent them to, two at once
    [(worker_pids,)] = query(db, "SELECT count(DISTINCT worker_pid) FROM queue_job WHERE worker_pid IS NOT NULL")
    assert worker_pids == 2
    [(overlapping,)] = query(
        db,
        """SELECT count(*) FROM queue_job a JOIN queue_job b
               ON a.id < b.id AND a.worker_pid != b.worker_pid
              AND a.date_started < b.date_done AND b.date_started < a.date_done""",
    )
    assert overlapping, "no two batches were billed at the same time: the channels were not applied"

"""Two overlapping billing runs bill the same month at the same time, each in its own process.

Odoo's test framework runs every test inside one uncommitted transaction, so true
concurrency cannot be shown there. This test installs subscription_billing on a
database of its own, commits 120 active subscriptions (1 to 3 lines each), and starts
two processes that each plan the month's billing together (as two servers' crons
would: two runs whose batches hold the same subscriptions) and perform their run's
batch jobs in opposite orders, each in a transaction of its own, the way queue_job's
runner does: a job that finds its subscriptions locked by the other process raises
RetryableJobError and is tried again later. It checks in the database that every
subscription got exactly one invoice and no (line, period) was billed twice.
"""

import json
import subprocess
import sys
import time
import uuid
from datetime import date

import pytest
from odoo_suite.collector import drop_database, pg_env
from odoo_suite.own_database import install, odoo_addons_path, query, run_script, subscriptions_script

SUBSCRIPTIONS = 120
DAY = "2026-01-01"

SETUP = subscriptions_script(SUBSCRIPTIONS, DAY)

WORKER = f"""
import json, os, sys, time
from datetime import date
import odoo
from odoo.modules.registry import Registry
from odoo.tools import config
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from psycopg2 import OperationalError
config.parse_config(["-d", sys.argv[1], "--addons-path", sys.argv[2]])
registry = Registry(sys.argv[1])
from odoo.addons.queue_job.exception import RetryableJobError  # importable once the addons path is set
from odoo.addons.queue_job.job import Job
while not os.path.exists(sys.argv[3]):  # both workers start together
    time.sleep(0.01)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
    run = env["subscription.subscription"]._cron_generate_invoices(batch_size=5, today=date.fromisoformat("{DAY}"))
    run_id, uuids = run.id, run.batch_ids.mapped("job_uuid")
if sys.argv[4] == "reverse":
    uuids.reverse()
retried = 0
while uuids:
    uuid = uuids.pop(0)
    try:
        with registry.cursor() as cr:  # one transaction per job, committed when it succeeds
            Job.load(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}}), uuid).perform()
    except (RetryableJobError, OperationalError) as error:
        # what queue_job's controller retries: RetryableJobError, and PostgreSQL's concurrency errors
        if isinstance(error, OperationalError) and error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise
        retried += 1
        uuids.append(uuid)
        time.sleep(0.05)
with registry.cursor() as cr:
    run = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})["subscription.billing.run"].browse(run_id)
    run._sum_up()
    print("RESULT " + json.dumps({{"invoices": run.invoice_count, "failures": run.failure_count, "retried": retried}}))
"""


@pytest.fixture(scope="module")
def billing_db(tmp_path_factory, pytestconfig):
    db = f"concurrency_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("odoo-data")
    addons = odoo_addons_path(pytestconfig)
    try:
        install(db, "subscription_billing", addons, data_dir)
        run_script(SETUP, db, addons)
        yield db, addons
    finally:
        drop_database(db)


def test_two_runs_at_once_bill_every_subscription_exactly_once(billing_db, tmp_path):
    db, addons = billing_db
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db, addons, str(go), order],
            env=pg_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in ("forward", "reverse")
    ]
    time.sleep(3)  # let both load the registry
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        results.append(json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:]))

    invoices = [result["invoices"] for result in results]
    assert sum(invoices) == SUBSCRIPTIONS
    assert all(invoices), f"one worker billed nothing, they did not run together: {invoices}"
    assert not any(result["failures"] for result in results)
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
    [(lines, periods)] = query(
        db,
        """SELECT (SELECT count(*) FROM subscription_line),
                  (SELECT count(*) FROM subscription_line_period WHERE period_start = '2026-01-01')""",
    )
    assert periods == lines == sum(1 + n % 3 for n in range(SUBSCRIPTIONS))
    # Every line's billed_until moved to the end of January, once.
    assert query(db, "SELECT DISTINCT billed_until FROM subscription_line") == [(date(2026, 1, 31),)]

"""Dunning evaluation over many open invoices, and how fast the due messages are queued.

    python3 bench/subscription_billing_dunning.py [--invoices 100000] [--queue 2000] [--keep]

Creates ``bench_dunning`` with subscription_billing (no demo), bills one real invoice
through a subscription, then clones it in SQL into N open invoices spread over the last
60 days (their due dates 15 days later), so the policy has every step to choose from.
Measures the default policy's decision for all of them (``_due_messages``: one query
for the invoices, one for the log, the pure-Python rules per invoice), then queues the
first --queue due messages as the cron does (claim + SMS through Odoo's queue, committed
per batch), and checks that a second decision right after finds nothing more to send
for the queued invoices.
"""

import argparse
import sys
from datetime import date, timedelta

from odoo_bench import create_database, drop_database, odoo_env, timed

DB = "bench_dunning"


def clone_invoice(env, move, count, today):
    """``count`` copies of ``move`` and its lines, invoice dates over the last 60 days."""
    cr = env.cr
    env.flush_all()
    skip = {"id", "name", "invoice_date", "invoice_date_due", "date", "sequence_number", "sequence_prefix"}
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'account_move'")
    move_cols = [c for (c,) in cr.fetchall() if c not in skip]
    cols = ", ".join(f'"{c}"' for c in move_cols)
    cr.execute(
        f"""
        INSERT INTO account_move ({cols}, name, invoice_date, invoice_date_due, date)
        SELECT {cols}, 'BENCH/' || g, %(today)s - mod(g, 60), %(today)s - mod(g, 60) + 15, %(today)s - mod(g, 60)
          FROM account_move, generate_series(1, %(count)s) g WHERE id = %(id)s
        RETURNING id
        """,
        {"today": today, "count": count, "id": move.id},
    )
    new_ids = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'account_move_line'")
    line_cols = [c for (c,) in cr.fetchall() if c not in ("id", "move_id", "move_name")]
    cols = ", ".join(f'"{c}"' for c in line_cols)
    cr.execute(
        f"""
        INSERT INTO account_move_line ({cols}, move_id, move_name)
        SELECT {cols}, new.id, 'BENCH/' || new.id
          FROM account_move_line l, unnest(%(ids)s) AS new(id) WHERE l.move_id = %(id)s
        """,
        {"ids": new_ids, "id": move.id},
    )
    env.invalidate_all()
    return new_ids


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--queue", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    today = date.today()
    results = {}
    create_database(DB, "subscription_billing")
    try:
        with odoo_env(DB) as env:
            product = env["product.product"].create({"name": "Fibre 300", "type": "service"})
            tariff = env["subscription.tariff"].create({"name": "Fibre 300", "product_id": product.id, "price": 30.0})
            partner = env["res.partner"].create({"name": "Bench Customer", "mobile": "+32470000099"})
            sub = env["subscription.subscription"].create(
                {
                    "partner_id": partner.id,
                    "date_start": today - timedelta(days=61),
                    "line_ids": [(0, 0, {"tariff_id": tariff.id})],
                }
            )
            sub.action_activate()
            env["subscription.subscription"].with_context(queue_job__no_delay=True)._cron_generate_invoices(
                today=today - timedelta(days=61)
            )
            move = env["account.move"].search(sub._invoice_domain(), limit=1)
            with timed("clone", results):
                clone_invoice(env, move, args.invoices, today)
            env.cr.commit()
            policy = env.ref("subscription_billing.dunning_policy_default")
            policy.company_id = env.company
            evaluated = len(policy._open_invoices(today))
            with timed("decide", results):
                due = policy._due_messages(today)
            with timed("queue", results):
                for start in range(0, min(args.queue, len(due)), 200):
                    policy._send(policy._claim(due[start : start + 200], today))
                    env.cr.commit()
            queued = {move_id for move_id, *_rest in due[: args.queue]}
            again = [row for row in policy._due_messages(today) if row[0] in queued]
        print(f"open invoices evaluated: {evaluated}")
        print(f"steps due today: {len(due)}")
        print(f"decision time: {results['decide']:.2f} s ({evaluated / results['decide']:.0f} invoices/s)")
        sent = min(args.queue, len(due))
        print(f"queued {sent} messages in {results['queue']:.2f} s ({sent / results['queue']:.0f} messages/s)")
        print(f"due again right after, among the queued invoices: {len(again)}")
        return 0 if not again else 1
    finally:
        if not args.keep:
            drop_database(DB)


if __name__ == "__main__":
    sys.exit(main())

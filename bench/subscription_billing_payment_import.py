"""Payment import throughput against Odoo's own flow, measured in the same run.

    python3 bench/subscription_billing_payment_import.py [--rows 10000] [--db NAME] [--keep]

Creates ``bench_payments`` (or --db) with subscription_billing (no demo) and 2 x --rows
active subscriptions, each with one posted invoice of 30.00 (billed by the recurring
run). Then, on two halves of the same data:

* Odoo's own flow: for the first half's customers, ``account.payment.create(vals_list)``
  + ``action_post()`` + ``_reconcile_plan`` of each payment with its invoice, in batches
  of 1,000 (the import's batch size), committed per batch;
* the import: a CSV of --rows payments (semicolon, decimal comma) quoting the second
  half's contract numbers, each with its own transaction id: preview (read + duplicate
  check), then posting (match, create and post each payment, reconcile with the oldest
  open invoice).

Prints both rates and their ratio, checks the books afterwards (one payment per row,
their sum, the receivables' residual, no duplicate entry numbers, invoices that agree
with their items) and that importing the same file again is refused.
"""

import argparse
import base64
import sys
from datetime import date, timedelta

from odoo_bench import create_database, drop_database, odoo_env, timed

from odoo.exceptions import UserError

DB = "bench_payments"


def books(env):
    """(payments, their sum, residual of all receivable items, duplicate entry numbers, invoices off their items)."""
    env.flush_all()
    cr = env.cr
    cr.execute("SELECT count(*), COALESCE(sum(amount), 0) FROM account_payment WHERE state != 'draft'")
    count, total = cr.fetchone()
    cr.execute(
        """SELECT COALESCE(sum(l.amount_residual), 0) FROM account_move_line l
             JOIN account_account a ON a.id = l.account_id
            WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'"""
    )
    receivable = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*) FROM (SELECT name, journal_id FROM account_move WHERE state = 'posted'
                                 GROUP BY name, journal_id HAVING count(*) > 1) d"""
    )
    duplicates = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*) FROM account_move m
             JOIN LATERAL (SELECT sum(amount_residual) AS residual FROM account_move_line
                            WHERE move_id = m.id AND display_type = 'payment_term') l ON true
            WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
              AND (round(m.amount_residual, 2) != round(l.residual, 2)
                   OR (m.amount_residual = 0) != (m.payment_state IN ('paid', 'in_payment')))"""
    )
    invoices_off = cr.fetchone()[0]
    return count, float(total), float(receivable), duplicates, invoices_off


def odoo_flow(env, subs, journal, day, results):
    """Odoo's own batched create + post + reconcile of one 10.00 payment per subscription."""
    invoices = {}
    for line in env["account.move.line"].search(
        [("subscription_id", "in", subs.ids), ("move_id.state", "=", "posted")]
    ):
        invoices[line.subscription_id.id] = line.move_id
    env.cr.commit()
    with timed("odoo", results):
        for offset in range(0, len(subs), 1000):
            batch = subs[offset : offset + 1000]
            payments = env["account.payment"].create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": sub.partner_id.id,
                        "amount": 10.0,
                        "date": day,
                        "journal_id": journal.id,
                        "memo": sub.name,
                    }
                    for sub in batch
                ]
            )
            payments.action_post()
            plan = []
            for sub, payment in zip(batch, payments, strict=True):
                lines = (payment.move_id.line_ids + invoices[sub.id].line_ids).filtered(
                    lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
                plan.append(lines)
            env["account.move.line"]._reconcile_plan(plan)
            env.cr.commit()
            env.invalidate_all()


def subscriptions(env, count, start):
    """``count`` active subscriptions of 30.00 a month, each with its posted invoice; the bank journal."""
    product = env["product.product"].create({"name": "Fibre 300", "type": "service"})
    tariff = env["subscription.tariff"].create({"name": "Fibre 300", "product_id": product.id, "price": 30.0})
    partners = env["res.partner"].create([{"name": f"Payer {n}"} for n in range(count)])
    subs = env["subscription.subscription"].create(
        [{"partner_id": p.id, "date_start": start, "line_ids": [(0, 0, {"tariff_id": tariff.id})]} for p in partners]
    )
    subs.action_activate()
    env["subscription.subscription"].with_context(queue_job__no_delay=True)._cron_generate_invoices(today=start)
    env.cr.commit()
    return subs, env["account.journal"].search([("type", "=", "bank")], limit=1)


def import_again(env, mapping, content):
    """(refused, the import record) of the same file imported a second time."""
    again = env["subscription.payment.import"].create(
        {"mapping_id": mapping.id, "file": content, "filename": "bench.csv"}
    )
    try:
        again.with_context(queue_job__no_delay=True).action_post()
    except UserError:
        return True, again
    return False, again


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    start = date.today() - timedelta(days=20)
    results = {}
    db = args.db
    create_database(db, "subscription_billing")
    try:
        with odoo_env(db) as env:
            subs, journal = subscriptions(env, 2 * args.rows, start)
            odoo_half, import_half = subs[: args.rows], subs[args.rows :]
            odoo_flow(env, odoo_half, journal, date.today(), results)
            mapping = env["subscription.payment.mapping"].create(
                {
                    "name": "Bench bank",
                    "journal_id": journal.id,
                    "column_contract": "Contract",
                    "column_amount": "Sum",
                    "column_date": "Date",
                    "column_transaction": "Txn",
                }
            )
            names = import_half.mapped("name")
            lines = ["Contract;Sum;Date;Txn"] + [
                f"{names[n % len(names)]};10,00;{date.today():%d.%m.%Y};TX{n}" for n in range(args.rows)
            ]
            content = base64.b64encode("\n".join(lines).encode())
            batch = env["subscription.payment.import"].create(
                {"mapping_id": mapping.id, "file": content, "filename": "bench.csv"}
            )
            env.cr.commit()
            before = books(env)
            with timed("preview", results):
                batch.action_preview()
            with timed("post", results):
                # the jobs run in this process (queue_job__no_delay): the time of the work itself
                batch.with_context(queue_job__no_delay=True).action_post()
                env.cr.commit()
            paid = batch.count_paid
            after = books(env)
            refused, again = import_again(env, mapping, content)
            posted_again = len(again.intake_ids)
        odoo_rate = args.rows / results["odoo"]
        import_rate = args.rows / (results["preview"] + results["post"])
        print(f"rows: {args.rows}")
        print(f"Odoo's own create + post + reconcile: {results['odoo']:.2f} s ({odoo_rate:.0f} payments/s)")
        print(f"import preview: {results['preview']:.2f} s ({args.rows / results['preview']:.0f} rows/s)")
        print(
            f"import post (match, pay, reconcile): {results['post']:.2f} s ({args.rows / results['post']:.0f} rows/s)"
        )
        print(f"import, preview + post: {import_rate:.0f} rows/s = {import_rate / odoo_rate:.2f}x Odoo's own flow")
        print(f"payments posted: {paid}; same file again: refused {refused}, posted {posted_again}")
        payments, paid_sum = after[0] - before[0], after[1] - before[1]
        expected_sum = 10.0 * args.rows
        receivable_ok = abs((before[2] - after[2]) - expected_sum) < 0.005
        print(
            f"check: payments {payments} (rows {args.rows}), sum {paid_sum:.2f} (expected {expected_sum:.2f}), "
            f"receivable residual {before[2]:.2f} -> {after[2]:.2f} ({'ok' if receivable_ok else 'WRONG'}), "
            f"duplicate entry numbers {after[3]}, invoices whose residual or state disagree with their items {after[4]}"
        )
        good = (
            paid == payments == args.rows
            and abs(paid_sum - expected_sum) < 0.005
            and receivable_ok
            and not after[3]
            and not after[4]
            and refused
            and not posted_again
        )
        return 0 if good else 1
    finally:
        if not args.keep:
            drop_database(db)


if __name__ == "__main__":
    sys.exit(main())

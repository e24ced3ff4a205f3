"""Payment import throughput: rows read, matched, posted and reconciled per second.

    python3 bench/subscription_billing_payment_import.py [--rows 50000] [--subscriptions 20000] [--db NAME] [--keep]

Issue #4's file: 50,000 rows, at least 500 rows per second matched and posted.
Creates ``bench_payments`` (or --db) with subscription_billing (no demo), N active
subscriptions each with one posted invoice (billed by the recurring run), and a CSV of
--rows payments (semicolon, decimal comma) quoting their contract numbers, each with its
own transaction id. Times the preview (read + duplicate check), then the posting (match,
create and post each payment, reconcile with the oldest open invoice), checks the books
afterwards (one payment per row, their sum, the receivables' residual, no duplicate entry
numbers) and that importing the same file again posts nothing.
"""

import argparse
import base64
import sys
from datetime import date, timedelta

from odoo_bench import create_database, drop_database, odoo_env, timed

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--subscriptions", type=int, default=20000)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    start = date.today() - timedelta(days=20)
    results = {}
    db = args.db
    create_database(db, "subscription_billing")
    try:
        with odoo_env(db) as env:
            product = env["product.product"].create({"name": "Fibre 300", "type": "service"})
            tariff = env["subscription.tariff"].create({"name": "Fibre 300", "product_id": product.id, "price": 30.0})
            partners = env["res.partner"].create([{"name": f"Payer {n}"} for n in range(args.subscriptions)])
            subs = env["subscription.subscription"].create(
                [
                    {"partner_id": p.id, "date_start": start, "line_ids": [(0, 0, {"tariff_id": tariff.id})]}
                    for p in partners
                ]
            )
            subs.action_activate()
            env["subscription.subscription"].with_context(queue_job__no_delay=True)._cron_generate_invoices(today=start)
            env.cr.commit()
            journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
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
            names = subs.mapped("name")
            lines = ["Contract;Sum;Date;Txn"] + [
                f"{names[n % len(names)]};10,00;{date.today():%d.%m.%Y};TX{n}" for n in range(args.rows)
            ]
            content = base64.b64encode("\n".join(lines).encode())
            batch = env["subscription.payment.import"].create(
                {"mapping_id": mapping.id, "file": content, "filename": "bench.csv"}
            )
            before = books(env)
            with timed("preview", results):
                batch.action_preview()
            with timed("post", results):
                # the jobs run in this process (queue_job__no_delay): the time of the work itself
                batch.with_context(queue_job__no_delay=True).action_post()
                env.cr.commit()
            paid = batch.count_paid
            after = books(env)
            again = env["subscription.payment.import"].create(
                {"mapping_id": mapping.id, "file": content, "filename": "bench.csv"}
            )
            again.with_context(queue_job__no_delay=True).action_post()
            posted_again = len(again.intake_ids)
        print(f"rows: {args.rows}, subscriptions: {args.subscriptions}")
        print(f"preview: {results['preview']:.2f} s ({args.rows / results['preview']:.0f} rows/s)")
        print(f"post (match, pay, reconcile): {results['post']:.2f} s ({args.rows / results['post']:.0f} rows/s)")
        print(f"payments posted: {paid}; posted by a second import of the same file: {posted_again}")
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
            and not posted_again
        )
        return 0 if good else 1
    finally:
        if not args.keep:
            drop_database(db)


if __name__ == "__main__":
    sys.exit(main())

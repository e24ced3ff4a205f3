"""Payment import throughput: rows read, matched, posted and reconciled per second.

    python3 bench/subscription_billing_payment_import.py [--rows 5000] [--subscriptions 2000] [--keep]

Creates ``bench_payments`` with subscription_billing (no demo), N active subscriptions
each with one posted invoice (billed by the recurring run), and a CSV of --rows payments
(semicolon, decimal comma) quoting their contract numbers, each with its own transaction
id. Times the preview (read + duplicate check), then the posting (match, create and post
each payment, reconcile with the oldest open invoice), and checks that importing the same
file again posts nothing.
"""

import argparse
import base64
import sys
from datetime import date, timedelta

from odoo_bench import create_database, drop_database, odoo_env, timed

DB = "bench_payments"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--subscriptions", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    start = date.today() - timedelta(days=20)
    results = {}
    create_database(DB, "subscription_billing")
    try:
        with odoo_env(DB) as env:
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
            env["subscription.subscription"]._cron_generate_invoices(today=start)
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
            with timed("preview", results):
                batch.action_preview()
            with timed("post", results):
                batch.action_post()
                env.cr.commit()
            paid = batch.count_paid
            again = env["subscription.payment.import"].create(
                {"mapping_id": mapping.id, "file": content, "filename": "bench.csv"}
            )
            again.action_post()
            posted_again = len(again.intake_ids)
        print(f"rows: {args.rows}, subscriptions: {args.subscriptions}")
        print(f"preview: {results['preview']:.2f} s ({args.rows / results['preview']:.0f} rows/s)")
        print(f"post (match, pay, reconcile): {results['post']:.2f} s ({args.rows / results['post']:.0f} rows/s)")
        print(f"payments posted: {paid}; posted by a second import of the same file: {posted_again}")
        return 0 if paid == args.rows and not posted_again else 1
    finally:
        if not args.keep:
            drop_database(DB)


if __name__ == "__main__":
    sys.exit(main())

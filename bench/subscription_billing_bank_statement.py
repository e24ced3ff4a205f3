"""Bank statement import: a camt.053 of --lines credits imported, matched and reconciled.

    python3 bench/subscription_billing_bank_statement.py [--lines 20000] [--db NAME] [--keep]

Creates ``bench_bank_statement`` (or --db) with subscription_billing_bank_statement (no
demo), --lines active subscriptions each with one posted invoice of 30.00 (billed by the
recurring run), and a bank journal. Writes a camt.053.001.02 statement (the layout of the
addon's test fixture) of --lines credit entries, each with its own AcctSvcrRef and an
unstructured remittance quoting the contract number the way payers write it (a space
instead of the dash, zeros dropped), plus one bank fee. Then, timed separately:

* import: the OCA wizard reads the file and creates the statement lines;
* match + reconcile: the matching jobs the import enqueued (500 lines each), performed in
  this process one after the other (one worker; the job runner's two workers each take
  a job of their own).

Prints lines per second and checks the books: every credit matched and reconciled, every
invoice paid, the journal's balance equal to the statement's closing balance, and a second
import of the same file refused.
"""

import argparse
import base64
from datetime import date, timedelta

from odoo_bench import create_database, drop_database, odoo_env, timed

ADDON = "subscription_billing_bank_statement"
DB = "bench_bank_statement"
IBAN = "UA353052990000026009036201570"


def camt(subs, day, ccy):
    """A camt.053.001.02 statement: one 30.00 credit per subscription and one 25.00 fee."""
    entries = []
    for n, sub in enumerate(subs, start=1):
        typed = sub.name.replace("-", " ").replace(" 0", " ", 1)
        entries.append(
            f"""<Ntry><Amt Ccy="{ccy}">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>BENCH{n:08d}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="{ccy}">30.00</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>{sub.partner_id.name}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Оплата за інтернет, договір {typed}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    entries.append(
        f"""<Ntry><Amt Ccy="{ccy}">25.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>BENCHFEE</AcctSvcrRef>
<AddtlNtryInf>Комісія банку</AddtlNtryInf></Ntry>"""
    )
    closing = 30.0 * len(subs) - 25.0
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-1</Id><CreDtTm>{day}T06:00:00</CreDtTm>
<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>{ccy}</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>{day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{closing:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>{day}</Dt></Dt></Bal>
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>""".encode()


def setup(env, count, start):
    product = env["product.product"].create({"name": "Fibre 300", "type": "service"})
    tariff = env["subscription.tariff"].create({"name": "Fibre 300", "product_id": product.id, "price": 30.0})
    partners = env["res.partner"].create([{"name": f"Абонент {n}"} for n in range(count)])
    subs = env["subscription.subscription"].create(
        [{"partner_id": p.id, "date_start": start, "line_ids": [(0, 0, {"tariff_id": tariff.id})]} for p in partners]
    )
    subs.action_activate()
    env["subscription.subscription"].with_context(queue_job__no_delay=True)._cron_generate_invoices(today=start)
    bank = env["res.partner.bank"].create({"partner_id": env.company.partner_id.id, "acc_number": IBAN})
    journal = env["account.journal"].create(
        {"name": "Bench bank", "code": "BNCH", "type": "bank", "bank_account_id": bank.id}
    )
    env.cr.commit()
    return subs, journal


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    start = date.today() - timedelta(days=20)
    results = {}
    create_database(args.db, ADDON)
    try:
        with odoo_env(args.db) as env:
            from odoo.addons.queue_job.job import Job

            subs, journal = setup(env, args.lines, start)
            content = camt(subs, date.today().isoformat(), env.company.currency_id.name)
            wizard = (
                env["account.statement.import"]
                .with_context(journal_id=journal.id)
                .create({"statement_filename": "bench.xml", "statement_file": base64.b64encode(content)})
            )
            with timed("import", results):
                wizard.import_file_button()
                env.cr.commit()
            queued = env["queue.job"].search(
                [("method_name", "=", "_subscription_match_and_reconcile"), ("state", "=", "pending")]
            )
            jobs = len(queued)
            with timed("match", results):
                for uuid in queued.mapped("uuid"):
                    job = Job.load(env, uuid)
                    job.perform()
                    job.set_done()
                    job.store()
                    env.cr.commit()
            env.cr.commit()
            lines = env["account.bank.statement.line"].search([("journal_id", "=", journal.id)])
            credits = lines.filtered(lambda line: line.amount > 0)
            matched = credits.filtered(lambda line: line.subscription_match_state == "matched")
            reconciled = credits.filtered("is_reconciled")
            invoices = env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "posted")])
            paid = invoices.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
            statement = lines.statement_id
            print(f"lines: {len(lines)} ({len(credits)} credits), jobs: {jobs}")
            print(f"import: {results['import']:.1f} s, {len(lines) / results['import']:.0f} lines/s")
            print(
                f"match + reconcile (1 worker): {results['match']:.1f} s, {len(credits) / results['match']:.0f} lines/s"
            )
            print(f"matched: {len(matched)}, reconciled: {len(reconciled)}, invoices paid: {len(paid)}/{len(invoices)}")
            print(f"statement complete (balance equals the bank's closing): {all(statement.mapped('is_complete'))}")
            try:
                env["account.statement.import"].with_context(journal_id=journal.id).create(
                    {"statement_filename": "bench.xml", "statement_file": base64.b64encode(content)}
                ).import_file_button()
                print("second import: NOT refused")
            except Exception as error:  # noqa: BLE001 - the refusal is what is measured
                print(f"second import refused: {type(error).__name__}")
    finally:
        if not args.keep:
            drop_database(args.db)


if __name__ == "__main__":
    main()

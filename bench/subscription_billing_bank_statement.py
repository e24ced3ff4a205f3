"""Bank statements at scale: a camt.053 and a bank CSV of --lines credits each, imported,
matched and reconciled through queue_job's real job runner with one and two workers.

    python3 bench/subscription_billing_bank_statement.py [--lines 20000] [--workers 1 2]
        [--formats camt csv] [--baseline 1000] [--keep]

Creates ``bench_bank_statement`` (dropped at the end unless --keep) with
subscription_billing_bank_statement (no demo data), --lines active subscriptions, each
billed once by the recurring run (one posted invoice of 30.00 per statement to come; the
run's jobs done by the job runner with two workers), and a bank journal. Then, for each
format, one statement after the other:

* the file: --lines credits of 30.00, one per subscriber, quoting the contract number the
  way payers write it (a space instead of the dash, a zero dropped), plus one bank fee;
  ``camt``: a camt.053.001.02 with an AcctSvcrRef per entry and its balances (the layout
  of the addon's test fixture); ``csv``: a PrivatBank business export (Windows-1251, ``;``,
  CRLF, the shipped preset mapping);
* import (this process, timed): the OCA wizard reads the file, creates the statement lines
  and enqueues the matching jobs (500 lines each);
* match + reconcile: the jobs are shared out in equal parts, one per --workers count; for
  each part Odoo serves the database with that many workers and queue_job's job runner
  (channels ``root:W,root.subscription_billing:W``), timed from the part's first job
  started to its last job done.

Each statement pays 30.00 of every invoice, so the first reconciles partly with the oldest
open invoice and the last pays the invoices in full.

Odoo's own flow, measured in the same run on --baseline other subscribers' invoices: the
same lines created by ``account.bank.statement.line.create`` in batches of 500 (what an
import amounts to, with no file to read and nothing to match), and each line reconciled
with its known invoice the way Odoo's bank reconciliation does it (its suspense item made
the customer's receivable, then ``reconcile()``), line by line, committed per 500.

Prints lines per second per format and worker count, the speed-up against one worker and
the ratios to Odoo's own flow, and checks the books: every credit matched and reconciled,
no job failed, the camt statements' balances equal to the journal's, every invoice paid at
the end, and a second import of the same file refused.
"""

import argparse
import base64
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from odoo_bench import PGHOST, create_database, drop_database, odoo_env, serve_jobs_until, timed

ADDON = "subscription_billing_bank_statement"
DB = "bench_bank_statement"
IBAN = "UA353052990000026009036201570"
EDRPOU = "43123456"
AMOUNT = 30.0
FEE = 25.0
WAIT_SECONDS = 3600


def typed(contract):
    """The contract number as a payer types it: ``SB-00012`` becomes ``SB 0012``."""
    return contract.replace("-", " ").replace(" 0", " ", 1)


def camt(subs, tag, day, ccy, opening):
    """A camt.053.001.02 statement: one credit per subscription and one fee, with its balances."""
    entries = []
    for n, sub in enumerate(subs, start=1):
        entries.append(
            f"""<Ntry><Amt Ccy="{ccy}">{AMOUNT:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{tag}{n:08d}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="{ccy}">{AMOUNT:.2f}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>{sub.partner_id.name}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Оплата за інтернет, договір {typed(sub.name)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    entries.append(
        f"""<Ntry><Amt Ccy="{ccy}">{FEE:.2f}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{tag}FEE</AcctSvcrRef>
<AddtlNtryInf>Комісія банку</AddtlNtryInf></Ntry>"""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>{tag}</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{tag}</Id><CreDtTm>{day}T06:00:00</CreDtTm>
<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>{ccy}</Ccy></Acct>
{balance("OPBD", opening, ccy, day)}{balance("CLBD", opening + AMOUNT * len(subs) - FEE, ccy, day)}
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>""".encode()


def balance(code, amount, ccy, day):
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{abs(amount):.2f}</Amt>'
        f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def privatbank_csv(subs, tag, day, ccy, _opening):
    """A PrivatBank business statement export: Windows-1251, ``;``, CRLF, one signed amount."""
    head = (
        "ЄДРПОУ;МФО;Рахунок;Валюта;Номер документу;Дата операції;МФО банку;Назва банку;"
        "Рахунок кореспондента;ЄДРПОУ кореспондента;Кореспондент;Сума;Призначення платежу"
    )
    ours = f"{EDRPOU};305299;{IBAN};{ccy}"
    when = date.fromisoformat(day).strftime("%d.%m.%Y")
    rows = [head]
    for n, sub in enumerate(subs, start=1):
        payer_iban = f"UA{n % 97:02d}3052990000026{n:012d}"
        rows.append(
            f'{ours};@2{tag}{n:07d};{when};305299;АТ КБ "ПРИВАТБАНК";{payer_iban};;{sub.partner_id.name};'
            f'{AMOUNT:.2f};"Оплата за послуги зв\'язку, договір {typed(sub.name)}; без ПДВ"'
        )
    rows.append(
        f'{ours};@2{tag}FEE;{when};305299;АТ КБ "ПРИВАТБАНК";UA413052990000029024001001234;14360570;'
        f'АТ КБ "ПРИВАТБАНК";-{FEE:.2f};Комісія за РКО'
    )
    return ("\r\n".join(rows) + "\r\n").encode("cp1251")


FORMATS = {"camt": ("bench.xml", camt, None), "csv": ("bench.csv", privatbank_csv, "sheet_mapping_privatbank_business")}


def setup(env, count, baseline, price, start, *, data_dir):
    """Subscribers billed once (``price``) for all the statements to come; the bank journal.

    The billing run is the product's own: its jobs, billed by the job runner with two workers.
    """
    product = env["product.product"].create({"name": "Fibre 300", "type": "service"})
    tariff = env["subscription.tariff"].create({"name": "Fibre 300", "product_id": product.id, "price": price})
    tariff.price_history_ids.write({"date_start": start - timedelta(days=400)})
    subs = env["subscription.subscription"]
    for offset in range(0, count + baseline, 1000):
        size = min(1000, count + baseline - offset)
        partners = env["res.partner"].create([{"name": f"Абонент {offset + n}"} for n in range(size)])
        subs |= env["subscription.subscription"].create(
            [
                {"partner_id": partner.id, "date_start": start, "line_ids": [(0, 0, {"tariff_id": tariff.id})]}
                for partner in partners
            ]
        )
        env.cr.commit()
    subs.action_activate()
    env.cr.commit()
    env["subscription.subscription"]._cron_generate_invoices(today=start)
    env.cr.commit()
    serve_jobs_until(
        DB,
        2,
        Path(data_dir) / "server-billing.log",
        lambda: not query("SELECT count(*) FROM queue_job WHERE state NOT IN ('done', 'failed')")[0][0],
        WAIT_SECONDS,
    )
    failed = query("SELECT exc_info FROM queue_job WHERE state = 'failed'")
    if failed:
        raise SystemExit(f"{len(failed)} billing jobs failed:\n{failed[0][0][-3000:]}")
    env.invalidate_all()
    bank = env["res.partner.bank"].create({"partner_id": env.company.partner_id.id, "acc_number": IBAN})
    journal = env["account.journal"].create(
        {"name": "Bench bank", "code": "BNCH", "type": "bank", "bank_account_id": bank.id}
    )
    env.cr.commit()
    return subs[:count], subs[count:], journal


def import_file(env, journal, filename, content, mapping):
    return (
        env["account.statement.import"]
        .with_context(journal_id=journal.id)
        .create(
            {
                "statement_filename": filename,
                "statement_file": base64.b64encode(content),
                "sheet_mapping_id": env.ref(f"{ADDON}.{mapping}").id if mapping else False,
            }
        )
        .import_file_button()
    )


def query(sql, params=None):
    import psycopg2

    with psycopg2.connect(dbname=DB, host=PGHOST) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall() if cr.description else None


JOBS = "FROM queue_job WHERE method_name = '_subscription_match_and_reconcile' AND uuid = ANY(%s)"


def serve_until_done(workers, uuids, data_dir):
    """Odoo with ``workers`` workers and the job runner, stopped once the jobs ``uuids`` are done."""
    query("UPDATE queue_job SET eta = NULL WHERE uuid = ANY(%s)", [uuids])
    serve_jobs_until(
        DB,
        workers,
        Path(data_dir) / f"server-{workers}-{time.monotonic_ns()}.log",
        lambda: not query(f"SELECT count(*) {JOBS} AND state NOT IN ('done', 'failed')", [uuids])[0][0],
        WAIT_SECONDS,
    )
    failed = query(f"SELECT exc_info {JOBS} AND state = 'failed'", [uuids])
    if failed:
        raise SystemExit(f"{len(failed)} jobs failed:\n{failed[0][0][-3000:]}")
    [(first, last, pids)] = query(
        f"SELECT min(date_started), max(date_done), count(DISTINCT worker_pid) {JOBS}", [uuids]
    )
    return {"seconds": (last - first).total_seconds(), "jobs": len(uuids), "pids": pids}


def odoo_own_flow(env, subs, journal, day, results):
    """The baseline: statement lines created in batches, each reconciled with its known invoice."""
    domain = [("partner_id", "in", subs.partner_id.ids), ("move_type", "=", "out_invoice")]
    invoices = {move.partner_id.id: move for move in env["account.move"].search(domain)}
    vals = [
        {
            "journal_id": journal.id,
            "date": day,
            "amount": AMOUNT,
            "payment_ref": f"Оплата за інтернет, договір {typed(sub.name)}",
            "partner_name": sub.partner_id.name,
        }
        for sub in subs
    ]
    lines = env["account.bank.statement.line"]
    with timed("own_import", results):
        for offset in range(0, len(vals), 500):
            lines |= env["account.bank.statement.line"].create(vals[offset : offset + 500])
            env.cr.commit()
    with timed("own_reconcile", results):
        for n, (line, sub) in enumerate(zip(lines, subs, strict=True), start=1):
            partner = sub.partner_id
            receivable = invoices[partner.id].line_ids.filtered(
                lambda item: item.account_id.account_type == "asset_receivable"
            )
            liquidity, suspense, _other = line._seek_for_lines()
            line.move_id.with_context(skip_readonly_check=True).write(
                {
                    "partner_id": partner.id,
                    "line_ids": [
                        (1, liquidity.id, {"partner_id": partner.id}),
                        (1, suspense.id, {"account_id": receivable.account_id.id, "partner_id": partner.id}),
                    ],
                }
            )
            (suspense | receivable).reconcile()
            if n % 500 == 0:
                env.cr.commit()
        env.cr.commit()
    return len(lines), len(lines.filtered("is_reconciled"))


def statement_run(bench, tag, day, fmt, worker_counts):
    """One statement of ``fmt`` imported here, its matching jobs shared out in equal parts, each
    part matched and reconciled by the job runner with one of ``worker_counts``.

    ``bench``: env, journal, subs, data_dir, own (Odoo's own rates).
    """
    env, journal, subs, own = bench["env"], bench["journal"], bench["subs"], bench["own"]
    filename, build, mapping = FORMATS[fmt]
    results = {}
    content = build(subs, tag, day, env.company.currency_id.name, journal.current_statement_balance)
    [(since,)] = query("SELECT now() AT TIME ZONE 'UTC'")
    with timed("import", results):
        import_file(env, journal, filename, content, mapping)
        env.cr.commit()
    lines = env["account.bank.statement.line"].search([("journal_id", "=", journal.id), ("date", "=", day)])
    credits = lines.filtered(lambda line: line.amount > 0)
    rate = len(lines) / results["import"]
    ratio = f" = {rate / own[0]:.2f}x Odoo's own" if own else ""
    print(f"{fmt}: {len(lines)} lines imported in {results['import']:.0f} s = {rate:.0f} lines/s{ratio}", flush=True)
    uuids = [
        uuid
        for (uuid,) in query(
            "SELECT uuid FROM queue_job WHERE method_name = '_subscription_match_and_reconcile' "
            "AND date_created >= %s ORDER BY id",
            [since],
        )
    ]
    # every part waits (eta far away) until its own server run releases it
    query("UPDATE queue_job SET eta = now() + interval '10 years' WHERE uuid = ANY(%s)", [uuids])
    parts = len(worker_counts)
    done_sql = (
        "SELECT count(*) FROM account_bank_statement_line "
        "WHERE id = ANY(%s) AND subscription_match_state IN ('matched', 'unmatched')"
    )
    one_worker, before = None, 0
    for n, workers in enumerate(worker_counts):
        part = uuids[n * len(uuids) // parts : (n + 1) * len(uuids) // parts]
        if not part:
            print(f"  no job left for {workers} worker(s): give more --lines", flush=True)
            continue
        run = serve_until_done(workers, part, bench["data_dir"])
        [(done,)] = query(done_sql, [credits.ids])
        rate = (done - before) / run["seconds"]
        one_worker = one_worker or rate
        ratios = f", {rate / one_worker:.2f}x one worker" if workers > 1 else ""
        ratios += f", {rate / own[1]:.2f}x Odoo's own" if own else ""
        print(
            f"  match + reconcile, {workers} worker(s): {done - before} lines ({run['jobs']} jobs) in "
            f"{run['seconds']:.0f} s = {rate:.0f} lines/s{ratios} (worker processes {run['pids']})",
            flush=True,
        )
        before = done
    env.cr.commit()  # a new snapshot: what the servers' workers wrote
    env.invalidate_all()
    matched = credits.filtered(lambda line: line.subscription_match_state == "matched")
    reconciled = credits.filtered("is_reconciled")
    print(f"  {len(credits)} credits: matched {len(matched)}, reconciled {len(reconciled)}", flush=True)
    try:
        import_file(env, journal, filename, content, mapping)
        print("  second import of the same file: NOT refused")
    except Exception as error:  # noqa: BLE001 - the refusal is what is measured
        env.cr.rollback()
        print(f"  second import of the same file refused: {type(error).__name__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--formats", nargs="+", choices=sorted(FORMATS), default=["camt", "csv"])
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    statements = len(args.formats)
    start = date.today() - timedelta(days=20)
    print(f"Creating {DB} with {ADDON}...", flush=True)
    create_database(DB, ADDON)
    try:
        with odoo_env(DB) as env, tempfile.TemporaryDirectory(prefix="bench-odoo-") as data_dir:
            results = {}
            with timed("setup", results):
                subs, base_subs, journal = setup(
                    env, args.lines, args.baseline * statements, AMOUNT * statements, start, data_dir=data_dir
                )
            print(
                f"{len(subs) + len(base_subs)} subscribers billed once ({AMOUNT * statements:.2f} each) in "
                f"{results['setup']:.0f} s",
                flush=True,
            )
            bench = {"env": env, "journal": journal, "subs": subs, "data_dir": data_dir, "own": None}
            for n, fmt in enumerate(args.formats, start=1):
                if args.baseline:  # just before each format, so both see the machine as it is then
                    own_subs = base_subs[(n - 1) * args.baseline : n * args.baseline]
                    made, reconciled = odoo_own_flow(env, own_subs, journal, start, results)
                    bench["own"] = own = (made / results["own_import"], made / results["own_reconcile"])
                    print(
                        f"Odoo's own flow, {made} lines: create {own[0]:.0f} lines/s, reconcile with the known "
                        f"invoice {own[1]:.0f} lines/s ({reconciled} reconciled)",
                        flush=True,
                    )
                day = (date.today() - timedelta(days=statements - n)).isoformat()
                statement_run(bench, f"B{n}{fmt[:2].upper()}", day, fmt, args.workers)
            env.invalidate_all()
            invoices = env["account.move"].search(
                [("partner_id", "in", subs.partner_id.ids), ("move_type", "=", "out_invoice")]
            )
            paid = invoices.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
            statements_done = env["account.bank.statement"].search([("journal_id", "=", journal.id)])
            complete = all(statements_done.filtered("balance_end_real").mapped("is_complete"))
            print(f"journal balance {journal.current_statement_balance:.2f}")
            print(f"invoices of the statements' subscribers paid in full: {len(paid)}/{len(invoices)}")
            print(f"statements complete (balance equals the bank's closing): {complete}")
    finally:
        if not args.keep:
            drop_database(DB)


if __name__ == "__main__":
    main()

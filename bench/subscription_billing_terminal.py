"""A terminal ``pay`` round trip under load: 20 concurrent terminals against a real Odoo.

    python3 bench/subscription_billing_terminal.py [--terminals 20] [--pays 10] [--workers 2]
        [--subscriptions 200] [--keep]

Creates its own database (``bench_terminal``, dropped at the end unless ``--keep``) with
subscription_billing (no demo data), ``--subscriptions`` active subscriptions and one
terminal network (allow-list 127.0.0.1, a clearing account). Starts Odoo through
``odoo-bin`` with ``--workers W``, then ``--terminals`` threads each send ``--pays`` pay
requests exactly as an OSMP-protocol network does (GET query string, basic auth), each
with its own txn_id, to random subscriptions. Prints p50 / p95 / max of the round trip,
the result codes, and checks that every txn_id was paid exactly once; then every request
is sent once more (the network's retry) and must answer the first result and pay nothing.
"""

import argparse
import base64
import os
import random
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

from odoo_bench import PGHOST, create_database, drop_database, free_port, odoo_env, start_server

DB = os.environ.get("BENCH_DB", "bench_terminal")
LOGIN, PASSWORD = "bench-network", "bench-pass"


def prepare(subscriptions):
    with odoo_env(DB) as env:
        product = env["product.product"].create({"name": "Internet", "type": "service"})
        tariff = env["subscription.tariff"].create({"name": "Fibre", "product_id": product.id, "price": 29.9})
        partners = env["res.partner"].create([{"name": f"Subscriber {n}"} for n in range(subscriptions)])
        subs = env["subscription.subscription"].create(
            [{"partner_id": p.id, "state": "active", "line_ids": [(0, 0, {"tariff_id": tariff.id})]} for p in partners]
        )
        clearing = env["account.account"].create(
            {"code": "377901", "name": "Bench network clearing", "account_type": "asset_current", "reconcile": True}
        )
        journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
        terminal = env["subscription.payment.terminal"].create(
            {
                "name": "Bench network",
                "journal_id": journal.id,
                "clearing_account_id": clearing.id,
                "allowed_ips": "127.0.0.1",
                "basic_login": LOGIN,
                "basic_password": PASSWORD,
            }
        )
        return terminal.id, subs.mapped("name")


def start_odoo(workers, port, data_dir):
    log = Path(data_dir) / "server.log"
    server = start_server(DB, workers, log, http_port=port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2)
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"Odoo stopped:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.5)
            continue
        return server
    server.terminate()
    raise SystemExit("Odoo did not answer within 120 s")


def pay(url, txn_id, account, amount):
    query = {"command": "pay", "txn_id": txn_id, "txn_date": "20260305101500", "account": account, "sum": amount}
    req = urllib.request.Request(f"{url}?{urlencode(query)}")
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode())
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as response:
        body = response.read()
    elapsed = time.perf_counter() - started
    root = ElementTree.fromstring(body)
    return elapsed, root.findtext("result"), root.findtext("prv_txn")


def load(url, requests, terminals):
    """Send ``requests`` from ``terminals`` threads; list of (seconds, result, prv_txn)."""
    results, lock, queue = [], threading.Lock(), list(requests)

    def terminal():
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            outcome = pay(url, *item)
            with lock:
                results.append((item[0], *outcome))

    threads = [threading.Thread(target=terminal) for _ in range(terminals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--terminals", type=int, default=20)
    parser.add_argument("--pays", type=int, default=10, help="pay requests per terminal")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--http-port", type=int, default=0, help="Odoo's port (default: a free one)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"Creating database {DB} with subscription_billing...", flush=True)
    create_database(DB, "subscription_billing")
    try:
        terminal_id, accounts = prepare(args.subscriptions)
        rng = random.Random(14)
        requests = [
            (f"{900000 + n}", rng.choice(accounts), f"{rng.randint(100, 50000) / 100:.2f}")
            for n in range(args.terminals * args.pays)
        ]
        port = args.http_port or free_port()
        with tempfile.TemporaryDirectory(prefix="bench-odoo-") as data_dir:
            server = start_odoo(args.workers, port, data_dir)
            try:
                url = f"http://127.0.0.1:{port}/subscription_billing/terminal/{terminal_id}"
                for n in range(args.workers * 2):  # every worker loads its registry before the clock runs
                    pay(url, f"warmup-{n}", accounts[0], "1.00")
                first = load(url, requests, args.terminals)
                retry = load(url, requests, args.terminals)
            finally:
                server.terminate()
                server.wait(timeout=120)
        for label, results in (("pay", first), ("retry", retry)):
            times = [seconds for _txn, seconds, _result, _prv in results]
            codes = Counter(result for _txn, _seconds, result, _prv in results)
            print(
                f"  {label}: {len(results)} requests from {args.terminals} terminals, {args.workers} workers: "
                f"p50 {percentile(times, 0.5) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms, "
                f"max {max(times) * 1000:.0f} ms, results {dict(codes)}",
                flush=True,
            )
        first_answer = {txn: prv for txn, _s, result, prv in first if result == "0"}
        changed = [txn for txn, _s, result, prv in retry if result == "0" and first_answer.get(txn) != prv]
        import psycopg2

        with psycopg2.connect(dbname=DB, host=PGHOST) as conn, conn.cursor() as cr:
            cr.execute(
                "SELECT count(*), count(DISTINCT transaction_id) FROM subscription_payment_intake "
                "WHERE terminal_id = %s AND state = 'done'",
                [terminal_id],
            )
            paid, distinct = cr.fetchone()
        conn.close()
        print(f"  paid intakes {paid} for {distinct} txn_ids (requests {len(requests)} + warm-up {args.workers * 2})")
        print(f"  retries answering another payment than the first: {len(changed)}")
        if paid != distinct or changed:
            raise SystemExit("a txn_id was paid twice or a retry answered otherwise")
    finally:
        if not args.keep:
            drop_database(DB)


if __name__ == "__main__":
    main()

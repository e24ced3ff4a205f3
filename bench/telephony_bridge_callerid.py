"""Caller-ID lookup benchmark: 1,000,000 partners, database time and webhook round trip.

    python3 bench/telephony_bridge_callerid.py [--partners 1000000] [--lookups 1000]

Creates its own database (bench_tel_callerid), inserts the partners with one SQL
INSERT ... SELECT generate_series (numbers stored in national form with their
E.164 column, one number in 500 shared by two partners), then measures:

1. the lookup in PostgreSQL: EXPLAIN (ANALYZE) of the statement call-event ingestion
   runs (``res.partner._telephony_caller_ids``) on random numbers (execution time);
2. the webhook round trip: a running Odoo server on 127.0.0.1 receives "ringing"
   events whose caller is written nationally (030 ...), normalizes the number,
   finds the partner, creates the call and answers; timed on the client.

The database is dropped at the end (``--keep`` to keep it).
"""

import argparse
import random
import statistics
import time
import uuid

import requests
from telephony_bridge_common import SECRET, create_db, create_pbx, drop_db, odoo_server, percentile, psql

DB = "bench_tel_callerid"


def number(i):
    """National number of partner i (every 500th shares the previous partner's number)."""
    n = i - 1 if i % 500 == 0 else i
    return f"{30_000_000 + n}"


def insert_partners(count):
    started = time.time()
    psql(
        DB,
        f"""
        INSERT INTO res_partner (name, complete_name, active, type, is_company, lang, phone, phone_e164,
                                 create_date, write_date)
        SELECT 'Customer ' || i, 'Customer ' || i, true, 'contact', false, 'en_US',
               '0' || substr(n::text, 1, 2) || ' ' || substr(n::text, 3), '+49' || n::text,
               now(), now()
          FROM (SELECT i, 30000000 + (CASE WHEN i % 500 = 0 THEN i - 1 ELSE i END) AS n
                  FROM generate_series(1, {count}) AS i) AS s
        """,
    )
    psql(DB, "ANALYZE res_partner")
    total = int(psql(DB, "SELECT count(*) FROM res_partner", fetch=True))
    print(f"  {count} partners inserted in {time.time() - started:.0f} s ({total} in res_partner)", flush=True)


def db_lookup_times(count, lookups):
    times = []
    plan_sample = ""
    for _ in range(lookups):
        e164 = "+49" + number(random.randint(1, count))
        output = psql(
            DB,
            # the statement of res.partner._telephony_caller_ids, as call-event ingestion runs it
            "EXPLAIN (ANALYZE, FORMAT TEXT) SELECT id FROM res_partner "
            f"WHERE (phone_e164 = '{e164}' OR mobile_e164 = '{e164}') AND active "
            "AND (company_id = 1 OR company_id IS NULL) ORDER BY is_company DESC, id LIMIT 1",
            fetch=True,
        )
        plan_sample = plan_sample or output
        for line in output.splitlines():
            if line.startswith("Execution Time:"):
                times.append(float(line.split()[2]))
    return times, plan_sample


def webhook_times(url, pbx_id, count, lookups):
    session = requests.Session()
    headers = {"X-Telephony-Token": SECRET, "Content-Type": "application/json"}
    times, matched = [], 0
    for index in range(lookups + 20):
        n = number(random.randint(1, count))
        caller = f"0{n[:2]} {n[2:5]}-{n[5:]}"  # national, spaced and dashed
        payload = {
            "call_id": f"bench-{uuid.uuid4().hex}",
            "event": "ringing",
            "timestamp": time.time(),
            "direction": "inbound",
            "from": caller,
            "to": "+49 30 9999000",
        }
        started = time.perf_counter()
        response = session.post(f"{url}/telephony/pbx/{pbx_id}/event", json=payload, headers=headers, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        if index >= 20:  # the first requests warm caches
            times.append(elapsed)
    matched = int(psql(DB, "SELECT count(*) FROM telephony_call WHERE partner_id IS NOT NULL", fetch=True))
    total = int(psql(DB, "SELECT count(*) FROM telephony_call", fetch=True))
    return times, matched, total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    random.seed(42)
    create_db(DB)
    try:
        insert_partners(args.partners)
        times, plan = db_lookup_times(args.partners, args.lookups)
        print("\nCaller-ID lookup in PostgreSQL (EXPLAIN ANALYZE execution time):")
        print("  plan of one lookup:\n    " + "\n    ".join(plan.splitlines()))
        print(
            f"  {len(times)} lookups among {args.partners} partners: mean {statistics.mean(times):.3f} ms, "
            f"p50 {percentile(times, 0.5):.3f} ms, p95 {percentile(times, 0.95):.3f} ms, max {max(times):.3f} ms"
            f"  (target <= 5 ms)"
        )
        with odoo_server(DB) as url:
            pbx_id = create_pbx(url, DB)
            rtt, matched, total = webhook_times(url, pbx_id, args.partners, args.lookups)
        print("\nWebhook round trip (ringing event -> normalized number -> partner -> call record -> HTTP 200):")
        print(
            f"  {len(rtt)} requests: mean {statistics.mean(rtt):.1f} ms, p50 {percentile(rtt, 0.5):.1f} ms, "
            f"p95 {percentile(rtt, 0.95):.1f} ms, max {max(rtt):.1f} ms  (target p95 <= 50 ms)"
        )
        print(f"  calls created: {total}, with the partner found: {matched}")
    finally:
        if not args.keep:
            drop_db(DB)


if __name__ == "__main__":
    main()

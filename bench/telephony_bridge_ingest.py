"""Call-event ingestion benchmark: events per second through the webhook, with duplicates.

    python3 bench/telephony_bridge_ingest.py [--seconds 60] [--clients 16] [--workers 8] [--batch 1]
        [--duplicates 1.0] [--no-agent] [--format generic|zadarma]

Creates its own database (bench_tel_ingest) with 10,000 partners and an agent at
extension 101 (so every ringing call sends the agent's browser a notification with the
caller's card, unless --no-agent), starts Odoo in multi-worker mode on 127.0.0.1 and
runs ``--clients`` client threads for
``--seconds``. Each client plays calls of three events (ringing, answered, hangup;
one call in five delivers hangup before answered) and sends every event (or the
share given by --duplicates) twice at the same time over two connections, as a PBX
retrying on a timeout would.

With ``--batch N`` each request carries the same event of N calls as a JSON list
(the endpoint accepts lists), as a PBX relay buffering events would send them.

With ``--format zadarma`` the PBX is a Zadarma PBX and each event is the notification
Zadarma posts (``NOTIFY_START``, ``NOTIFY_ANSWER``, ``NOTIFY_END``: form-encoded, fields
in Zadarma's order, its per-event ``Signature`` header; the bodies of
``telephony_bridge/tests/zadarma_requests.py``), one notification per request.

Printed: deliveries per second (every HTTP request is one event delivery),
distinct events per second, latency percentiles, and the check of the database
afterwards: one call per call id (none lost, none duplicated), every call
answered with the talk time its events say. With an agent, also: the bus wake-ups
(``NOTIFY imbus`` on the ``postgres`` database, what Odoo's websocket server listens
to) naming the agent's channel, and the PostgreSQL sessions opened on ``postgres``
during the run (Odoo's bus alone opens one per notifying transaction).
"""

import argparse
import json
import random
import select
import socket
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import requests
from telephony_bridge_common import (
    PGHOST,
    SECRET,
    create_agent,
    create_db,
    create_pbx,
    drop_db,
    odoo_server,
    percentile,
    psql,
)

# Zadarma's requests as the endpoint tests build them (plain Python, no Odoo)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "telephony_bridge" / "tests"))
import zadarma_requests as zr

DB = "bench_tel_ingest"
PARTNERS = 10_000


def insert_partners():
    psql(
        DB,
        f"""
        INSERT INTO res_partner (name, complete_name, active, type, is_company, lang, phone, phone_e164,
                                 create_date, write_date)
        SELECT 'Customer ' || i, 'Customer ' || i, true, 'contact', false, 'en_US',
               '030 ' || (1000000 + i)::text, '+4930' || (1000000 + i)::text, now(), now()
          FROM generate_series(1, {PARTNERS}) AS i
        """,
    )
    psql(DB, "ANALYZE res_partner")  # as autovacuum would: the planner must know the new rows


class Client(threading.Thread):
    """One PBX line: plays calls, delivering each event once or twice at the same moment.

    It speaks HTTP over a plain socket, one connection per request as Odoo's HTTP
    workers answer (HTTP/1.0): the load generator shares the machine's two cores
    with Odoo and PostgreSQL, and a PBX's own cost is not what is measured here
    (``requests`` costs several times more CPU per request).
    """

    def __init__(self, url, pbx_id, deadline, stats, *, batch=1, duplicates=1.0, fmt="generic"):
        super().__init__(daemon=True)
        self.batch = batch
        self.duplicates = duplicates
        self.fmt = fmt
        parts = urlsplit(url)
        self.address = (parts.hostname, parts.port)
        self.head = f"POST /telephony/pbx/{pbx_id}/event HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
        self.deadline = deadline
        self.stats = stats
        self.pool = ThreadPoolExecutor(1)

    def encode(self, payload):
        """(headers, body) of one request carrying ``payload``."""
        if self.fmt == "zadarma":  # payload: the notification's ordered (name, value) pairs
            headers = f"Content-Type: application/x-www-form-urlencoded\r\nSignature: {zr.sign(payload, SECRET)}\r\n"
            return headers, zr.body(payload)
        return f"Content-Type: application/json\r\nX-Telephony-Token: {SECRET}\r\n", json.dumps(payload).encode()

    def post(self, payload):
        headers, body = self.encode(payload)
        request = f"{self.head}{headers}Content-Length: {len(body)}\r\n\r\n".encode() + body
        started = time.perf_counter()
        try:
            with socket.create_connection(self.address, timeout=60) as sock:
                sock.sendall(request)
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            status = int(answer.split(b" ", 2)[1])
        except (OSError, ValueError, IndexError):
            status = 0
        return status, (time.perf_counter() - started) * 1000

    @staticmethod
    def call_events(rng):
        call_id = uuid.uuid4().hex
        start = time.time()
        caller = f"030 {1000000 + rng.randint(1, PARTNERS)}"
        events = [
            {"event": "ringing", "timestamp": start, "direction": "inbound", "from": caller, "extension": "101"},
            {"event": "answered", "timestamp": start + 4, "extension": "101"},
            {"event": "hangup", "timestamp": start + 64},
        ]
        if rng.random() < 0.2:
            events[1], events[2] = events[2], events[1]
        return call_id, [dict(event, call_id=call_id) for event in events]

    @staticmethod
    def zadarma_call(rng):
        """NOTIFY_START, _INTERNAL (ringing at 101), _ANSWER and _END of an answered inbound call, as Zadarma sends.

        ``call_start`` is Zadarma's ``Y-m-d H:i:s`` in the PBX's time zone (UTC here),
        64 s ago: the end's ``duration`` then puts the answer 4 s after the start.
        """
        call_id = f"in_{uuid.uuid4().hex}"
        start = datetime.fromtimestamp(time.time() - 64, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        common = {"pbx_call_id": call_id, "call_start": start, "caller_id": f"4930{1000000 + rng.randint(1, PARTNERS)}"}
        events = [
            zr.fields("NOTIFY_START", called_did=zr.OUR_NUMBER, **common),
            zr.fields("NOTIFY_INTERNAL", called_did=zr.OUR_NUMBER, internal="101", **common),
            zr.fields("NOTIFY_ANSWER", destination="101", internal="101", **common),
            zr.fields(
                "NOTIFY_END",
                called_did=zr.OUR_NUMBER,
                internal="101",
                duration=60,
                disposition="answered",
                status_code=16,
                is_recorded=0,
                **common,
            ),
        ]
        if rng.random() < 0.2:
            events[2], events[3] = events[3], events[2]
        return call_id, events

    def run(self):
        rng = random.Random()
        make_call = self.zadarma_call if self.fmt == "zadarma" else self.call_events
        while time.time() < self.deadline:
            calls = [make_call(rng) for _index in range(self.batch)]
            for step in range(len(calls[0][1])):
                events = [events[step] for _call_id, events in calls]
                payload = events[0] if self.batch == 1 else events
                twice = rng.random() < self.duplicates
                duplicate = self.pool.submit(self.post, payload) if twice else None
                results = [self.post(payload)] + ([duplicate.result()] if duplicate else [])
                with self.stats["lock"]:
                    for status, elapsed in results:
                        self.stats["latencies"].append(elapsed)
                        self.stats["status"][status] = self.stats["status"].get(status, 0) + 1
                    self.stats["events"] += len(events)
                    self.stats["deliveries"] += len(events) * len(results)
            with self.stats["lock"]:
                self.stats["calls"].update(call_id for call_id, _events in calls)


class WakeUpListener(threading.Thread):
    """Counts the ``NOTIFY imbus`` payloads naming ``channel`` while the benchmark runs."""

    def __init__(self, channel):
        super().__init__(daemon=True)
        self.channel, self.count, self.stopping = channel, 0, threading.Event()
        self.connection = psycopg2.connect(dbname="postgres", host=PGHOST)
        self.connection.autocommit = True
        with self.connection.cursor() as cr:
            cr.execute("LISTEN imbus")

    def run(self):
        while not self.stopping.is_set():
            if select.select([self.connection], [], [], 0.2) != ([], [], []):
                self.connection.poll()
                for notify in self.connection.notifies:
                    self.count += self.channel in json.loads(notify.payload)
                self.connection.notifies.clear()

    def stop(self):
        time.sleep(1)  # the last commits' notifications
        self.stopping.set()
        self.join()
        self.connection.close()


def postgres_sessions():
    """Sessions ever opened on the ``postgres`` database (PostgreSQL 14+ counts them)."""
    return int(psql("postgres", "SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'", fetch=True))


def check_database(pbx_id, sent, with_agent, fmt="generic"):
    """Print what the database holds: one right call per call id sent, one notification per call.

    Zadarma times the answer from the end's duration, to the second of ``call_start``:
    its talk and ring times may be a second off.
    """

    def count(sql):
        return int(psql(DB, sql, fetch=True))

    rows = count(f"SELECT count(*) FROM telephony_call WHERE pbx_id = {pbx_id}")
    duplicated = count(
        "SELECT count(*) FROM (SELECT pbx_call_id FROM telephony_call GROUP BY pbx_id, pbx_call_id "
        "HAVING count(*) > 1) AS d"
    )
    wrong = count(
        f"SELECT count(*) FROM telephony_call WHERE pbx_id = {pbx_id} "
        + (
            "AND (state != 'answered' OR talk_seconds NOT BETWEEN 59 AND 61 OR ring_seconds NOT BETWEEN 3 AND 5 "
            "OR partner_id IS NULL)"
            if fmt == "zadarma"
            else "AND (state != 'answered' OR talk_seconds != 60 OR ring_seconds != 4 OR partner_id IS NULL)"
        )
    )
    print(f"  database: {rows} calls for {sent} call ids sent: lost {sent - rows}, "
          f"duplicated {duplicated}, with a wrong state/duration/partner {wrong}")  # fmt: skip
    if with_agent:
        notifications = "FROM bus_bus WHERE message::jsonb->>'type' = 'telephony_bridge/incoming_call'"
        total = count(f"SELECT count(*) {notifications}")
        distinct = count(f"SELECT count(DISTINCT message::jsonb->'payload'->>'call_id') {notifications}")
        print(f"  the agent's incoming-call notifications: {total}, for {distinct} distinct calls")


def http_baseline(url, pbx_id):
    """Odoo's own HTTP cost in ms: requests refused at authentication, one at a time."""
    session = requests.Session()
    baseline = []
    for _index in range(220):
        started = time.perf_counter()
        session.post(f"{url}/telephony/pbx/{pbx_id}/event", json={}, timeout=30)
        baseline.append((time.perf_counter() - started) * 1000)
    return baseline[20:]


def run_clients(url, pbx_id, args):
    """Run the clients for ``args.seconds``; their stats, the time taken and this script's CPU time."""
    stats = {"lock": threading.Lock(), "latencies": [], "status": {}, "events": 0, "deliveries": 0}
    stats["calls"] = set()
    started, client_cpu = time.time(), time.process_time()
    clients = [
        Client(
            url, pbx_id, started + args.seconds, stats, batch=args.batch, duplicates=args.duplicates, fmt=args.format
        )
        for _ in range(args.clients)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return stats, time.time() - started, time.process_time() - client_cpu


def print_rates(args, stats, elapsed, client_cpu):
    deliveries = sum(stats["status"].values())
    lat = stats["latencies"]
    print(f"\nIngestion for {elapsed:.1f} s, {args.clients} clients, {args.workers} Odoo workers, "
          f"{args.duplicates:.0%} of events delivered twice at once:")  # fmt: skip
    print(f"  requests: {deliveries} ({deliveries / elapsed:.0f}/s), {args.batch} event(s) each, "
          f"HTTP status counts: {stats['status']}")  # fmt: skip
    print(f"  event deliveries (duplicates included): {stats['deliveries']} ({stats['deliveries'] / elapsed:.0f}/s)")
    print(f"  distinct events: {stats['events']} ({stats['events'] / elapsed:.0f}/s), calls: {len(stats['calls'])}")
    print(f"  load generator (this script): {client_cpu / elapsed:.0%} of one core")
    print(
        f"  latency: mean {statistics.mean(lat):.0f} ms, p50 {percentile(lat, 0.5):.0f} ms, "
        f"p95 {percentile(lat, 0.95):.0f} ms, max {max(lat):.0f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    # Each worker waits on PostgreSQL about half of each request: with 4 workers a
    # third of the two cores stayed idle; 8 keep them busy.
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--batch", type=int, default=1, help="events per request (JSON list)")
    parser.add_argument(
        "--duplicates", type=float, default=1.0, help="share of events delivered twice at once (default: all)"
    )
    parser.add_argument(
        "--no-agent", action="store_true", help="no user at extension 101: no incoming-call notification"
    )
    parser.add_argument("--format", choices=("generic", "zadarma"), default="generic", help="the PBX's requests")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.format == "zadarma" and args.batch != 1:
        parser.error("Zadarma posts one notification per request: --batch 1 only")
    create_db(DB)
    try:
        insert_partners()
        with odoo_server(DB, workers=args.workers) as url:
            zadarma = {"pbx_type": "zadarma", "tz": "UTC"} if args.format == "zadarma" else {}
            pbx_id = create_pbx(url, DB, **zadarma)
            listener = None
            if not args.no_agent:
                agent = create_agent(url, DB, "101")
                agent_partner = int(psql(DB, f"SELECT partner_id FROM res_users WHERE id = {agent}", fetch=True))
                listener = WakeUpListener([DB, "res.partner", agent_partner])
                listener.start()
            baseline = http_baseline(url, pbx_id)
            sessions_before = postgres_sessions()
            stats, elapsed, client_cpu = run_clients(url, pbx_id, args)
            if listener:
                listener.stop()
            sessions_opened = postgres_sessions() - sessions_before
        print(
            f"\nOdoo HTTP baseline (401 without token, sequential): p50 {percentile(baseline, 0.5):.1f} ms, "
            f"p95 {percentile(baseline, 0.95):.1f} ms"
        )
        print_rates(args, stats, elapsed, client_cpu)
        check_database(pbx_id, len(stats["calls"]), with_agent=not args.no_agent, fmt=args.format)
        if listener:
            print(f"  bus wake-ups (NOTIFY imbus) naming the agent's channel: {listener.count}")
        print(f"  PostgreSQL sessions opened on the 'postgres' database during the run: {sessions_opened}")
        print(f"  successful requests: {stats['status'].get(200, 0)}/{sum(stats['status'].values())}")
    finally:
        if not args.keep:
            drop_db(DB)


if __name__ == "__main__":
    main()

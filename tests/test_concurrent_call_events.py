"""A PBX delivers every call event three times at once to a real multi-worker Odoo.

Odoo's test framework runs every test inside one uncommitted transaction and calls
the ingestion directly, so neither the webhook's own transaction handling nor
concurrent deliveries can be shown there. This test installs telephony_bridge on a
database of its own, starts Odoo with three HTTP workers, and posts the events of
30 calls as a PBX retrying on timeouts would: each event three times at the same
moment, the answer and hang-up of a call at the same time, and two batches holding
the same calls' events in opposite orders. It then checks in the database that
each call id has exactly one call with the right state, durations, contact and
agent, that the agent was notified once per call and their browser woken for each
notifying request (``NOTIFY imbus``, which Odoo's websocket server listens to), and in Odoo's log
that no request had to be replayed after a serialization failure or a deadlock.
"""

import json
import random
import select
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
import requests
from odoo_suite.collector import drop_database, pg_env
from odoo_suite.own_database import (
    free_port,
    install,
    odoo_addons_path,
    odoo_command,
    query,
    run_script,
    wait_for_http,
)

CALLS = 30
TOKEN = "concurrency-token"
START = 1772442000  # 2026-03-02 09:00 UTC

SETUP = f"""
import sys
import odoo
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-d", sys.argv[1], "--addons-path", sys.argv[2]])
with Registry(sys.argv[1]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{"tracking_disable": True}})
    germany = env.ref("base.de")
    env.company.telephony_default_country_id = germany
    pbx = env["telephony.pbx"].create({{"name": "Office", "webhook_auth": "token", "webhook_secret": "{TOKEN}"}})
    agent = env["res.users"].create({{"name": "Anna Agent", "login": "anna", "telephony_extension": "101"}})
    env["res.partner"].create([
        {{"name": f"Customer {{n}}", "phone": f"030 {{2000000 + n}}", "country_id": germany.id}}
        for n in range({CALLS})
    ])
    print("RESULT", pbx.id, agent.partner_id.id)
"""


@pytest.fixture(scope="module")
def odoo_server(tmp_path_factory, pytestconfig):
    db = f"call_events_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("odoo-data")
    log = data_dir / "server.log"
    addons = odoo_addons_path(pytestconfig)
    server = None
    try:
        install(db, "telephony_bridge", addons, data_dir)
        output = run_script(SETUP, db, addons)
        pbx_id, agent_partner_id = (int(value) for value in output.split("RESULT", 1)[1].split())
        port = free_port()
        serve = ["--database", db, "--workers", "3", "--max-cron-threads", "0", "--http-interface", "127.0.0.1"]
        serve += ["--http-port", str(port), "--log-level", "info", "--logfile", str(log)]
        server = subprocess.Popen(odoo_command(db, addons, data_dir, *serve), env=pg_env())
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/web/login")
        yield {"db": db, "url": url, "pbx": pbx_id, "agent_partner": agent_partner_id, "log": log}
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)
        drop_database(db)


@pytest.fixture
def bus_wake_ups():
    """The channels named by ``NOTIFY imbus`` while the test runs: call the fixture's value to read them."""
    env = pg_env()
    listener = psycopg2.connect(dbname="postgres", host=env["PGHOST"], port=env["PGPORT"])
    listener.autocommit = True
    with listener.cursor() as cr:
        cr.execute("LISTEN imbus")
    channels = []

    def read(expected_channel, at_least):
        """The channels named so far, once ``expected_channel`` was named ``at_least`` times (or 10 s passed)."""
        timeout = 10
        while True:
            if channels.count(expected_channel) >= at_least:
                timeout = 1  # and whatever comes right after
            if select.select([listener], [], [], timeout) == ([], [], []):
                return channels
            listener.poll()
            channels.extend(channel for n in listener.notifies for channel in json.loads(n.payload))
            listener.notifies.clear()

    yield read
    listener.close()


def test_events_delivered_three_times_at_once_make_one_right_call_each(odoo_server, bus_wake_ups):
    url = f"{odoo_server['url']}/telephony/pbx/{odoo_server['pbx']}/event"
    headers = {"X-Telephony-Token": TOKEN}
    rng = random.Random(7)

    def post(payload):
        response = requests.post(url, json=payload, headers=headers, timeout=60)
        return response.status_code, response.json()

    def events(n):
        call_id = f"call-{n}"
        at = START + 100 * n
        number = f"+49 30 {2000000 + n}"
        return [
            {"call_id": call_id, "event": "ringing", "timestamp": at, "from": number, "extension": "101"},
            {"call_id": call_id, "event": "answered", "timestamp": at + 4, "extension": "101"},
            {"call_id": call_id, "event": "hangup", "timestamp": at + 64},
        ]

    answers = []
    with ThreadPoolExecutor(12) as pool:
        for n in range(CALLS - 10):
            ringing, answered, hangup = events(n)
            # the ringing three times at once, then answer and hang-up three times each, all at once
            answers += pool.map(post, [ringing] * 3)
            later = [answered] * 3 + [hangup] * 3
            rng.shuffle(later)
            answers += pool.map(post, later)
        # the last ten calls come as batches: two relays send the same events in opposite orders
        batched = [events(n) for n in range(CALLS - 10, CALLS)]
        for step in range(3):
            batch = [call[step] for call in batched]
            answers += pool.map(post, [batch, batch[::-1], batch])

    assert {status for status, _body in answers} == {200}, answers
    summaries = [summary for _status, body in answers for summary in body.get("calls", [body])]
    assert {summary["call_id"] for summary in summaries} == {f"call-{n}" for n in range(CALLS)}

    rows = query(
        odoo_server["db"],
        """
        SELECT c.pbx_call_id, c.state, c.ring_seconds, c.talk_seconds, p.phone, u.telephony_extension
          FROM telephony_call c
          LEFT JOIN res_partner p ON p.id = c.partner_id
          LEFT JOIN res_users u ON u.id = c.agent_id
         WHERE c.pbx_id = %s
        """,
        [odoo_server["pbx"]],
    )
    assert len(rows) == CALLS, "one call per call id, none lost, none doubled"
    expected = {(f"call-{n}", "answered", 4, 60, f"030 {2000000 + n}", "101") for n in range(CALLS)}
    assert set(rows) == expected

    channel = json.dumps([odoo_server["db"], "res.partner", odoo_server["agent_partner"]], separators=(",", ":"))
    notifications = query(
        odoo_server["db"],
        "SELECT message FROM bus_bus WHERE channel = %s AND message::jsonb->>'type' = 'telephony_bridge/incoming_call'",
        [channel],
    )
    calls_notified = [json.loads(message)["payload"]["call_id"] for (message,) in notifications]
    assert len(calls_notified) == CALLS, "the agent's phone rang once per call, not once per delivery"
    assert len(set(calls_notified)) == CALLS
    agent_channel = [odoo_server["db"], "res.partner", odoo_server["agent_partner"]]
    # One NOTIFY per notifying transaction: each of the first calls' ringing was a request
    # of its own; the batched calls rang in one to ten transactions.
    wake_ups = bus_wake_ups(agent_channel, CALLS - 9).count(agent_channel)
    assert CALLS - 10 < wake_ups <= CALLS, f"the agent's browser was woken {wake_ups} times"

    log = odoo_server["log"].read_text()
    assert "tries left" not in log, "no request was replayed after a serialization failure or a deadlock"
    assert " ERROR " not in log, log[-3000:]

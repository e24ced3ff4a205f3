"""KeptConnection against the machine's real PostgreSQL: NOTIFYs arrive, one connection serves."""

import os
import select
import threading
import uuid

import psycopg2
import pytest
from addon_tools import tools
from odoo_suite.collector import pg_env

kept = tools("telephony_bridge", "kept_connection")


def connect():
    env = pg_env()
    return psycopg2.connect(dbname="postgres", host=env["PGHOST"], port=env["PGPORT"])


@pytest.fixture
def channel():
    """A LISTENing connection on a channel of the test's own; yields (name, received())."""
    name = f"kept_{uuid.uuid4().hex}"
    listener = connect()
    listener.autocommit = True
    with listener.cursor() as cr:
        cr.execute(f"LISTEN {name}")

    def received(expected):
        payloads = []
        while len(payloads) < expected and select.select([listener], [], [], 5) != ([], [], []):
            listener.poll()
            payloads += [n.payload for n in listener.notifies]
            listener.notifies.clear()
        return payloads

    yield name, received
    listener.close()


@pytest.fixture
def connection():
    conn = kept.KeptConnection(connect)
    yield conn
    conn.close()


def notify(name, payload):
    return ("SELECT pg_notify(%s, %s)", (name, payload))


def backend_alive(pid):
    with connect() as conn, conn.cursor() as cr:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
        return cr.fetchone()[0] == 1


def test_statements_run_in_order_on_one_kept_connection(channel, connection):
    name, received = channel
    connection.execute([notify(name, "a"), notify(name, "b")])
    backend = connection.backend_pid()
    connection.execute(iter([notify(name, "c")]))  # any iterable of statements
    assert received(3) == ["a", "b", "c"]
    assert connection.backend_pid() == backend
    assert backend_alive(backend), "the connection stays open between statements"


def test_a_connection_closed_by_the_server_is_reopened_and_the_statement_runs(channel, connection):
    name, received = channel
    connection.execute([notify(name, "before")])
    old_backend = connection.backend_pid()
    with connect() as admin, admin.cursor() as cr:
        cr.execute("SELECT pg_terminate_backend(%s)", (old_backend,))
    connection.execute([notify(name, "after")])
    assert received(2) == ["before", "after"]
    assert connection.backend_pid() != old_backend


def test_a_failing_statement_is_raised_once_and_keeps_the_connection(channel, connection):
    name, received = channel
    backend = connection.backend_pid()
    # QueryCanceled is an OperationalError, like a lost connection; it must not be re-run.
    with pytest.raises(psycopg2.errors.QueryCanceled):
        connection.execute([("SET statement_timeout = 50", None), notify(name, "once"), ("SELECT pg_sleep(1)", None)])
    with pytest.raises(psycopg2.errors.DivisionByZero):
        connection.execute([("SELECT 1 / 0", None)])
    assert received(2) == ["once"], "the statements before the failure ran once, autocommitted"
    assert connection.backend_pid() == backend


def test_threads_take_turns_on_the_one_connection(channel, connection):
    name, received = channel
    backend = connection.backend_pid()

    def send(thread):
        for i in range(25):
            connection.execute([notify(name, f"{thread}-{i}")])

    threads = [threading.Thread(target=send, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payloads = received(200)
    assert sorted(payloads) == sorted(f"{t}-{i}" for t in range(8) for i in range(25))
    for t in range(8):  # each thread's own notifications stay in its order
        assert [p for p in payloads if p.startswith(f"{t}-")] == [f"{t}-{i}" for i in range(25)]
    assert connection.backend_pid() == backend


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents(channel, connection):
    name, received = channel
    parent_backend = connection.backend_pid()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its backend, notify, exit without pytest's clean-up
        code = 1
        try:
            child_backend = connection.backend_pid()
            connection.execute([notify(name, "child")])
            os.write(write, str(child_backend).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _pid, status = os.waitpid(pid, 0)
    child_backend = int(os.read(read, 32) or 0)
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_backend not in (0, parent_backend)
    connection.execute([notify(name, "parent")])
    assert sorted(received(2)) == ["child", "parent"]
    assert connection.backend_pid() == parent_backend

"""One database connection kept open by a process, for short autocommit statements.

Odoo's bus tells the web clients about new notifications with ``NOTIFY imbus`` on the
``postgres`` database, and Odoo's connection pool never keeps a connection to that
database: every transaction that notifies someone opens (and closes) a new PostgreSQL
connection, a server process forked for one statement. When every ringing call notifies
its agent, that is the largest single cost of a call event.

``KeptConnection(connect)`` opens the connection at first use and keeps it:

* per process: after a ``fork`` (Odoo's prefork workers) the child opens its own and
  leaves the parent's alone, since both would otherwise talk on one socket;
* behind a lock, so threads of one process (Odoo's threaded server) take turns;
* in autocommit: each statement is its own transaction, nothing stays open;
* reopened once when the server has closed it (a restart, an idle timeout, a
  terminated backend). An error of the statement itself is raised as is.
"""

import os
import threading

import psycopg2


class KeptConnection:
    def __init__(self, connect):
        """``connect()`` returns a new psycopg2 connection."""
        self._connect = connect
        self._lock = threading.Lock()
        self._connection = None
        self._pid = None

    def execute(self, statements):
        """Run each ``(sql, params)`` of ``statements`` in autocommit, in order."""
        statements = list(statements)
        with self._lock:
            connection = self._open()
            try:
                self._run(connection, statements)
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                if not connection.closed:
                    raise  # the statement failed, not the connection
                self._forget()
                self._run(self._open(), statements)

    def close(self):
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._forget()

    def backend_pid(self):
        """The PostgreSQL server process of the kept connection (for tests and benchmarks)."""
        with self._lock:
            return self._open().get_backend_pid()

    def _open(self):
        if self._connection is None or self._pid != os.getpid() or self._connection.closed:
            # A connection inherited through fork is not closed here: closing it would
            # end the parent's session too.
            connection = self._connect()
            connection.autocommit = True
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _forget(self):
        self._connection = self._pid = None

    @staticmethod
    def _run(connection, statements):
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

import psycopg2

from odoo import models, sql_db
from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads
from odoo.tools import SQL, OrderedSet

from ..tools.kept_connection import KeptConnection


def _connect_notify_database():
    _dbname, connection_info = sql_db.connection_info_for("postgres")
    return psycopg2.connect(**connection_info)


# The process's connection to the database the bus listens on (see tools/kept_connection).
_NOTIFY_CONNECTION = KeptConnection(_connect_notify_database)


class BusBus(models.Model):
    _inherit = "bus.bus"

    def _ensure_hooks(self):
        """Send the transaction's ``NOTIFY imbus`` over the process's kept connection.

        Core registers, once per transaction, a post-commit hook that opens a new
        connection to the ``postgres`` database for its NOTIFY. Registering ours first,
        under the same key, makes core skip its own; the bus rows are still written by
        core's pre-commit hook, and the payloads are core's. A ringing call notifies its
        agent, so this takes a connection setup off every incoming call.
        """
        cr = self.env.cr
        if "bus.bus.channels" not in cr.postcommit.data:
            cr.postcommit.data["bus.bus.channels"] = OrderedSet()

            @cr.postcommit.add
            def notify():
                payloads = get_notify_payloads(list(cr.postcommit.data.pop("bus.bus.channels")))
                function = SQL.identifier(ODOO_NOTIFY_FUNCTION)
                # An SQL object unpacks to its code and parameters.
                _NOTIFY_CONNECTION.execute(SQL("SELECT %s('imbus', %s)", function, payload) for payload in payloads)

        return super()._ensure_hooks()

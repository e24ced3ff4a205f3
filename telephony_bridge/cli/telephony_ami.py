"""``odoo-bin telephony_ami``: a long-running Asterisk AMI client feeding the call log.

    python3 odoo-bin telephony_ami --pbx-id 1 -d mydb --addons-path=...

Reconnects after a network error; each call event is logged in a transaction of its own,
committed as it arrives.
"""

import argparse
import logging
import time

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger(__name__)


class TelephonyAmi(Command):
    """Follow the AMI events of an Asterisk PBX and log its calls"""

    name = "telephony_ami"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(prog="odoo-bin telephony_ami", description=self.__doc__)
        parser.add_argument("--pbx-id", type=int, required=True, help="id of the telephony.pbx record")
        parser.add_argument("--reconnect-delay", type=float, default=5.0, help="seconds before reconnecting")
        options, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname:
            parser.error("give the database with -d")
        registry = Registry(dbname)

        def ingest(pbx_config, event):
            with registry.cursor() as event_cr:  # committed when the block ends
                api.Environment(event_cr, SUPERUSER_ID, {})["telephony.call"]._ingest_as_pbx_user(pbx_config, event)

        while True:
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    pbx = env["telephony.pbx"].browse(options.pbx_id).exists()
                    if not pbx:
                        parser.error(f"no PBX with id {options.pbx_id}")
                    handled = pbx._ami_listen(ingest=ingest)
                    _logger.info("AMI connection closed after %s call events", handled)
            except Exception:
                _logger.exception("AMI client of PBX %s failed", options.pbx_id)
            time.sleep(options.reconnect_delay)

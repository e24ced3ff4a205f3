import hashlib
import hmac
import json

import odoo.tests.common
from odoo.addons.telephony_bridge.tools import call_events
from odoo.tests import HttpCase, TransactionCase, new_test_user

# queue_job 18.0.4.1.2's test helpers import SETATTR_SOURCES, which older Odoo 18.0
# sources lack; an empty registry of patch sources is what they expect there. Tests
# import trap_jobs from here.
if not hasattr(odoo.tests.common, "SETATTR_SOURCES"):
    odoo.tests.common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: F401


class TelephonyFixtures:
    """Shared fixtures: a German company setup, a PBX, two agents, customers."""

    @classmethod
    def _setup_telephony(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.telephony_default_country_id = cls.env.ref("base.de")
        cls.pbx = cls.env["telephony.pbx"].create(
            {
                "name": "Office PBX",
                "pbx_type": "generic",
                "webhook_auth": "token",
                "webhook_secret": "s3cret-token",
                "company_id": cls.company.id,
            }
        )
        cls.agent = cls._telephony_user("tel_agent", "Anna Agent", "user", extension="101")
        cls.colleague = cls._telephony_user("tel_colleague", "Carl Colleague", "user", extension="102")
        cls.manager = cls._telephony_user("tel_manager", "Mona Manager", "manager")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Bäckerei Schulz",
                "is_company": True,
                "phone": "030 1234567",
                "country_id": cls.env.ref("base.de").id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Petra Schulz", "parent_id": cls.customer.id, "mobile": "+49 (171) 555-0101"}
        )

    @classmethod
    def _telephony_user(cls, login, name, role, extension=None):
        user = new_test_user(
            cls.env, login=login, name=name, groups=f"base.group_user,telephony_bridge.group_telephony_bridge_{role}"
        )
        if extension:
            user.telephony_extension = extension
        return user

    def event(self, kind, seconds, call_id="call-1", pbx=None, **values):
        payload = {"call_id": call_id, "event": kind, "timestamp": 1772442000 + seconds}
        payload.update(values)
        return (pbx or self.pbx)._process_event_payload(payload)


class TelephonyCase(TelephonyFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telephony()


class TelephonyHttpCase(TelephonyFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telephony()

    def post_event(self, payload, pbx=None, token="s3cret-token", signature=None, headers=None):
        pbx = pbx or self.pbx
        body = json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json"}
        if token is not None:
            all_headers["X-Telephony-Token"] = token
        if signature is not None:
            all_headers["X-Telephony-Signature"] = signature
        all_headers.update(headers or {})
        return self.url_open(f"/telephony/pbx/{pbx.id}/event", data=body, headers=all_headers)

    @staticmethod
    def sign(secret, payload):
        body = json.dumps(payload).encode()
        return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


T0 = call_events.parse_timestamp(1772442000)

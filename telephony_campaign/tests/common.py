from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo.addons.telephony_bridge.tests.common import TelephonyCase

# The telephony tests' PBX events happen at T0: Monday 2 March 2026, 09:00 UTC.
MONDAY_9 = datetime(2026, 3, 2, 9, 0, 0)


class CampaignCase(TelephonyCase):
    """A running campaign of five customers worked by two agents (Anna and Carl), 08:00-20:00
    UTC on weekdays, three tries an hour apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": name, "phone": number, "country_id": cls.env.ref("base.de").id}
                for name, number in (
                    ("Apotheke Adler", "030 1111111"),
                    ("Bäckerei Brandt", "030 2222222"),
                    ("Café Central", "030 3333333"),
                    ("Druckerei Dorn", "030 4444444"),
                    ("Eisdiele Elba", "030 5555555"),
                )
            ]
        )
        cls.campaign = cls.env["telephony.campaign"].create(
            {
                "name": "Spring offer",
                "agent_ids": [(6, 0, (cls.agent | cls.colleague).ids)],
                "tz": "UTC",
                "hour_from": 8.0,
                "hour_to": 20.0,
                "max_attempts": 3,
                "retry_minutes": 60,
                "script": "<p>Good morning, we have a spring offer for you.</p>",
            }
        )
        cls.campaign._add_partners(cls.partners)
        cls.campaign.action_start()
        cls.contacts = cls.campaign.contact_ids.sorted("id")

    def next_for(self, user):
        """What 'Next contact' gives ``user``: the contact opened, or None."""
        action = self.env["telephony.campaign.contact"].with_user(user).action_next_contact()
        if action.get("res_model") != "telephony.campaign.contact":
            return None
        return self.env["telephony.campaign.contact"].browse(action["res_id"])

    @contextmanager
    def promise_recorded_here(self):
        """A promise to pay as this addon records it (date and amount on the contact), whatever a
        bridge adds: telephony_campaign_billing, when installed in the same database, also asks
        for the customer's subscription (its own tests cover that)."""
        Contact = type(self.env["telephony.campaign.contact"])
        with (
            patch.object(Contact, "_check_promise", lambda self: True),
            patch.object(Contact, "_on_promise", lambda self: True),
        ):
            yield

    def record(self, user, contact, outcome, **values):
        wizard = (
            self.env["telephony.campaign.outcome"]
            .with_user(user)
            .create({"contact_id": contact.id, "outcome": outcome, **values})
        )
        return wizard.action_record()

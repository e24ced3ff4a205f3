import re

from odoo import Command
from odoo.addons.mass_mailing.tests.common import MassMailCase
from odoo.tests import HttpCase, new_test_user

SUBSCRIPTION = "subscription.subscription"


class SegmentMailingCommon(MassMailCase, HttpCase):
    """A provider's subscribers around the segment "active subscribers of Fiber 500 in Home".

    In the segment: Anna; Bernd with two subscriptions; Clara, whose email is blocklisted;
    Dieter, whose mobile number is blocklisted. Outside: Emil (another tariff), Frieda (a
    closed subscription), Gustav (a business customer).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        germany = cls.env.ref("base.de")
        cls.company = cls.env.company
        cls.company.write(
            {"country_id": germany.id, "email": "offers@netz.example.com", "telephony_default_country_id": germany.id}
        )
        cls.provider = cls.env["telephony.sms.provider"].create(
            {
                "name": "Local Gateway",
                "url": "http://127.0.0.1:9/send",
                "auth_type": "bearer",
                "auth_secret": "gw-key",
                "sender": "NETZ",
                "success_path": "status",
                "success_value": "ok",
                "message_id_path": "id",
                "dlr_token": "dlr-secret",
            }
        )
        service = cls.env["product.product"].create({"name": "Internet access", "type": "service"})
        cls.fiber = cls.env["subscription.tariff"].create({"name": "Fiber 500", "product_id": service.id, "price": 40})
        cls.copper = cls.env["subscription.tariff"].create({"name": "DSL 16", "product_id": service.id, "price": 20})
        cls.home = cls.env["subscription.customer.group"].create({"name": "Home", "code": "MM-HOME"})
        cls.business = cls.env["subscription.customer.group"].create({"name": "Business", "code": "MM-BIZ"})

        def customer(name, email, mobile):
            return cls.env["res.partner"].create(
                {"name": name, "email": email, "mobile": mobile, "country_id": germany.id, "lang": "en_US"}
            )

        cls.anna = customer("Anna Arendt", "anna@example.com", "0171 1000001")
        cls.bernd = customer("Bernd Bauer", "bernd@example.com", "+49 171 1000002")
        cls.clara = customer("Clara Conrad", "clara@example.com", "0171 1000003")
        cls.dieter = customer("Dieter Dorn", "dieter@example.com", "0171 1000004")
        cls.emil = customer("Emil Engel", "emil@example.com", "0171 1000005")
        cls.frieda = customer("Frieda Fuchs", "frieda@example.com", "0171 1000006")
        cls.gustav = customer("Gustav Graf", "gustav@example.com", "0171 1000007")
        cls.sub_anna = cls._subscribe(cls.anna, cls.fiber)
        cls.sub_bernd = cls._subscribe(cls.bernd, cls.fiber)
        cls.sub_bernd_2 = cls._subscribe(cls.bernd, cls.fiber)
        cls.sub_clara = cls._subscribe(cls.clara, cls.fiber)
        cls.sub_dieter = cls._subscribe(cls.dieter, cls.fiber)
        cls.sub_emil = cls._subscribe(cls.emil, cls.copper)
        cls.sub_frieda = cls._subscribe(cls.frieda, cls.fiber)
        cls.sub_frieda.state = "closed"  # a former subscriber
        cls.sub_gustav = cls._subscribe(cls.gustav, cls.fiber, group=cls.business)
        # Clara asked for no more offers by email, Dieter for no more SMS.
        cls.env["mail.blacklist"]._add("clara@example.com")
        cls.env["phone.blacklist"]._add(["+491711000004"])
        # SMS already waiting in the queue (the demo's reminders) are not these tests': the
        # scheduler the tests run would send them to the test gateway too
        cls.env["sms.sms"].search([("state", "=", "outgoing")]).unlink()
        cls.subs = (cls.sub_anna | cls.sub_bernd | cls.sub_bernd_2 | cls.sub_clara | cls.sub_dieter | cls.sub_emil) | (
            cls.sub_frieda | cls.sub_gustav
        )

        cls.marketer = new_test_user(
            cls.env,
            login="mm_marketer",
            name="Mia Marketing",
            email="mia@netz.example.com",
            groups="base.group_user,mass_mailing.group_mass_mailing_user,"
            "subscription_billing.group_subscription_billing_user",
        )
        cls.subscription_model = cls.env["ir.model"]._get(SUBSCRIPTION)
        cls.segment_domain = [
            ("state", "=", "active"),
            ("tariff_ids", "in", cls.fiber.ids),
            ("customer_group_id", "=", cls.home.id),
        ]
        cls.segment = (
            cls.env["mailing.filter"]
            .with_user(cls.marketer)
            .create(
                {
                    "name": "Fiber 500, home customers",
                    "mailing_model_id": cls.subscription_model.id,
                    "mailing_domain": repr(cls.segment_domain),
                }
            )
        )

    @classmethod
    def _subscribe(cls, partner, tariff, group=None):
        sub = cls.env[SUBSCRIPTION].create(
            {
                "partner_id": partner.id,
                "customer_group_id": (group or cls.home).id,
                "line_ids": [Command.create({"tariff_id": tariff.id})],
            }
        )
        sub.action_activate()
        return sub

    def _new_mailing(self, **values):
        """A mailing to the segment, written by the marketer from the saved filter."""
        return (
            self.env["mailing.mailing"]
            .with_user(self.marketer)
            .create({"mailing_model_id": self.subscription_model.id, "mailing_filter_id": self.segment.id, **values})
        )

    @staticmethod
    def _traces(mailing):
        """{customer name: (trace status, failure type)} of a mailing's traces, one per trace."""
        traces = mailing.mailing_trace_ids
        subs = traces.env[SUBSCRIPTION].browse(traces.mapped("res_id"))
        names = {sub.id: sub.partner_id.name for sub in subs}
        result = {}
        for trace in traces:
            name = names[trace.res_id]
            assert name not in result, f"{name} has two traces"
            result[name] = (trace.trace_status, trace.failure_type or False)
        return result

    @staticmethod
    def _short_links(body):
        return re.findall(r'href="[^"]*(/r/\w+/m/\d+)"', body)

import json
import re
from urllib.parse import urlsplit

from odoo.addons.telephony_bridge.tests.fake_server import FakeHttpServer
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SegmentMailingCommon

OFFER_HTML = (
    '<p>Dear <t t-out="object.partner_id.name"/>, your contract <t t-out="object.name"/> can go up to '
    '<a href="https://netz.example.com/fiber-1000">Fiber 1000</a> for 5 EUR more.</p>'
)


@tagged("post_install", "-at_install")
class TestSegmentMailing(SegmentMailingCommon):
    def test_email_reaches_the_segment_once_per_subscriber(self):
        mailing = self._new_mailing(subject="Faster internet for you", body_html=OFFER_HTML)
        self.assertEqual(mailing.mailing_domain, repr(self.segment_domain), "the saved filter is the segment")
        self.assertEqual(mailing.total, 4, "Anna, Bernd (two subscriptions), Clara, Dieter")

        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()

        sent = {mail["email_to"][0]: mail for mail in self._mails}
        self.assertEqual(
            sorted(mail["email_to"][0] for mail in self._mails),
            [
                '"Anna Arendt" <anna@example.com>',
                '"Bernd Bauer" <bernd@example.com>',
                '"Dieter Dorn" <dieter@example.com>',
            ],
        )
        anna_mail = sent['"Anna Arendt" <anna@example.com>']
        self.assertEqual(anna_mail["subject"], "Faster internet for you")
        self.assertIn(f"Dear Anna Arendt, your contract {self.sub_anna.name} can go up to", anna_mail["body"])
        bernd_body = sent['"Bernd Bauer" <bernd@example.com>']["body"]
        self.assertIn(f"your contract {self.sub_bernd_2.name} can", bernd_body, "the newest of his two")
        self.assertEqual(
            self._traces(mailing),
            {
                "Anna Arendt": ("sent", False),
                "Bernd Bauer": ("sent", False),
                "Clara Conrad": ("cancel", "mail_bl"),
                "Dieter Dorn": ("sent", False),
            },
        )
        # Anna follows the offer's link: Odoo's link tracker counts the click on her trace.
        [link] = self._short_links(anna_mail["body"])
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith("https://netz.example.com/fiber-1000?"))
        mailing.invalidate_recordset()
        self.assertEqual(self._traces(mailing)["Anna Arendt"], ("open", False), "a click opens")
        self.assertEqual(
            (mailing.expected, mailing.sent, mailing.delivered, mailing.canceled, mailing.failed, mailing.clicked),
            (4, 3, 3, 1, 0, 1),
        )

    def test_unsubscribe_link_keeps_the_next_offer_away(self):
        mailing = self._new_mailing(subject="Faster internet for you", body_html=OFFER_HTML)
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
        [anna_mail] = [mail for mail in self._mails if mail["email_to"] == ['"Anna Arendt" <anna@example.com>']]
        url = urlsplit(anna_mail["headers"]["List-Unsubscribe"].strip("<>"))
        self.assertEqual(anna_mail["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # What her mail client posts for her (RFC 8058 one-click unsubscribe); Odoo's route
        # warns that it ignores the body's one field.
        with mute_logger("odoo.http"):
            response = self.url_open(f"{url.path}?{url.query}", data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "anna@example.com")]))

        second = self._new_mailing(subject="Last chance: Fiber 1000", body_html=OFFER_HTML)
        with self.mock_mail_gateway(mail_unlink_sent=False):
            second.action_send_mail()
        self.assertEqual(
            sorted(mail["email_to"][0] for mail in self._mails),
            ['"Bernd Bauer" <bernd@example.com>', '"Dieter Dorn" <dieter@example.com>'],
        )
        self.assertEqual(self._traces(second)["Anna Arendt"], ("cancel", "mail_bl"))

    def test_sms_goes_through_the_gateway_and_its_reports_count(self):
        mailing = self._new_mailing(
            mailing_type="sms",
            subject="Fiber 1000 SMS",
            body_plaintext="{{ object.partner_id.name }}, Fiber 1000 for 5 EUR more: reply YES",
        )
        self.assertEqual(mailing.mailing_domain, repr(self.segment_domain))
        with FakeHttpServer(lambda request: (200, {"status": "ok", "id": f"gw-{request['json']['to']}"})) as server:
            self.provider.url = f"{server.url}/send"
            mailing.action_send_mail()  # queued, as Odoo's SMS marketing does
            self.assertEqual(server.requests, [])
            self.env.ref("sms.ir_cron_sms_scheduler_action").method_direct_trigger()

        received = {request["json"]["to"]: request["json"]["text"] for request in server.requests}
        self.assertEqual(
            received,
            {
                "+491711000001": "Anna Arendt, Fiber 1000 for 5 EUR more: reply YES",
                "+491711000002": "Bernd Bauer, Fiber 1000 for 5 EUR more: reply YES",
                "+491711000003": "Clara Conrad, Fiber 1000 for 5 EUR more: reply YES",
            },
        )
        self.assertEqual(len(server.requests), 3, "Bernd's two subscriptions: one SMS")
        self.assertEqual({request["json"]["from"] for request in server.requests}, {"NETZ"})
        self.assertEqual(
            self._traces(mailing),
            {
                "Anna Arendt": ("pending", False),
                "Bernd Bauer": ("pending", False),
                "Clara Conrad": ("pending", False),
                "Dieter Dorn": ("cancel", "sms_blacklist"),
            },
        )

        # The gateway reports: Anna's delivered, Clara's not (her phone stayed off).
        references = {request["json"]["to"]: request["json"]["reference"] for request in server.requests}
        reports = [
            {"reference": references["+491711000001"], "status": "DELIVERED"},
            {"reference": references["+491711000003"], "status": "UNDELIVERED"},
        ]
        response = self.url_open(
            f"/telephony/sms/{self.provider.id}/status",
            data=json.dumps(reports).encode(),
            headers={"X-Telephony-Token": "dlr-secret", "Content-Type": "application/json"},
        )
        self.assertEqual((response.status_code, response.json()), (200, {"states": ["sent", "error"]}))
        mailing.invalidate_recordset()
        self.assertEqual(
            self._traces(mailing),
            {
                "Anna Arendt": ("sent", False),
                "Bernd Bauer": ("pending", False),
                "Clara Conrad": ("error", "sms_not_delivered"),
                "Dieter Dorn": ("cancel", "sms_blacklist"),
            },
        )
        self.assertEqual(
            (mailing.expected, mailing.sent, mailing.delivered, mailing.canceled, mailing.failed),
            (4, 3, 1, 1, 1),
        )
        self.assertEqual(mailing.state, "done")

    def test_stop_link_of_an_sms_keeps_the_next_sms_away(self):
        mailing = self._new_mailing(
            mailing_type="sms",
            subject="Fiber 1000 SMS",
            body_plaintext="Fiber 1000: 5 EUR more.",
            sms_allow_unsubscribe=True,
        )
        with FakeHttpServer() as server:
            self.provider.url = f"{server.url}/send"
            mailing.action_send_mail()
            self.env.ref("sms.ir_cron_sms_scheduler_action").method_direct_trigger()
        clara_text = next(r["json"]["text"] for r in server.requests if r["json"]["to"] == "+491711000003")
        base_url = mailing.get_base_url()
        stop = re.fullmatch(rf"Fiber 1000: 5 EUR more\.\nSTOP SMS: {re.escape(base_url)}(/sms/\d+/\w+)", clara_text)
        self.assertTrue(stop, clara_text)

        # Clara opens the link and confirms her number on Odoo's page.
        page = self.url_open(stop[1])
        self.assertEqual(page.status_code, 200)
        [csrf_token] = re.findall(r'name="csrf_token" value="([^"]+)"', page.text)
        form = stop[1].rsplit("/", 1)
        confirm = self.url_open(
            f"{form[0]}/unsubscribe/{form[1]}", data={"sms_number": "+491711000003", "csrf_token": csrf_token}
        )
        self.assertEqual(confirm.status_code, 200)
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+491711000003")]))

        second = self._new_mailing(mailing_type="sms", subject="Last chance", body_plaintext="Fiber 1000: last days.")
        with FakeHttpServer() as server:
            self.provider.url = f"{server.url}/send"
            second.action_send_mail()
            self.env.ref("sms.ir_cron_sms_scheduler_action").method_direct_trigger()
        self.assertEqual(sorted(r["json"]["to"] for r in server.requests), ["+491711000001", "+491711000002"])
        self.assertEqual(self._traces(second)["Clara Conrad"], ("cancel", "sms_blacklist"))

    def test_sms_link_clicks_count(self):
        mailing = self._new_mailing(
            mailing_type="sms",
            subject="Fiber 1000 SMS",
            body_plaintext="Fiber 1000: https://netz.example.com/fiber-1000",
        )
        with FakeHttpServer() as server:
            self.provider.url = f"{server.url}/send"
            mailing.action_send_mail()
            self.env.ref("sms.ir_cron_sms_scheduler_action").method_direct_trigger()
        texts = {request["json"]["to"]: request["json"]["text"] for request in server.requests}
        link = re.fullmatch(rf"Fiber 1000: {re.escape(mailing.get_base_url())}(/r/\w+/s/\d+)", texts["+491711000002"])
        self.assertTrue(link, texts["+491711000002"])

        response = self.url_open(link[1], allow_redirects=False)  # Bernd taps the link
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith("https://netz.example.com/fiber-1000"))
        mailing.invalidate_recordset()
        clicked = mailing.mailing_trace_ids.filtered("links_click_datetime")
        self.assertEqual(self.env["subscription.subscription"].browse(clicked.res_id).partner_id, self.bernd)
        self.assertEqual(mailing.clicked, 1)

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import AccountTelephonyCommon

# The PBX's clock: event second 0 is Monday 2 March 2026, 09:00 UTC = 10:00 in Berlin.
MON_10 = "2026-03-02 09:00:00"


@tagged("post_install", "-at_install")
class TestResponseTime(AccountTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["telephony.response.rule"].create(
            {
                "name": "Price request",
                "limit": 1.0,
                "limit_unit": "days",
                "end_event": "posted",
                "calendar_id": cls.calendar.id,
            }
        )
        cls.mueller = cls.env["res.partner"].create(
            {"name": "Müller GmbH", "is_company": True, "phone": "030 7654398", "country_id": cls.env.ref("base.de").id}
        )
        cls.weber = cls.env["res.partner"].create(
            {"name": "Weber KG", "is_company": True, "email": "info@weber.example", "user_id": cls.colleague.id}
        )

    def call(self, call_id, caller, at_seconds, *, talk_seconds=120, extension="101", now=MON_10):
        with freeze_time(now):
            self.event("ringing", at_seconds, call_id, direction="inbound", extension=extension, **{"from": caller})
            self.event("answered", at_seconds + 5, call_id, extension=extension)
            call = self.event("hangup", at_seconds + 5 + talk_seconds, call_id)
            self.env.flush_all()  # the cases' states computed at that time
            return call

    def cases(self, partner):
        return self.env["telephony.response.case"].search([("partner_id", "=", partner.id)])

    def test_late_request_and_one_on_time(self):
        # Monday 10:00 Berlin: Bäckerei Schulz calls Anna. One working day of Mon-Fri 8-12,
        # 13-17 is 8 hours: Monday 10-12 and 13-17 (6 h), Tuesday 8-10 (2 h).
        call = self.call("late-1", "030 1234567", 0)
        case = self.cases(self.customer)
        self.assertEqual(len(case), 1)
        self.assertEqual((case.source, case.call_id, case.manager_id), ("call", call, self.agent))
        self.assertEqual(case.create_uid, self.pbx.user_id, "opened with the rights of the PBX's technical user")
        self.assertEqual(case.start_datetime, datetime(2026, 3, 2, 9, 0))
        self.assertEqual(case.deadline, datetime(2026, 3, 3, 9, 0), "Tuesday 10:00 in Berlin")
        self.assertEqual(case.state, "open")
        # the customer calls again on Monday: still the same request
        self.call("late-2", "030 1234567", 3600)
        self.assertEqual(len(self.cases(self.customer)), 1)
        # Wednesday 9:00 Berlin: Müller GmbH calls Anna; answered the same day, on time
        self.call("ok-1", "030 7654398", 2 * 86400 - 3600)
        # Tuesday 16:00 Berlin: an email of Weber KG, whose salesperson is Carl; the
        # deadline is Tuesday 16-17 (1 h), Wednesday 8-12, 13-16 (7 h): Wednesday 16:00
        with freeze_time("2026-03-03 15:00:00"):
            message = self.weber.message_post(
                body="Please send us your prices.", message_type="email", author_id=self.weber.id
            )
        email_case = self.cases(self.weber)
        self.assertEqual((email_case.source, email_case.message_id), ("email", message))
        self.assertEqual(email_case.manager_id, self.colleague)
        self.assertEqual(email_case.deadline, datetime(2026, 3, 4, 15, 0))

        # Wednesday 15:00 Berlin: the billing clerk posts the three invoices
        with freeze_time("2026-03-04 14:00:00"):
            late_invoice = self.invoice(self.customer, 100.0, self.agent, "2026-03-04")
            self.invoice(self.mueller, 200.0, self.agent, "2026-03-04")
            self.invoice(self.weber, 300.0, self.colleague, "2026-03-04")

        self.assertEqual(case.state, "late")
        self.assertEqual((case.end_datetime, case.invoice_id), (datetime(2026, 3, 4, 14, 0), late_invoice))
        # Tuesday 10-12, 13-17 (6 h) and Wednesday 8-12, 13-15 (6 h) after the deadline
        self.assertEqual(case.delay_hours, 12.0)
        # Monday 6 h, Tuesday 8 h, Wednesday 6 h
        self.assertEqual(case.response_hours, 20.0)
        on_time = self.cases(self.mueller)
        self.assertEqual((on_time.state, on_time.delay_hours, on_time.response_hours), ("on_time", 0.0, 5.0))
        self.assertEqual((email_case.state, email_case.delay_hours, email_case.response_hours), ("on_time", 0.0, 7.0))

        # The administrator's analysis: Anna 1 of 2 on time, Carl 1 of 1; Anna answers in
        # (20 + 5) / 2 = 12.5 working hours on average, Carl in 7.
        self.call("open-1", "030 1234567", 2 * 86400)  # an open request counts in no figure
        groups = (
            self.env["telephony.response.case"]
            .with_user(self.manager)
            .read_group(
                [], ["on_time_rate:avg", "decided_count:sum", "late_count:sum", "response_hours:avg"], ["manager_id"]
            )
        )
        figures = {
            group["manager_id"][0]: (
                group["on_time_rate"],
                group["decided_count"],
                group["late_count"],
                group["response_hours"],
                group["manager_id_count"],
            )
            for group in groups
        }
        self.assertEqual(figures, {self.agent.id: (50.0, 2, 1, 12.5, 3), self.colleague.id: (100.0, 1, 0, 7.0, 1)})

    def test_unanswered_request_is_flagged_late_by_the_cron(self):
        self.call("open-1", "030 1234567", 0)
        case = self.cases(self.customer)
        Case = self.env["telephony.response.case"]
        with freeze_time("2026-03-03 08:59:00"):
            self.assertFalse(Case._cron_flag_late())
        self.assertEqual(case.state, "open")
        with freeze_time("2026-03-03 09:01:00"):
            self.assertEqual(Case._cron_flag_late(), case)
        self.assertEqual((case.state, case.late_count, case.end_datetime), ("late", 1, False))
        # a new call while the request is still unanswered opens no second case
        self.call("open-2", "030 1234567", 3 * 86400)
        self.assertEqual(len(self.cases(self.customer)), 1)
        # answered at last: late, and a new call opens a new request
        with freeze_time("2026-03-06 10:00:00"):
            self.invoice(self.customer, 100.0, self.agent, "2026-03-06")
        self.assertEqual((case.state, case.end_datetime), ("late", datetime(2026, 3, 6, 10, 0)))
        self.call("open-3", "030 1234567", 7 * 86400)
        self.assertEqual(len(self.cases(self.customer)), 2)

    def test_email_on_a_record_of_the_customer_opens_a_case_but_not_an_employees(self):
        self.mueller.user_id = self.agent
        # incoming emails are logged by the mail gateway, here by an administrator who may open cases
        draft = self.env["account.move"].browse(
            self.invoice(self.mueller, 100.0, self.agent, "2026-03-02", post=False).id
        )
        draft.message_post(
            body="Our colleague answered for us.", message_type="email", author_id=self.colleague.partner_id.id
        )
        self.assertFalse(self.cases(self.mueller), "an employee's email is no customer request")
        with freeze_time(MON_10):
            draft.message_post(
                body="Is this your best price?",
                message_type="email",
                author_id=self.mueller.id,
                email_from="buy@mueller.example",
            )
        case = self.cases(self.mueller)
        self.assertEqual(
            (case.source, case.manager_id, case.start_datetime), ("email", self.agent, datetime(2026, 3, 2, 9))
        )

    def test_a_case_that_cannot_be_opened_never_loses_the_call(self):
        # the calendar's hours per day set to 0 after the rule was made: a limit in working
        # days means nothing, the case gets no deadline and the PBX's call is recorded
        self.calendar.hours_per_day = 0
        call = self.call("zero-1", "030 1234567", 0)
        self.assertEqual((call.partner_id, bool(call.end_date)), (self.customer, True))
        case = self.cases(self.customer)
        self.assertEqual((len(case), case.deadline, case.state), (1, False, "open"))
        # any error opening the cases is logged; the PBX's events are recorded all the same
        Case = type(self.env["telephony.response.case"])
        with (
            patch.object(Case, "_open_cases", side_effect=ValueError("broken")),
            self.assertLogs("odoo.addons.telephony_bridge_account.models.telephony_response_case", "ERROR"),
        ):
            call = self.call("broken-1", "030 7654398", 3600)
        self.assertEqual((call.partner_id, bool(call.end_date)), (self.mueller, True))
        self.assertFalse(self.cases(self.mueller))

    def test_a_call_logged_by_hand_is_saved_and_opens_no_duplicate(self):
        # Carl took a call of Bäckerei Schulz: the open request is his case
        self.call("carl-1", "030 1234567", 0, extension="102")
        carls = self.cases(self.customer)
        self.assertEqual(carls.manager_id, self.colleague)
        Call = self.env["telephony.call"].with_user(self.agent)
        vals = {
            "pbx_id": self.pbx.id,
            "company_id": self.company.id,
            "direction": "inbound",
            "state": "answered",
            "first_agent_id": self.agent.id,
            "start_date": datetime(2026, 3, 2, 10, 0),
            "end_date": datetime(2026, 3, 2, 10, 5),
        }
        with freeze_time(MON_10):
            # Anna logs a call of the same customer she took: no second case
            Call.create(dict(vals, pbx_call_id="hand-1", partner_id=self.customer.id, agent_id=self.agent.id))
            self.assertEqual(self.cases(self.customer), carls, "no duplicate of a colleague's case")
            # a call of Müller GmbH she passed on to Carl: the case would be Carl's, which
            # she may not open: the call is saved, without a case
            passed = Call.create(
                dict(vals, pbx_call_id="hand-2", partner_id=self.mueller.id, agent_id=self.colleague.id)
            )
            self.assertEqual(passed.agent_id, self.colleague)
            self.assertFalse(self.cases(self.mueller))
            # one she answered herself opens her own case
            Call.create(dict(vals, pbx_call_id="hand-3", partner_id=self.mueller.id, agent_id=self.agent.id))
        self.assertEqual(self.cases(self.mueller).manager_id, self.agent)

    def test_vendor_emails_open_no_case(self):
        vendor = self.env["res.partner"].create({"name": "Papier AG", "is_company": True})
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": "2026-03-02",
                "invoice_line_ids": [Command.create({"name": "Paper", "quantity": 1, "price_unit": 50.0})],
            }
        )
        bill.action_post()
        bill.message_post(
            body="Please pay our bill.", message_type="email", author_id=vendor.id, email_from="bills@papier.example"
        )
        self.assertFalse(self.cases(vendor), "a vendor bill is answered by no customer invoice")
        vendor.message_post(
            body="Our new prices.", message_type="email", author_id=vendor.id, email_from="bills@papier.example"
        )
        self.assertFalse(self.cases(vendor), "a vendor who is no customer asks for no invoice")
        # once a customer too, the vendor's request on their card is one
        vendor.customer_rank = 1
        vendor.message_post(
            body="Can you sell us consulting?",
            message_type="email",
            author_id=vendor.id,
            email_from="bills@papier.example",
        )
        self.assertEqual(len(self.cases(vendor)), 1)

    def test_an_emails_case_belongs_to_the_company_of_its_record(self):
        other = self.setup_other_company(name="Filiale Wien")["company"]
        vienna_calendar = self.env["resource.calendar"].create(
            {"name": "Wien office", "tz": "Europe/Vienna", "company_id": other.id}
        )
        vienna = self.env["telephony.response.rule"].create(
            {"name": "Anfrage Wien", "company_id": other.id, "calendar_id": vienna_calendar.id}
        )
        self.assertFalse(self.mueller.company_id)
        draft = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.mueller.id,
                    "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": 90.0})],
                }
            )
        )
        # logged by the mail gateway working in the main company
        self.env["account.move"].browse(draft.id).message_post(
            body="Is this your best price?",
            message_type="email",
            author_id=self.mueller.id,
            email_from="buy@mueller.example",
        )
        self.assertEqual(self.cases(self.mueller).sudo().rule_id, vienna, "Vienna's request, not the main company's")

    def test_a_call_logged_after_its_deadline_is_late_at_once(self):
        # the PBX's events of Monday's call arrive on Wednesday (a queue catching up):
        # the technical user, who may not change cases, opens one already late
        self.call("backlog-1", "030 1234567", 0, now="2026-03-04 09:00:00")
        case = self.cases(self.customer)
        self.assertEqual((case.state, case.late_count, case.create_uid), ("late", 1, self.pbx.user_id))

    def test_draft_offer_answers_a_rule_ending_with_the_offer(self):
        self.rule.end_event = "created"
        self.call("offer-1", "030 1234567", 0)
        with freeze_time("2026-03-02 12:00:00"):
            offer = self.invoice(self.customer, 100.0, self.agent, "2026-03-02", post=False)
        case = self.cases(self.customer)
        self.assertEqual((case.state, case.invoice_id, case.response_hours), ("on_time", offer, 2.0))

    def test_invoices_before_the_contact_and_other_teams_count_nothing(self):
        with freeze_time("2026-03-01 09:00:00"):
            self.invoice(self.customer, 100.0, self.agent, "2026-03-01")
        self.rule.team_ids = self.env["telephony.team"].create({"name": "Sales line"})
        self.call("team-1", "030 1234567", 0)
        self.assertFalse(self.cases(self.customer), "a call to no team of the rule is no request of its type")
        self.rule.team_ids = False
        self.call("team-2", "030 1234567", 60)
        self.assertEqual(self.cases(self.customer).state, "open")

    def test_agents_see_their_own_cases_and_enter_them_by_hand(self):
        self.call("own-1", "030 1234567", 0)
        Case = self.env["telephony.response.case"]
        mine = Case.with_user(self.agent).create(
            {"rule_id": self.rule.id, "partner_id": self.mueller.id, "manager_id": self.agent.id}
        )
        self.assertEqual(mine.source, "manual")
        self.assertEqual(Case.with_user(self.agent).search([]), mine | self.cases(self.customer))
        self.assertFalse(Case.with_user(self.colleague).search([]))
        with self.assertRaises(AccessError):
            Case.with_user(self.colleague).create(
                {"rule_id": self.rule.id, "partner_id": self.mueller.id, "manager_id": self.agent.id}
            )
        with self.assertRaises(AccessError):
            mine.with_user(self.agent).write({"manager_id": self.colleague.id})
        self.assertEqual(len(Case.with_user(self.manager).search([])), 2)

    def test_bad_rules_are_refused(self):
        Rule = self.env["telephony.response.rule"]
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            Rule.create({"name": "Instant", "limit": 0, "calendar_id": self.calendar.id})
        with self.assertRaisesRegex(ValidationError, "neither a call nor an email"):
            Rule.create({"name": "Nothing", "start_on_call": False, "start_on_email": False})

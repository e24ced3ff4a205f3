from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SubscriptionBillingCommon, bill_through_jobs, trap_jobs

ISSUED = date(2026, 3, 2)  # invoices are made on this day, due 15 days later (17 March)


@tagged("post_install", "-at_install")
class TestDunning(SubscriptionBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The default policy belongs to the main company; the test company gets its copy.
        default = cls.env.ref("subscription_billing.dunning_policy_default").sudo()
        cls.policy = default.copy({"company_id": cls.env.company.id, "collection_user_id": cls.env.user.id}).sudo(False)
        cls.term_15 = cls.env.ref("account.account_payment_term_15days")
        cls.customers = {
            name: cls.env["res.partner"].create(
                {"name": name, "mobile": mobile, "email": f"{name.lower()}@example.com"}
            )
            for name, mobile in (("Late", "+32470000001"), ("OnTime", "+32470000002"), ("Never", "+32470000003"))
        }
        cls.invoices = {}
        for name, partner in cls.customers.items():
            sub = cls._subscribe_cls(partner)
            cls.invoices[name] = cls._bill_cls(sub)

    @classmethod
    def _subscribe_cls(cls, partner):
        sub = cls.env["subscription.subscription"].create(
            {
                "partner_id": partner.id,
                "date_start": ISSUED,
                "payment_term_id": cls.term_15.id,
                "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})],
            }
        )
        sub.action_activate()
        return sub

    @classmethod
    def _bill_cls(cls, sub):
        bill_through_jobs(cls.env, ISSUED)
        return cls.env["account.move"].search(sub._invoice_domain())

    def _pay(self, invoice, day):
        with freeze_time(day):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": day})._create_payments()

    def _run(self, first, last, pay=None, twice=False):
        pay = pay or {}
        day = first
        while day <= last:
            for invoice, pay_day in pay.items():
                if pay_day == day:
                    self._pay(invoice, day)
            with freeze_time(day), trap_jobs() as trap:
                self.env["subscription.dunning.policy"]._cron_run_dunning(today=day)
                if twice:
                    self.env["subscription.dunning.policy"]._cron_run_dunning(today=day)
                trap.perform_enqueued_jobs()
            day += timedelta(days=1)

    def _sms(self, invoice):
        """[(day, text)] of the SMS queued for the invoice's customer, oldest first.

        The day is the one of the cron run that queued it (its reminder log line):
        create_date comes from the database clock, which freeze_time does not move.
        """
        sms = self.env["sms.sms"].search([("partner_id", "=", invoice.partner_id.id)], order="id")
        day_of = {log.message_id: log.date for log in invoice.subscription_dunning_log_ids}
        self.assertEqual(set(sms.mail_message_id), set(day_of), "every SMS is logged on the invoice")
        return [(day_of[s.mail_message_id], s.body) for s in sms]

    def test_default_scenario_over_a_month(self):
        late, on_time, never = self.invoices["Late"], self.invoices["OnTime"], self.invoices["Never"]
        self.assertEqual(never.invoice_date_due, date(2026, 3, 17))
        self._run(ISSUED, date(2026, 4, 15), pay={late: date(2026, 3, 22), on_time: date(2026, 3, 10)})

        expected_never = [
            (date(2026, 3, 2), f"Invoice {never.name}:"),
            (date(2026, 3, 15), f"Reminder: invoice {never.name},"),
            (date(2026, 3, 17), f"Invoice {never.name},"),  # ... is due today.
            (date(2026, 3, 19), f"Invoice {never.name} is overdue since"),
            (date(2026, 3, 26), f"Invoice {never.name} is overdue since"),
            (date(2026, 4, 2), f"Invoice {never.name} is overdue since"),
            (date(2026, 4, 7), f"Invoice {never.name} ("),  # handed over to collection
        ]
        sent = self._sms(never)
        self.assertEqual([day for day, _text in sent], [day for day, _start in expected_never])
        for (_day, text), (_day2, start) in zip(sent, expected_never, strict=True):
            self.assertTrue(text.startswith(start), text)
        self.assertIn("due by 03/17/2026", sent[0][1])
        self.assertIn(never.invoice_line_ids.subscription_id.name, sent[0][1])
        self.assertIn("is due today. Pay online: ", sent[2][1])
        # each reminder opens the invoice in the portal, signed with its access token: no password needed
        link = f"{never.get_base_url()}/my/invoices/{never.id}?access_token={never.access_token}"
        self.assertTrue(never.access_token)
        self.assertTrue(all(text.endswith(link) for _day, text in sent), sent)
        self.assertIn("collections team", sent[-1][1])

        self.assertEqual(
            [(day, text.split(" ")[0]) for day, text in self._sms(late)],
            [
                (date(2026, 3, 2), "Invoice"),
                (date(2026, 3, 15), "Reminder:"),
                (date(2026, 3, 17), "Invoice"),
                (date(2026, 3, 19), "Invoice"),
                (date(2026, 3, 22), "Thank"),
            ],
        )
        self.assertEqual(self._sms(late)[-1][1], f"Thank you: we received the payment of invoice {late.name}.")
        self.assertEqual(
            [(log.date, log.step_id.name) for log in on_time.subscription_dunning_log_ids.sorted("date")],
            [(date(2026, 3, 2), "Invoice issued"), (date(2026, 3, 10), "Thank you for your payment")],
        )

        # Every message is logged on its invoice; the never-paid customer is in collection.
        self.assertEqual(len(never.subscription_dunning_log_ids), 7)
        self.assertEqual(
            set(never.subscription_dunning_log_ids.mapped("state")),
            {"queued"},
            "the SMS wait in Odoo's queue: none has reached the provider yet",
        )
        case = self.env["subscription.collection.case"].search([("partner_id", "=", never.partner_id.id)])
        self.assertEqual((case.state, case.move_ids), ("open", never))
        self.assertEqual(case.amount_residual, never.amount_residual)
        self.assertTrue(never.amount_residual > 0)
        self.assertEqual(case.activity_ids.user_id, self.env.user)
        self.assertFalse(self.env["subscription.collection.case"].search([("partner_id", "=", late.partner_id.id)]))

    def test_running_twice_a_day_sends_nothing_twice(self):
        never = self.invoices["Never"]
        self._run(ISSUED, date(2026, 3, 20), twice=True)
        self.assertEqual(
            [day for day, _text in self._sms(never)],
            [date(2026, 3, 2), date(2026, 3, 15), date(2026, 3, 17), date(2026, 3, 19)],
        )

    def test_after_downtime_only_the_latest_due_step_is_sent(self):
        never = self.invoices["Never"]
        self._run(date(2026, 3, 20), date(2026, 3, 20))  # the cron was down from the 2nd to the 19th
        self.assertEqual(
            [(log.date, log.step_id.name) for log in never.subscription_dunning_log_ids],
            [(date(2026, 3, 20), "Overdue, every week")],
        )

    def test_blacklisted_number_is_logged_as_failed_and_not_retried(self):
        never = self.invoices["Never"]
        self.env["phone.blacklist"].sudo().add(never.partner_id.mobile)
        self._run(ISSUED, date(2026, 3, 3))
        log = never.subscription_dunning_log_ids
        self.assertEqual((log.state, log.error, log.failure_type), ("failed", "Blacklisted", "sms_blacklist"))
        self.assertEqual(len(log), 1, "the failed step is not sent again the next day")

    def _issued_sms(self, invoice):
        """The invoice's 'Invoice issued' reminder and its SMS, queued by the run of the 2nd."""
        self._run(ISSUED, ISSUED)
        log = invoice.subscription_dunning_log_ids
        # sudo: the SMS tracker is technical, updated by the provider's answers as superuser
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", log.message_id.id)])
        self.assertEqual((len(log), len(sms)), (1, 1))
        return log, sms

    def test_log_shows_the_delivery_state_of_its_sms(self):
        """Each state as Odoo's SMS tracker records it: the provider's answer to the sending
        (sms.sms._postprocess_iap_sent_sms), then its delivery report (sms's /sms/status
        controller calls the same tracker methods; telephony_bridge's gateway reports too)."""
        log, sms = self._issued_sms(self.invoices["Never"])
        self.assertEqual(log.state, "queued")
        sms.sms_tracker_id._action_update_from_sms_state("pending")  # accepted by the provider
        self.assertEqual((log.state, log.error), ("sent", False))
        sms.sms_tracker_id._action_update_from_sms_state("sent")  # delivery report: delivered
        self.assertEqual((log.state, log.error), ("delivered", False))
        self.assertEqual(dict(log._fields["state"]._description_selection(log.env))[log.state], "Delivered")

    def test_failed_sms_shows_failed_with_the_providers_reason(self):
        log, sms = self._issued_sms(self.invoices["Late"])
        sms.sms_tracker_id._action_update_from_sms_state("pending")
        # the operator's delivery report: the number does not exist
        sms.sms_tracker_id._action_update_from_provider_error("invalid_destination")
        self.assertEqual((log.state, log.error), ("failed", "Invalid Destination"))
        label = dict(log._fields["state"]._description_selection(log.env))[log.state]
        self.assertEqual(label, "Failed", "not 'Sent'")
        # a provider's own words, when its error is none of Odoo's
        log2, sms2 = self._issued_sms(self.invoices["OnTime"])
        sms2.sms_tracker_id._action_update_from_provider_error("subscriber absent for 24 h")
        self.assertEqual((log2.state, log2.error), ("failed", "Unknown error: subscriber absent for 24 h"))

    def test_bounced_email_shows_failed_with_the_reason(self):
        template = self.env["mail.template"].create(
            {
                "name": "Reminder",
                "model_id": self.env.ref("account.model_account_move").id,
                "subject": "Invoice {{ object.name }}",
                "body_html": "<p>Please pay your invoice.</p>",
            }
        )
        self.policy.step_ids.filtered(lambda step: step.anchor == "invoice_date").write(
            {"channel": "email", "mail_template_id": template.id}
        )
        self._run(ISSUED, ISSUED)
        log = self.invoices["Never"].subscription_dunning_log_ids
        self.assertEqual((log.channel, log.state), ("email", "sent"), "handed to the mail server")
        # the recipient's server bounces it: what mail.thread._routing_handle_bounce writes
        self.env["mail.notification"].sudo().search(
            [("mail_message_id", "=", log.message_id.id), ("res_partner_id", "=", log.partner_id.id)]
        ).write(
            {
                "failure_reason": "550 5.1.1 <never@example.com>: mailbox unavailable",
                "failure_type": "mail_bounce",
                "notification_status": "bounce",
            }
        )
        self.assertEqual(
            (log.state, log.error), ("failed", "Bounce: 550 5.1.1 <never@example.com>: mailbox unavailable")
        )

    def test_failed_message_is_retried_as_the_policy_says(self):
        never, late = self.invoices["Never"], self.invoices["Late"]
        log, sms = self._issued_sms(never)
        late_log = late.subscription_dunning_log_ids
        late_sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", late_log.message_id.id)])
        sms.sms_tracker_id._action_update_from_sms_state("error", failure_type="sms_server")  # may work tomorrow
        late_sms.sms_tracker_id._action_update_from_provider_error("invalid_destination")  # never will
        # default policy: a failed message is counted as failed, not sent again
        self._run(date(2026, 3, 3), date(2026, 3, 3))
        self.assertEqual((log.state, log.attempt_count), ("failed", 1))
        self.assertEqual(self.env["sms.sms"].search_count([("partner_id", "=", never.partner_id.id)]), 1)
        # a policy retrying twice: the server error is sent again the next day, the wrong number is not
        self.policy.failed_retry_count = 2
        self._run(date(2026, 3, 4), date(2026, 3, 4))
        self.assertEqual((log.state, log.attempt_count, log.error), ("queued", 2, False))
        resent = self.env["sms.sms"].sudo().search([("partner_id", "=", never.partner_id.id)], order="id desc", limit=1)
        self.assertEqual(resent.mail_message_id, log.message_id)
        self.assertTrue(resent.body.startswith(f"Invoice {never.name}:"))
        self.assertEqual((late_log.state, late_log.attempt_count), ("failed", 1))
        # it fails again, is retried once more, then counted as failed for good
        resent.sms_tracker_id._action_update_from_sms_state("error", failure_type="sms_server")
        self._run(date(2026, 3, 5), date(2026, 3, 5))
        self.assertEqual(log.attempt_count, 3)
        last = self.env["sms.sms"].sudo().search([("partner_id", "=", never.partner_id.id)], order="id desc", limit=1)
        last.sms_tracker_id._action_update_from_sms_state("error", failure_type="sms_server")
        self._run(date(2026, 3, 6), date(2026, 3, 6))
        self.assertEqual((log.state, log.attempt_count, log.error), ("failed", 3, "Server Error"))

    def test_excluded_customer_gets_nothing(self):
        never = self.invoices["Never"]
        self.policy.excluded_partner_ids = never.partner_id
        self._run(ISSUED, date(2026, 3, 20))
        self.assertFalse(never.subscription_dunning_log_ids)
        self.assertFalse(self._sms(never))

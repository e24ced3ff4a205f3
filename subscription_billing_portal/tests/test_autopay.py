from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo import http
from odoo.addons.subscription_billing.tests.common import trap_jobs
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalSubscriptionCommon, payment_demo_installed


@tagged("post_install", "-at_install")
class TestAutopay(PortalSubscriptionCommon):
    """Automatic payment with Odoo's payment_demo provider: a token's ``demo_simulated_state``
    decides what the provider answers (payment_demo/models/payment_transaction.py,
    ``_send_payment_request``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not payment_demo_installed(cls.env):
            cls.skipTest(cls, "payment_demo is not installed: install it with this addon to run these tests")
        # The company's payment provider and the customers' saved cards, as an administrator sets them up.
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = demo.copy({"company_id": cls.company.id, "name": "Demo (test company)"})
        cls.provider.write(
            {
                "state": "test",
                "allow_tokenization": True,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        cls.method = cls.env.ref("payment_demo.payment_method_demo")
        cls.customer = cls.user_b.partner_id

    def _token(self, state, details="4242"):
        return (
            self.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.method.id,
                    "partner_id": self.customer.id,
                    "payment_details": details,
                    "provider_ref": f"demo-{details}-{state}",
                    "demo_simulated_state": state,
                }
            )
        )

    def _subscription_with_token(self, state):
        sub = self._subscribe([self.monthly], self.start, partner=self.customer)
        sub.payment_token_id = self._token(state)
        return sub

    def _post_token_form(self, sub, token_id):
        return self.url_open(
            f"/my/subscriptions/{sub.id}/payment_method",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": sub._portal_ensure_token(),
                "token_id": token_id,
            },
        )

    def _autopay_txs(self, invoice):
        return self.env["payment.transaction"].search([("invoice_ids", "in", invoice.ids)], order="id")

    def test_posted_invoice_is_charged_and_reconciled(self):
        sub = self._subscription_with_token("done")
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()  # the billing job
            charges = [job for job in trap.enqueued_jobs if job.method_name == "_subscription_autopay_charge"]
            self.assertEqual(len(charges), 1, "one charge job for the batch of posted invoices")
            trap.perform_enqueued_jobs()  # the charge job it queued
        invoice = self._invoices(sub)
        tx = self._autopay_txs(invoice)
        self.assertEqual(tx.reference, f"{invoice.name}-AUTO1")
        self.assertEqual((tx.state, tx.amount, tx.token_id), ("done", 31.0, sub.payment_token_id))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(tx.payment_id.amount, 31.0)
        self.assertIn("31.00 charged to", sub.message_ids[0].body)
        # run again, as a second worker would: nothing charged twice
        invoice._subscription_autopay_charge()
        invoice.subscription_autopay_next_date = self.today
        invoice._subscription_autopay_charge()
        self.assertEqual(self._autopay_txs(invoice), tx)

    def test_declined_card_is_retried_then_dunning_takes_over(self):
        sub = self._subscription_with_token("error")
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        first = invoice.subscription_autopay_first_date
        self.assertEqual(invoice.subscription_autopay_next_date, first + timedelta(days=1))
        self.assertEqual(self._autopay_txs(invoice).mapped("state"), ["error"])
        self.assertIn("attempt 1) declined", sub.message_ids[0].body)
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", mail.body_html)
        # no reminder while retries are planned
        due = self.policy.step_ids and self.policy._due_messages(self.today)
        self.assertFalse([row for row in (due or []) if row[0] == invoice.id])
        for days, attempt in ((1, 2), (3, 3), (7, 4)):
            with freeze_time(first + timedelta(days=days)), trap_jobs() as trap:
                self.env["account.move"]._cron_subscription_autopay_retry()
                trap.perform_enqueued_jobs()
            self.assertEqual(len(self._autopay_txs(invoice)), attempt)
        self.assertFalse(invoice.subscription_autopay_next_date)
        self.assertIn("last attempt", sub.message_ids[0].body)
        with freeze_time(first + timedelta(days=30)), trap_jobs() as trap:
            self.env["account.move"]._cron_subscription_autopay_retry()
            self.assertFalse(trap.enqueued_jobs, "no fifth charge")

    def test_retry_with_a_new_card_succeeds(self):
        sub = self._subscription_with_token("error")
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        sub.payment_token_id = self._token("done", details="1881")
        with freeze_time(invoice.subscription_autopay_next_date), trap_jobs() as trap:
            self.env["account.move"]._cron_subscription_autopay_retry()
            trap.perform_enqueued_jobs()
        txs = self._autopay_txs(invoice)
        self.assertEqual(txs.mapped("state"), ["error", "done"])
        self.assertEqual(txs[1].reference, f"{invoice.name}-AUTO2")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(invoice.subscription_autopay_next_date)

    def _charge_pending(self):
        """An invoice whose first automatic charge the provider left pending."""
        sub = self._subscription_with_token("pending")
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        tx = self._autopay_txs(invoice)
        self.assertEqual(tx.state, "pending")
        self.assertFalse(invoice.subscription_autopay_next_date, "nothing planned while the provider decides")
        self.assertIn("waiting for the provider", sub.message_ids[0].body)
        return sub, invoice, tx

    def _notify(self, tx, state):
        """The provider's later notification, processed as payment_demo's own tests do."""
        self.env["payment.transaction"].sudo()._handle_notification_data(
            "demo", {"reference": tx.reference, "simulated_state": state}
        )

    def test_pending_charge_declined_later_is_retried(self):
        sub, invoice, tx = self._charge_pending()
        first = invoice.subscription_autopay_first_date
        self._notify(tx, "error")
        self.assertEqual(tx.state, "error")
        self.assertEqual(invoice.subscription_autopay_next_date, first + timedelta(days=1), "the policy's first retry")
        self.assertIn("attempt 1) declined", sub.message_ids[0].body)
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])
        self.assertEqual(len(mail), 1, "the customer is told the card was declined, with the pay link")
        self.assertIn(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", mail.body_html)
        # the retry charges the card again, under the next attempt's reference
        sub.payment_token_id.demo_simulated_state = "done"
        with freeze_time(invoice.subscription_autopay_next_date), trap_jobs() as trap:
            self.env["account.move"]._cron_subscription_autopay_retry()
            trap.perform_enqueued_jobs()
        txs = self._autopay_txs(invoice)
        self.assertEqual(txs.mapped("reference"), [f"{invoice.name}-AUTO1", f"{invoice.name}-AUTO2"])
        self.assertEqual(txs.mapped("state"), ["error", "done"])
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(invoice.subscription_autopay_next_date)

    def test_pending_charge_canceled_later_is_retried_and_a_late_done_is_not(self):
        _sub, invoice, tx = self._charge_pending()
        self._notify(tx, "cancel")
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(
            invoice.subscription_autopay_next_date, invoice.subscription_autopay_first_date + timedelta(days=1)
        )
        # an accepted charge planned nothing: only declines of our pending charges are re-planned
        _sub2, invoice2, tx2 = self._charge_pending()
        self._notify(tx2, "done")
        self.assertEqual(tx2.state, "done")
        self.assertFalse(invoice2.subscription_autopay_next_date)
        # a declined payment that is not an automatic charge plans nothing either
        other = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": f"{invoice2.name}-manual",
                "amount": 5.0,
                "currency_id": invoice2.currency_id.id,
                "partner_id": self.customer.id,
                "invoice_ids": [(6, 0, invoice2.ids)],
            }
        )
        self._notify(other, "pending")
        self._notify(other, "error")
        self.assertFalse(invoice2.subscription_autopay_next_date)

    def test_customer_removes_the_card_from_the_portal(self):
        sub = self._subscription_with_token("done")
        self.authenticate("boris", "boris")
        page = self._post_token_form(sub, "")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Automatic payment is switched off", page.text)
        self.assertFalse(sub.payment_token_id)
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()
            self.assertFalse([job for job in trap.enqueued_jobs if job.method_name == "_subscription_autopay_charge"])
        self.assertFalse(self._autopay_txs(self._invoices(sub)))

    def test_customer_saves_a_card_from_the_portal(self):
        sub = self._subscribe([self.monthly], self.start, partner=self.customer)
        token = self._token("done")
        self.authenticate("boris", "boris")
        page = self._post_token_form(sub, token.id)
        self.assertIn("will be charged automatically", page.text)
        self.assertEqual(sub.payment_token_id, token)
        # another customer's card is refused
        other = self._token("done", details="9999")
        other.sudo().partner_id = self.user_a.partner_id
        self._post_token_form(sub, other.id)
        self.assertEqual(sub.payment_token_id, token)

    def test_two_workers_never_charge_twice(self):
        """The reference (invoice and attempt) is unique: a second charge of the same attempt is refused."""
        sub = self._subscription_with_token("pending")
        with trap_jobs() as trap:
            self.env["subscription.subscription"]._cron_generate_invoices(today=self.start)
            trap.perform_enqueued_jobs()
            jobs = [job for job in trap.enqueued_jobs if job.method_name == "_subscription_autopay_charge"]
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        self.assertEqual(self._autopay_txs(invoice).mapped("state"), ["pending"])
        invoice.subscription_autopay_next_date = self.today  # as if the second worker planned it again
        jobs[0].perform()
        self.assertEqual(len(self._autopay_txs(invoice)), 1, "a pending charge is never doubled")
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env["payment.transaction"].create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.method.id,
                    "reference": f"{invoice.name}-AUTO1",
                    "amount": 31.0,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": self.customer.id,
                }
            )

    def test_billing_user_charges_without_admin_rights(self):
        """A billing user's Invoice Now charges the card: the charge needs no right beyond billing."""
        user = self.env["res.users"].create(
            {
                "name": "Billing clerk",
                "login": "clerk",
                "company_id": self.company.id,
                "company_ids": [self.company.id],
                "groups_id": [
                    (4, self.env.ref("subscription_billing.group_subscription_billing_user").id),
                    (4, self.env.ref("account.group_account_invoice").id),
                ],
            }
        )
        sub = self._subscription_with_token("done")
        with trap_jobs() as trap:
            sub.with_user(user)._generate_invoices(self.start)
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        self.assertEqual(self._autopay_txs(invoice).state, "done")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SubscriptionBillingCommon, trap_jobs

D = date


@tagged("post_install", "-at_install")
class TestRights(SubscriptionBillingCommon):
    """Invoiced periods are the billing history: users read them, only billing writes them,
    and what has been invoiced cannot be deleted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {"company_id": cls.env.company.id, "company_ids": [Command.set(cls.env.company.ids)]}
        cls.billing_user = new_test_user(
            cls.env,
            "sb_billing_user",
            groups="subscription_billing.group_subscription_billing_user,account.group_account_invoice",
            **company,
        )
        cls.billing_manager = new_test_user(
            cls.env,
            "sb_billing_manager",
            groups="subscription_billing.group_subscription_billing_manager,account.group_account_invoice",
            **company,
        )
        cls.no_invoicing_user = new_test_user(
            cls.env, "sb_no_invoicing", groups="subscription_billing.group_subscription_billing_user", **company
        )

    def test_invoiced_periods_are_read_only_for_users(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        for user in (self.billing_user, self.billing_manager):
            with self.subTest(user=user.login):
                period = sub.line_ids.period_ids.with_user(user)
                self.assertEqual(period.amount, 31.0, "periods stay readable")
                with self.assertRaises(AccessError):
                    period.write({"amount": 0.0})
                with self.assertRaises(AccessError):
                    period.unlink()
                with self.assertRaises(AccessError):
                    self.env["subscription.line.period"].with_user(user).create(period.copy_data()[0])
                self.assertEqual(sub.line_ids.period_ids.amount, 31.0)

    def test_billing_started_by_a_billing_user_records_its_periods(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        with freeze_time("2025-01-01"), trap_jobs() as trap:
            sub.with_user(self.billing_user).action_invoice_now()
            trap.perform_enqueued_jobs()  # as the job runner does, as the user who clicked
        invoice = self._invoices(sub)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.create_uid, self.billing_user)
        period = sub.line_ids.period_ids
        self.assertEqual((period.date_from, period.date_to, period.amount), (D(2025, 1, 1), D(2025, 1, 31), 31.0))
        self.assertEqual(period.move_id, invoice)

    def test_periods_are_recorded_only_with_invoicing_rights(self):
        """Recording periods takes the user's rights on the invoices, not more."""
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        period = sub.line_ids.period_ids
        vals = {**period.copy_data()[0], "period_start": D(2025, 2, 1), "period_end": D(2025, 2, 28)}
        Period = self.env["subscription.line.period"].with_user(self.no_invoicing_user)
        with self.assertRaises(AccessError):
            Period._create_for_invoices([vals], period.move_id.with_user(self.no_invoicing_user))
        self.assertEqual(len(sub.line_ids.period_ids), 1)

    def test_line_with_invoiced_periods_cannot_be_deleted(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        sub.write({"line_ids": [Command.create({"tariff_id": self.double["month"].id, "date_start": D(2025, 3, 1)})]})
        invoiced, unbilled = sub.line_ids.sorted("date_start")
        with self.assertRaisesRegex(UserError, "has invoiced periods and cannot be deleted: set its end date instead"):
            invoiced.with_user(self.billing_user).unlink()
        with self.assertRaisesRegex(UserError, "has invoiced periods and cannot be deleted"):
            sub.with_user(self.billing_user).write({"line_ids": [Command.delete(invoiced.id)]})
        self.assertTrue(invoiced.exists())
        self.assertEqual(len(invoiced.period_ids), 1)
        unbilled.with_user(self.billing_user).unlink()
        self.assertFalse(unbilled.exists(), "a line never invoiced can still be deleted")

    def test_subscription_with_invoiced_lines_cannot_be_deleted(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        draft = self._subscribe([self.monthly], D(2025, 1, 1), activate=False)
        self._bill(D(2025, 1, 1))
        with self.assertRaisesRegex(UserError, f"Subscription {sub.name} has invoiced periods.*close it instead"):
            sub.with_user(self.billing_manager).unlink()
        self.assertTrue(sub.line_ids.period_ids.exists())
        draft.with_user(self.billing_manager).unlink()
        self.assertFalse(draft.exists(), "a subscription never invoiced can still be deleted")

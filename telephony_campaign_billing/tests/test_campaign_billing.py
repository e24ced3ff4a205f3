from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.addons.subscription_billing.tests.common import SubscriptionBillingCommon
from odoo.addons.telephony_bridge.tests.common import TelephonyFixtures
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

TODAY = date(2025, 3, 10)  # a Monday
NOW = datetime(2025, 3, 10, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestCampaignBilling(TelephonyFixtures, SubscriptionBillingCommon):
    """A debt collection campaign: the debtors over 30 days called, a promise to pay recorded
    as the subscription's promised payment, and what was paid after it counted."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("telephony_bridge.group_telephony_bridge_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telephony()
        company = {"company_id": cls.env.company.id, "company_ids": [Command.set(cls.env.company.ids)]}
        cls.collector = new_test_user(
            cls.env,
            "camp_collector",
            name="Olga Collector",
            groups="telephony_bridge.group_telephony_bridge_user,subscription_billing.group_subscription_billing_user,"
            "account.group_account_invoice",
            **company,
        )
        cls.collector.telephony_extension = "105"
        cls.agent.write(company)
        cls.no_tax = cls.env["account.tax"]
        cls.old_debtor = cls._customer("Oleh Old Debt", "030 6000001")
        cls.new_debtor = cls._customer("Nina New Debt", "030 6000002")
        cls.payer = cls._customer("Petro Paid Up", "030 6000003")
        cls.tariff_customer = cls._customer("Taras Tariff", "030 6000004")
        cls.old_invoice = cls._invoice(cls.old_debtor, date(2025, 1, 15), 120.0)  # 54 days overdue
        cls._invoice(cls.new_debtor, date(2025, 2, 25), 80.0)  # 13 days overdue
        paid = cls._invoice(cls.payer, date(2025, 1, 10), 50.0)
        cls._pay(paid, 50.0, date(2025, 1, 20))
        cls.sub = cls.env["subscription.subscription"].create(
            {
                "partner_id": cls.old_debtor.id,
                "date_start": date(2025, 1, 1),
                "line_ids": [Command.create({"tariff_id": cls.tariffs["advance"]["quarter"].id})],
            }
        )
        cls.sub.action_activate()
        cls.tariff_sub = cls.env["subscription.subscription"].create(
            {
                "partner_id": cls.tariff_customer.id,
                "date_start": date(2025, 1, 1),
                "line_ids": [Command.create({"tariff_id": cls.monthly.id})],
            }
        )
        cls.tariff_sub.action_activate()
        cls.campaign = cls.env["telephony.campaign"].create(
            {
                "name": "Debtors March",
                "debtor_days": 30,
                "agent_ids": [Command.set([cls.collector.id, cls.agent.id])],
                "tz": "UTC",
            }
        )

    @classmethod
    def _customer(cls, name, phone):
        return cls.env["res.partner"].create({"name": name, "phone": phone})

    @classmethod
    def _invoice(cls, partner, day, amount):
        """A posted invoice of ``amount`` issued on ``day``, due the same day."""
        with freeze_time(day):
            invoice = cls.init_invoice("out_invoice", partner, day, post=True, amounts=[amount], taxes=cls.no_tax)
        assert invoice.invoice_date_due == day and invoice.amount_total == amount
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, day):
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": day}
        )._create_payments()

    def _take(self, user):
        action = self.env["telephony.campaign.contact"].with_user(user).action_next_contact()
        return self.env["telephony.campaign.contact"].browse(action["res_id"])

    def _promise(self, user, contact, day, amount):
        return (
            self.env["telephony.campaign.outcome"]
            .with_user(user)
            .create({"contact_id": contact.id, "outcome": "promise", "promise_date": day, "promise_amount": amount})
            .action_record()
        )

    def test_debtors_and_tariff_customers_fill_the_campaign_once(self):
        with freeze_time(TODAY):
            self.campaign.action_fill_from_filter()
            self.assertEqual(self.campaign.contact_ids.partner_id, self.old_debtor, "only Oleh is 30+ days overdue")
            self.campaign.write({"debtor_days": 10, "tariff_ids": [Command.set(self.monthly.ids)]})
            action = self.campaign.action_fill_from_filter()
        self.assertEqual(action["params"]["message"], "2 contacts added to Debtors March.")
        self.assertEqual(self.campaign.contact_ids.partner_id, self.old_debtor | self.new_debtor | self.tariff_customer)

    def test_agent_sees_the_balance_and_a_promise_becomes_the_promised_payment(self):
        with freeze_time(TODAY):
            self.campaign.action_fill_from_filter()
            self.campaign.action_start()
        with freeze_time(NOW):
            contact = self._take(self.collector)
            screen = contact.with_user(self.collector)
            self.assertEqual(screen.partner_id, self.old_debtor)
            self.assertEqual((screen.subscription_balance, screen.subscription_overdue), (120.0, 120.0))
            self.assertEqual(screen.subscription_due_since, date(2025, 1, 15))
            self._promise(self.collector, contact, date(2025, 3, 14), 100.0)
        promise = contact.payment_promise_id
        self.assertEqual(promise.subscription_id, self.sub)
        self.assertEqual((promise.date, promise.date_until), (TODAY, date(2025, 3, 14)))
        self.assertEqual(
            promise.note, "100.00 USD promised by phone for 2025-03-14 (campaign Debtors March, Olga Collector)"
        )
        self.assertEqual(self.campaign.promised_amount, 100.0)

        self._pay(self.old_invoice, 30.0, date(2025, 3, 5))  # before the promise: not collected by the call
        self._pay(self.old_invoice, 70.0, date(2025, 3, 12))
        with freeze_time(NOW + timedelta(days=2)):
            self.campaign.action_update_collected()
        self.assertEqual(contact.collected_amount, 70.0)
        self.assertEqual(self.campaign.collected_amount, 70.0)
        self._pay(self.old_invoice, 20.0, date(2025, 3, 13))
        with freeze_time(NOW + timedelta(days=4)):
            self.env["telephony.campaign"]._cron_update_collected()
        self.assertEqual(contact.collected_amount, 90.0)
        results = self.env["telephony.campaign.contact"]._read_group(
            [("campaign_id", "=", self.campaign.id)], ["agent_id"], ["promise_amount:sum", "collected_amount:sum"]
        )
        self.assertEqual(results, [(self.collector, 100.0, 90.0)])

    def test_the_balance_is_on_the_screen_of_agents_who_may_read_invoices(self):
        form = self.env.ref("telephony_campaign.telephony_campaign_contact_agent_form").id

        def labels(user):
            arch = self.env["telephony.campaign.contact"].with_user(user).get_views([(form, "form")])
            return arch["views"]["form"]["arch"]

        self.assertIn('name="subscription_balance"', labels(self.collector))
        self.assertIn('name="script"', labels(self.agent))
        self.assertNotIn('name="subscription_balance"', labels(self.agent), "Anna may not read invoices")

    def test_a_promise_needs_a_subscription_and_the_billing_right(self):
        self.campaign.write({"debtor_days": 10})
        with freeze_time(TODAY):
            self.campaign.action_fill_from_filter()
            self.campaign.action_start()
        with freeze_time(NOW):
            contact = self._take(self.agent)  # Anna: telephony only
            with self.assertRaisesRegex(UserError, "needs the Subscription Billing user right"):
                self._promise(self.agent, contact, date(2025, 3, 14), 50.0)
            self.assertEqual((contact.state, contact.attempt_ids.ids), ("in_progress", []), "nothing half-written")
            nina = self._take(self.collector)
            self.assertEqual(nina.partner_id, self.new_debtor)
            with self.assertRaisesRegex(UserError, "Nina New Debt has no running subscription"):
                self._promise(self.collector, nina, date(2025, 3, 14), 50.0)
        self.assertFalse(self.env["subscription.payment.promise"].search([("subscription_id", "=", self.sub.id)]))

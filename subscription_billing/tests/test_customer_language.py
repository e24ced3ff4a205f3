from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SubscriptionBillingCommon, trap_jobs


@tagged("post_install", "-at_install")
class TestCustomerLanguage(SubscriptionBillingCommon):
    """What a Ukrainian-speaking subscriber receives is in Ukrainian, dates and amounts as Ukrainians write them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("uk_UA")
        cls.env["ir.module.module"]._load_module_terms(["subscription_billing"], ["uk_UA"], overwrite=True)
        default = cls.env.ref("subscription_billing.dunning_policy_default").sudo()
        default.copy({"company_id": cls.env.company.id, "collection_user_id": cls.env.user.id})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Олена Ковальчук", "mobile": "+380671234567", "lang": "uk_UA"}
        )

    def test_invoice_periods_and_first_sms_in_ukrainian(self):
        sub = self._subscribe(
            [self.monthly],
            date(2026, 3, 2),
            partner=self.customer,
            payment_term_id=self.env.ref("account.account_payment_term_15days").id,
        )
        self._bill(date(2026, 3, 2))
        invoice = self._invoices(sub)
        # 30 of March's 31 days at 31.00 a month = 30.00, + 15% tax = 34.50, due 15 days after 2 March.
        self.assertEqual((invoice.amount_total, invoice.invoice_date_due), (34.5, date(2026, 3, 17)))
        self.assertEqual(invoice.invoice_line_ids.name, "month advance: 02.03.2026 - 31.03.2026")

        with freeze_time(date(2026, 3, 2)), trap_jobs() as trap:
            self.env["subscription.dunning.policy"]._cron_run_dunning(today=date(2026, 3, 2))
            trap.perform_enqueued_jobs()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(
            sms.body,
            f"Рахунок {invoice.name}: $\xa034,50 до сплати до 17.03.2026. "
            f"Під час оплати зазначте номер договору {sub.name}. Сплатити онлайн: "
            f"{invoice.get_base_url()}/my/invoices/{invoice.id}?access_token={invoice.access_token}",
        )

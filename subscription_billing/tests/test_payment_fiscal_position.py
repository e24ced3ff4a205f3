from datetime import date

from odoo.tests import tagged

from .common import SubscriptionBillingCommon

DAY = date(2026, 3, 2)
BULK = {"subscription_payment_bulk": True, "tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


@tagged("post_install", "-at_install")
class TestPaymentFiscalPosition(SubscriptionBillingCommon):
    """Each payment's entry is computed by Odoo for its own customer, never taken from another one."""

    def test_two_customers_paid_the_same_day_keep_their_own_fiscal_position(self):
        # A fiscal position Odoo applies by itself to customers in Poland.
        poland = self.env.ref("base.pl")
        auto = self.env["account.fiscal.position"].create(
            {"name": "Intra-EU customers", "auto_apply": True, "country_id": poland.id}
        )
        abroad = self.env["res.partner"].create({"name": "Klient Sp. z o.o.", "country_id": poland.id})
        home = self.env["res.partner"].create({"name": "Home Customer"})
        subs = self._subscribe([self.monthly], DAY, partner=abroad) | self._subscribe([self.monthly], DAY, partner=home)
        # Odoo's own choice for each customer, as a hand-made entry would get it.
        FiscalPosition = self.env["account.fiscal.position"]
        self.assertEqual(FiscalPosition._get_fiscal_position(abroad), auto)
        self.assertFalse(FiscalPosition._get_fiscal_position(home))

        bank = self.company_data["default_journal_bank"]
        intakes = (
            self.env["subscription.payment.intake"]
            .with_context(**BULK)
            .create(
                [
                    {
                        "source": "import",
                        "contract_number": sub.name,
                        "transaction_id": f"T-{n}",
                        "amount": 31.0,
                        "date": date(2026, 3, 5),
                        "journal_id": bank.id,
                    }
                    for n, sub in enumerate(subs)
                ]
            )
        )
        intakes._process()

        self.assertEqual(intakes.mapped("state"), ["done", "done"])
        entries = intakes.payment_id.move_id
        self.assertEqual(entries.partner_id, abroad | home)
        self.assertEqual(intakes[0].payment_id.move_id.fiscal_position_id, auto)
        self.assertFalse(
            intakes[1].payment_id.move_id.fiscal_position_id,
            "the home customer's payment carries no fiscal position",
        )

from datetime import date

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.telephony_bridge.tests.common import TelephonyFixtures
from odoo.tests import new_test_user


class AccountTelephonyCommon(TelephonyFixtures, AccountTestInvoicingCommon):
    """The telephony fixtures (a PBX, agents Anna at 101 and Carl at 102, the administrator
    Mona, the customer Bäckerei Schulz) in an accounting company, with a billing clerk, an
    accounting manager, an untaxed service and Berlin office hours (Mon-Fri 8-12, 13-17)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accounting test user sets up the telephony too
        cls.env.user.groups_id += cls.env.ref("telephony_bridge.group_telephony_bridge_manager")
        cls._setup_telephony()
        cls.company = cls.company_data["company"]
        cls.clerk = cls._account_user("clerk", "Bella Billing", "account.group_account_invoice")
        cls.accountant = cls._account_user("chief_accountant", "Otto Accountant", "account.group_account_manager")
        cls.service = cls.env["product.product"].create(
            {"name": "Consulting", "type": "service", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Berlin office", "tz": "Europe/Berlin", "company_id": cls.company.id}
        )

    @classmethod
    def _account_user(cls, login, name, group):
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=f"base.group_user,{group}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def invoice(self, partner, amount, salesperson, invoice_date, post=True):
        """A customer invoice of ``amount`` untaxed, made (and posted) by the billing clerk."""
        move = (
            self.env["account.move"]
            .with_user(self.clerk)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_user_id": salesperson.id,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.service.id, "quantity": 1, "price_unit": amount})
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def pay(self, invoice, payment_date):
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.clerk)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": payment_date})
        )
        wizard._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        return invoice


MARCH = [("date", ">=", date(2026, 3, 1)), ("date", "<=", date(2026, 3, 31))]

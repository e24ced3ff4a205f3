from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.telephony_bridge_account.tests.common import MARCH, AccountTelephonyCommon
from odoo.tests import tagged

CERT_KINDS = ("cert_paid_manager", "cert_issued_manager", "cert_paid_admin", "cert_issued_admin")


@tagged("post_install", "-at_install")
class TestPayBasisCertificates(AccountTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("cert_issuance.group_cert_issuance_manager")
        cls.set_product = cls.env["product.product"].create(
            {"name": "Qualified E-Signature Set", "type": "service", "list_price": 95.0, "taxes_id": [Command.clear()]}
        )

    def cert_set(self, manager, admin, price):
        return self.env["cert.certificate.set"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.set_product.id,
                "price_unit": price,
                "manager_id": manager.id,
                "registration_admin_id": admin.id,
                "certificate_ids": [Command.create({"owner_name": "Petra Schulz", "purpose": "signing"})],
            }
        )

    def invoiced_and_paid(self, cert_set, day):
        with freeze_time(day):
            cert_set.action_create_invoice()
            self.pay(cert_set.invoice_id, day)
        self.assertEqual((cert_set.state, cert_set.payment_date), ("paid", date.fromisoformat(day)))
        return cert_set

    def issued(self, cert_set, day):
        with freeze_time(day):
            cert_set.action_mark_ordered()
            cert_set.action_mark_generated()
        self.assertEqual(cert_set.generated_date, date.fromisoformat(day))

    def test_sets_paid_and_issued_per_manager_and_registration_administrator(self):
        # Anna's sets with Carl as registration administrator: 120 paid on 5 March and issued
        # on 6 March, 80 paid on 10 March and not issued yet; Carl's set with Mona as
        # administrator: 95 paid on 27 February, issued on 2 March; Anna's 60 not paid.
        self.issued(
            self.invoiced_and_paid(self.cert_set(self.agent, self.colleague, 120.0), "2026-03-05"), "2026-03-06"
        )
        self.invoiced_and_paid(self.cert_set(self.agent, self.colleague, 80.0), "2026-03-10")
        self.issued(
            self.invoiced_and_paid(self.cert_set(self.colleague, self.manager, 95.0), "2026-02-27"), "2026-03-02"
        )
        unpaid = self.cert_set(self.agent, self.colleague, 60.0)
        with freeze_time("2026-03-11"):
            unpaid.action_create_invoice()

        groups = (
            self.env["telephony.pay.basis"]
            .with_user(self.accountant)
            .read_group(
                [*MARCH, ("kind", "in", CERT_KINDS)],
                ["quantity:sum", "item_price:sum", "amount:sum"],
                ["user_id", "kind"],
                lazy=False,
            )
        )
        figures = {
            (group["user_id"][1], group["kind"]): (group["quantity"], group["item_price"], group["amount"])
            for group in groups
        }
        self.assertEqual(
            figures,
            {
                # the sets' prices as their own measure, no money paid: that is the sales'
                ("Anna Agent", "cert_paid_manager"): (2, 200.0, 0.0),  # 120 + 80
                ("Anna Agent", "cert_issued_manager"): (1, 120.0, 0.0),
                ("Carl Colleague", "cert_paid_admin"): (2, 200.0, 0.0),
                ("Carl Colleague", "cert_issued_admin"): (1, 120.0, 0.0),
                ("Carl Colleague", "cert_issued_manager"): (1, 95.0, 0.0),  # paid in February
                ("Mona Manager", "cert_issued_admin"): (1, 95.0, 0.0),
            },
        )
        # the sales of the same month still count the paid invoices (to whoever made them)
        sales = self.env["telephony.pay.basis"].with_user(self.accountant).search([*MARCH, ("kind", "=", "sale")])
        self.assertEqual(sum(sales.mapped("amount")), 200.0)
        # the money paid in March, all bases together: the two invoices of 120 and 80, once
        march = self.env["telephony.pay.basis"].with_user(self.accountant).search(MARCH)
        self.assertEqual(sum(march.mapped("amount")), 200.0)

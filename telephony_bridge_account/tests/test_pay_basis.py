import io

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MARCH, AccountTelephonyCommon


@tagged("post_install", "-at_install")
class TestPayBasis(AccountTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Service = cls.env["telephony.support.service"]
        cls.hotline = Service.create(
            {"name": "Hotline", "rounding_mode": "up", "rounding_step": 15, "free_seconds": 30}
        )
        cls.consulting = Service.create({"name": "Consulting", "rounding_mode": "none", "free_seconds": 0})
        cls.mueller = cls.env["res.partner"].create(
            {"name": "Müller GmbH", "is_company": True, "phone": "030 7654398", "country_id": cls.env.ref("base.de").id}
        )
        Package = cls.env["telephony.support.package"]
        package_vals = {"date_start": "2026-01-01", "hours_bought": 10.0, "user_id": cls.manager.id}
        cls.hotline_package = Package.create(
            dict(package_vals, partner_id=cls.customer.id, service_id=cls.hotline.id, name="Hotline 2026")
        )
        cls.consulting_package = Package.create(
            dict(package_vals, partner_id=cls.mueller.id, service_id=cls.consulting.id, name="Consulting 2026")
        )

    def answered_call(self, call_id, caller, extension, day, talk_seconds):
        """A call of ``talk_seconds`` on March ``day`` (the PBX's second 0 is 2 March 2026)."""
        start = (day - 2) * 86400
        self.event("ringing", start, call_id, direction="inbound", extension=extension, **{"from": caller})
        self.event("answered", start + 5, call_id, extension=extension)
        return self.event("hangup", start + 5 + talk_seconds, call_id)

    def month_figures(self, user):
        """{(employee, basis, service): (quantity, talk minutes, hours bought, amount)} of March,
        read as ``user``."""
        groups = (
            self.env["telephony.pay.basis"]
            .with_user(user)
            .read_group(
                MARCH,
                ["quantity:sum", "talk_minutes:sum", "hours_bought:sum", "amount:sum"],
                ["user_id", "kind", "service_id"],
                lazy=False,
            )
        )
        return {
            (group["user_id"][1], group["kind"], group["service_id"] and group["service_id"][1]): (
                group["quantity"],
                round(group["talk_minutes"], 2),
                group["hours_bought"],
                group["amount"],
            )
            for group in groups
        }

    def make_month(self):
        # Support calls: Anna 7 min 10 s on the hotline and 20 min of consulting, Carl 10 min
        # on the hotline, all in March; Anna's 5 min on the hotline of 26 February is February's.
        self.answered_call("c1", "030 1234567", "101", 3, 430)
        self.answered_call("c2", "030 7654398", "101", 4, 1200)
        self.answered_call("c3", "030 1234567", "102", 5, 600)
        self.answered_call("c0", "030 1234567", "101", -2, 300)
        # Mona sold the hotline package with an invoice of 300 paid on 10 March
        package_invoice = self.invoice(self.customer, 300.0, self.manager, "2026-03-09")
        self.hotline_package.invoice_id = package_invoice
        self.pay(package_invoice, "2026-03-10")
        # Anna's invoices: 1000 and 500 paid in March, 250 of February paid on 3 March;
        # Carl's: 700 not paid, 400 of February paid on 25 February.
        self.pay(self.invoice(self.customer, 1000.0, self.agent, "2026-03-02"), "2026-03-05")
        self.pay(self.invoice(self.mueller, 500.0, self.agent, "2026-03-12"), "2026-03-20")
        self.pay(self.invoice(self.mueller, 250.0, self.agent, "2026-02-20"), "2026-03-03")
        self.invoice(self.customer, 700.0, self.colleague, "2026-03-15")
        self.pay(self.invoice(self.customer, 400.0, self.colleague, "2026-02-20"), "2026-02-25")

    def test_pay_bases_of_a_month_equal_the_figures_by_hand(self):
        self.make_month()
        self.assertEqual(
            self.month_figures(self.accountant),
            {
                # talk time: 430 s = 7.17 min, 1200 s = 20 min, 600 s = 10 min
                ("Anna Agent", "support_call", "Hotline"): (1, 7.17, 0.0, 0.0),
                ("Anna Agent", "support_call", "Consulting"): (1, 20.0, 0.0, 0.0),
                ("Carl Colleague", "support_call", "Hotline"): (1, 10.0, 0.0, 0.0),
                # the package counts its 10 hours bought; its invoice's 300 is a sale, once
                ("Mona Manager", "support_package", "Hotline"): (1, 0.0, 10.0, 0.0),
                ("Mona Manager", "sale", False): (1, 0.0, 0.0, 300.0),
                # 1000 + 500 + 250 paid in March; Carl's 700 unpaid, his 400 paid in February
                ("Anna Agent", "sale", False): (3, 0.0, 0.0, 1750.0),
            },
        )
        # the charged minutes by service: Anna's hotline call counts a quarter hour
        charged = self.env["telephony.pay.basis"].search(
            [
                *MARCH,
                ("kind", "=", "support_call"),
                ("user_id", "=", self.agent.id),
                ("service_id", "=", self.hotline.id),
            ]
        )
        self.assertEqual(charged.charged_minutes, 15.0)

    def test_excel_export_of_the_month(self):
        self.make_month()
        bases = self.env["telephony.pay.basis"].with_user(self.accountant).search(MARCH)
        action = bases.action_export_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        content, _kind = (
            self.env["ir.actions.report"].with_user(self.accountant)._render_xlsx(action["report_name"], bases.ids, {})
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[0][:4], ["Employee", "Period", "Basis", "Service"])
        anna_sales = next(row for row in rows if row[0] == "Anna Agent" and row[2] == "Sales (invoices paid)")
        self.assertEqual(
            rows[0][4:10],
            [
                "Quantity",
                "Talk Time (min)",
                "Minutes Charged",
                "Hours Bought",
                "Amount Paid (untaxed)",
                "Price of the Item (untaxed)",
            ],
        )
        self.assertEqual((anna_sales[1], anna_sales[4], anna_sales[8]), ("2026-03", 3, 1750.0))
        # totals basis by basis, none across bases: 1000 + 500 + 250 + 300 paid in March
        totals = {row[2]: [round(value, 2) for value in row[4:10]] for row in rows if row[0] == "Total"}
        self.assertEqual(
            totals,
            {
                "Sales (invoices paid)": [4, 0, 0, 0, 2050.0, 0],
                "Support calls": [3, 37.17, 15.0 + 20.0 + 15.0, 0, 0, 0],
                "Support packages paid": [1, 0, 0, 10.0, 0, 0],
            },
        )

    def test_two_packages_on_one_invoice_count_the_invoice_once(self):
        # Mona sells both packages (10 hours each) with one invoice of 800 to the customer
        invoice = self.invoice(self.customer, 800.0, self.manager, "2026-03-09")
        (self.hotline_package | self.consulting_package).invoice_id = invoice
        self.pay(invoice, "2026-03-10")
        figures = self.month_figures(self.accountant)
        self.assertEqual(figures[("Mona Manager", "support_package", "Hotline")], (1, 0.0, 10.0, 0.0))
        self.assertEqual(figures[("Mona Manager", "support_package", "Consulting")], (1, 0.0, 10.0, 0.0))
        self.assertEqual(figures[("Mona Manager", "sale", False)], (1, 0.0, 0.0, 800.0))
        march = self.env["telephony.pay.basis"].with_user(self.accountant).search(MARCH)
        self.assertEqual(sum(march.mapped("amount")), 800.0)

    def test_only_who_may_read_the_invoices_sees_pay_bases(self):
        self.make_month()
        Basis = self.env["telephony.pay.basis"]
        # the telephony administrator Mona has no accounting rights: she may not read every
        # salesperson's paid invoices, so neither their pay bases
        self.assertFalse(self.manager.has_group("account.group_account_readonly"))
        for user in (self.agent, self.clerk, self.manager):
            with self.assertRaises(AccessError):
                Basis.with_user(user).search([])
        # an auditor (accounting read-only) and the accounting manager read all of them
        auditor = self._account_user("auditor", "Aude Auditor", "account.group_account_readonly")
        self.assertEqual(self.month_figures(auditor), self.month_figures(self.accountant))
        self.assertTrue(Basis.with_user(auditor).search(MARCH))

    def test_other_companies_rows_stay_with_their_company(self):
        other = self.setup_other_company(name="Filiale Wien")["company"]
        Move = self.env["account.move"].with_company(other)
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.mueller.id,
                "invoice_date": "2026-03-02",
                "invoice_user_id": self.agent.id,
                "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": 900.0})],
            }
        )
        invoice.action_post()
        Move.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": "2026-03-04"}
        )._create_payments()
        domain = [("kind", "=", "sale"), ("res_id", "=", invoice.id)]
        self.assertEqual(self.env["telephony.pay.basis"].sudo().search(domain).amount, 900.0)
        self.assertFalse(self.env["telephony.pay.basis"].with_user(self.accountant).search(domain))

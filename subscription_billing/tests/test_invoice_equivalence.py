from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SubscriptionBillingCommon

# Stored fields that legitimately differ between two invoices of the same content: identity,
# numbering, audit, the labels of our lines and the links back to the subscription.
MOVE_FIELDS_SKIPPED = {
    "id",
    "name",
    "sequence_prefix",
    "sequence_number",
    "bank_reference_key",  # the number normalised for bank matching (subscription_billing_bank_statement)
    "bank_group_key",  # its second form, zeros after separators dropped (same addon)
    "payment_reference",
    "invoice_origin",
    "invoice_user_id",
    "subscription_run_id",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
    "access_token",
    "message_main_attachment_id",
}
LINE_FIELDS_SKIPPED = {
    "id",
    "move_id",
    "move_name",
    "name",
    "sequence",
    "subscription_id",
    "subscription_line_id",
    "subscription_date_from",
    "subscription_date_to",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
}


def _stored_values(record, skipped):
    values = {}
    for name, field in record._fields.items():
        if not field.store or field.type == "one2many" or name in skipped:
            continue  # one2many: the journal items are compared one by one
        value = record[name]
        if field.type in ("many2one", "many2many"):
            value = tuple(sorted(value.ids))
        values[name] = value
    return values


@tagged("post_install", "-at_install")
class TestInvoiceEquivalence(SubscriptionBillingCommon):
    @staticmethod
    def _entries(move):
        return sorted(
            (
                line.display_type,
                line.account_id.code,
                tuple(sorted(line.tax_ids.ids)),
                line.tax_line_id.id,
                tuple(sorted(line.tax_tag_ids.ids)),
                line.currency_id.id,
                line.debit,
                line.credit,
                line.amount_currency,
                line.date_maturity,
            )
            for line in move.line_ids
        )

    def test_generated_invoice_equals_invoice_made_by_hand(self):
        """Same accounts, taxes, tax lines, tags and amounts as the Invoicing app's own form."""
        for partner in (self.partner_a, self.partner_b):  # partner_b has a fiscal position and 30/70 terms
            with self.subTest(partner=partner.name):
                sub = self._subscribe(
                    [{"tariff_id": self.monthly.id, "quantity": 3, "discount": 10.0}], date(2025, 1, 1), partner=partner
                )
                self._bill(date(2025, 1, 1))
                generated = self._invoices(sub)

                form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
                form.partner_id = partner
                form.invoice_date = date(2025, 1, 1)
                with form.invoice_line_ids.new() as line:
                    line.product_id = self.service
                    line.quantity = 3
                    line.price_unit = 31.0
                    line.discount = 10.0
                manual = form.save()
                manual.action_post()

                self.assertEqual(self._entries(generated), self._entries(manual))
                self.assertEqual(generated.fiscal_position_id, manual.fiscal_position_id)
                self.assertEqual(generated.invoice_payment_term_id, manual.invoice_payment_term_id)
                for field in ("amount_untaxed", "amount_tax", "amount_total", "amount_residual"):
                    self.assertAlmostEqual(generated[field], manual[field])
                self.assertAlmostEqual(generated.amount_untaxed, 83.7)

    def _hand_made(self, partner, lines, day, currency=None, cash_rounding=None):
        """The invoice a user makes in the Invoicing app's form, posted."""
        form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
        form.partner_id = partner
        form.invoice_date = day
        if currency:
            form.currency_id = currency
        if cash_rounding:
            form.invoice_cash_rounding_id = cash_rounding
        for product, quantity, price, discount in lines:
            with form.invoice_line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
                line.price_unit = price
                line.discount = discount
        manual = form.save()
        manual.action_post()
        return manual

    def assertSameAccounting(self, generated, manual):
        self.assertEqual(_stored_values(generated, MOVE_FIELDS_SKIPPED), _stored_values(manual, MOVE_FIELDS_SKIPPED))

        def lines(move):
            return sorted(
                (_stored_values(line, LINE_FIELDS_SKIPPED) for line in move.line_ids),
                key=lambda values: repr(sorted(values.items())),
            )

        self.assertEqual(lines(generated), lines(manual))

        # The same again as stored: the ORM reads a NULL float as 0.0, the table does not.
        def stored_lines(move):
            self.env.flush_all()
            self.env.cr.execute("SELECT * FROM account_move_line WHERE move_id = %s", [move.id])
            names = [column.name for column in self.env.cr.description]
            rows = [
                {name: value for name, value in zip(names, row, strict=True) if name not in LINE_FIELDS_SKIPPED}
                for row in self.env.cr.fetchall()
            ]
            return sorted(rows, key=lambda values: repr(sorted(values.items())))

        self.assertEqual(stored_lines(generated), stored_lines(manual))

    def test_invoices_billed_together_equal_invoices_made_by_hand(self):
        """A run bills many invoices at once; each equals its hand-made twin.

        Several customers with several fiscal positions: partner_b has one of its own (it
        maps the tax) and 30/70 payment terms with two due lines; the Polish customer gets
        one Odoo applies by itself; the others have none.
        """
        day = date(2025, 1, 1)
        poland = self.env.ref("base.pl")
        self.env["account.fiscal.position"].create(
            {"name": "EU customers", "auto_apply": True, "country_id": poland.id}
        )
        polish = self.env["res.partner"].create({"name": "Klient Sp. z o.o.", "country_id": poland.id})
        partner_a2 = self.partner_a.copy({"name": "Partner A2"})
        discounted = {"tariff_id": self.monthly.id, "quantity": 3, "discount": 10.0}
        cases = [
            (self.partner_a, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (polish, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (self.partner_b, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (partner_a2, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (
                polish,
                [{"tariff_id": self.monthly.id}, {"tariff_id": self.connection_fee.id}],
                [(self.service, 1, 31.0, 0.0), (self.fee_product, 1, 50.0, 0.0)],
            ),
            (
                self.partner_b,
                [{"tariff_id": self.monthly.id}, {"tariff_id": self.connection_fee.id}],
                [(self.service, 1, 31.0, 0.0), (self.fee_product, 1, 50.0, 0.0)],
            ),
        ]
        subs = [self._subscribe(tariffs, day, partner=partner) for partner, tariffs, _lines in cases]
        run = self._bill(day)
        self.assertEqual(run.invoice_count, len(cases))
        for sub, (partner, _tariffs, lines) in zip(subs, cases, strict=True):
            with self.subTest(subscription=sub.name, partner=partner.name):
                generated = self._invoices(sub)
                self.assertEqual(len(generated), 1)
                self.assertEqual(generated.state, "posted")
                self.assertSameAccounting(generated, self._hand_made(partner, lines, day))
        self.assertEqual(self._invoices(subs[1]).fiscal_position_id.name, "EU customers")
        self.assertEqual(self._invoices(subs[2]).fiscal_position_id, self.fiscal_pos_a)
        due_lines = self._invoices(subs[2]).line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(len(due_lines), 2)

    def _cheap_tariff(self, tax):
        """1.05 a month on a product taxed with ``tax``: three lines round differently per line and globally."""
        product = self._create_product(name=f"Option {tax.name}", type="service", lst_price=0.0, taxes_id=tax.ids)
        tariff = self.env["subscription.tariff"].create(
            {"name": f"Option {tax.name}", "product_id": product.id, "price": 1.05, "period_kind": "month"}
        )
        tariff.price_history_ids.date_start = date(2020, 1, 1)
        return tariff, product

    def test_tax_included_and_excluded_prices_round_per_line_and_globally_as_odoo_does(self):
        day = date(2025, 1, 1)
        excluded = self.env["account.tax"].create({"name": "VAT 10%", "amount": 10.0, "type_tax_use": "sale"})
        included = self.env["account.tax"].create(
            {"name": "VAT 10% incl.", "amount": 10.0, "type_tax_use": "sale", "price_include_override": "tax_included"}
        )
        # By hand: 3 x 1.05 at 10%: per line 3 x 0.11 = 0.33, globally 0.315 -> 0.32.
        # Included: 1.05 = 0.95 + 0.10 per line (tax 0.30); globally 3.15 / 1.1 = 2.86, tax 0.29.
        expected_tax = {
            ("round_per_line", "VAT 10%"): 0.33,
            ("round_globally", "VAT 10%"): 0.32,
            ("round_per_line", "VAT 10% incl."): 0.30,
            ("round_globally", "VAT 10% incl."): 0.29,
        }
        for method in ("round_per_line", "round_globally"):
            self.env.company.tax_calculation_rounding_method = method
            for tax in (excluded, included):
                with self.subTest(rounding=method, tax=tax.name):
                    tariff, product = self._cheap_tariff(tax)
                    partner = self.env["res.partner"].create({"name": f"Customer {method} {tax.name}"})
                    sub = self._subscribe([tariff, tariff, tariff], day, partner=partner)
                    self._bill(day)
                    generated = self._invoices(sub)
                    manual = self._hand_made(partner, [(product, 1, 1.05, 0.0)] * 3, day)
                    self.assertSameAccounting(generated, manual)
                    self.assertAlmostEqual(generated.amount_tax, expected_tax[method, tax.name])

    def test_cash_rounding_and_a_foreign_currency_customer_as_odoo_does(self):
        day = date(2025, 1, 1)
        self.env.user.groups_id += self.env.ref("account.group_cash_rounding")
        rounding = self.env["account.cash.rounding"].create(
            {
                "name": "To 0.05",
                "rounding": 0.05,
                "strategy": "add_invoice_line",
                "profit_account_id": self.company_data["default_account_revenue"].id,
                "loss_account_id": self.company_data["default_account_expense"].id,
                "rounding_method": "HALF-UP",
            }
        )
        self.env.company.subscription_cash_rounding_id = rounding
        euro = self.setup_other_currency("EUR")  # 2.0 EUR for 1.0 of the company's currency since 2017
        partner = self.env["res.partner"].create({"name": "Euro Customer"})
        # The tariff's 31.00 is 62.00 EUR: 3 x 62.00 - 10% = 167.40, tax 15% 25.11: 192.51,
        # rounded to 192.50 by a rounding line of -0.01.
        sub = self._subscribe(
            [{"tariff_id": self.monthly.id, "quantity": 3, "discount": 10.0}], day, partner=partner, currency_id=euro.id
        )
        self._bill(day)
        generated = self._invoices(sub)
        manual = self._hand_made(partner, [(self.service, 3, 62.0, 10.0)], day, currency=euro, cash_rounding=rounding)
        self.assertSameAccounting(generated, manual)
        self.assertEqual(generated.currency_id, euro)
        self.assertAlmostEqual(generated.amount_tax, 25.11)
        self.assertAlmostEqual(generated.amount_total, 192.50)
        self.assertAlmostEqual(generated.amount_total_signed, 96.25, msg="in the company's currency at 2.0")

    def test_a_lock_date_moves_the_accounting_date_as_odoo_does(self):
        # The journal already has an invoice, as it has in real life: where Odoo books an
        # invoice of a locked period depends on how the journal numbers (here: per year).
        self._hand_made(self.partner_a, [(self.service, 1, 31.0, 0.0)], date(2024, 12, 1))
        day = date(2025, 1, 15)
        self.env.company.sale_lock_date = date(2025, 1, 31)
        sub = self._subscribe([self.monthly], date(2025, 1, 1))
        self._bill(day)
        generated = self._invoices(sub)
        manual = self._hand_made(self.partner_a, [(self.service, 1, 31.0, 0.0)], day)
        self.assertSameAccounting(generated, manual)
        self.assertEqual(generated.invoice_date, day)
        self.assertEqual(generated.date, date(2025, 12, 31), "booked in the first open period of its numbering")

    def test_a_failure_after_numbering_leaves_no_gap_and_no_half_posted_batch(self):
        day = date(2025, 1, 1)
        broken = self.env["res.partner"].create({"name": "Broken Customer"})
        partners = [self.partner_a, broken, self.partner_a.copy({"name": "Third"})]
        subs = [self._subscribe([self.monthly], day, partner=partner) for partner in partners]
        Move = type(self.env["account.move"])
        post = Move._post

        def post_then_fail(moves, soft=True):
            posted = post(moves, soft=soft)
            if broken in moves.partner_id:  # numbered, then something breaks (another module's hook...)
                raise UserError(moves.env._("The customer's e-invoicing address is refused"))
            return posted

        with patch.object(Move, "_post", post_then_fail):
            run = self._bill(day)
        self.assertFalse(self._invoices(subs[1]), "nothing of the broken invoice is left, not even a draft")
        self.assertEqual(subs[1].billing_error, "The customer's e-invoicing address is refused")
        billed = self._invoices(subs[0]) | self._invoices(subs[2])
        self.assertEqual(billed.mapped("state"), ["posted", "posted"])
        self.assertEqual(run.invoice_count, 2)
        numbers = sorted(billed.mapped("sequence_number"))
        self.assertEqual(numbers, [1, 2], "the journal's numbering goes on without a gap")
        # And the next invoice of the journal takes the next number.
        later = self._hand_made(self.partner_a, [(self.service, 1, 31.0, 0.0)], day)
        self.assertEqual(later.sequence_number, 3)

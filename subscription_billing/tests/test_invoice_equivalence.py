from datetime import date
from unittest.mock import patch

from odoo.tests import Form, tagged

from .common import SubscriptionBillingCommon

# Stored fields that legitimately differ between two invoices of the same content: identity,
# numbering, audit, the labels of our lines and the links back to the subscription.
MOVE_FIELDS_SKIPPED = {
    "id",
    "name",
    "sequence_prefix",
    "sequence_number",
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

    def _hand_made(self, partner, lines, day):
        form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
        form.partner_id = partner
        form.invoice_date = day
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
        """A run bills many invoices of the same content at once; each equals its hand-made twin.

        Several customers share a content (the run computes it once and reuses it); partner_b
        has a fiscal position mapping the tax and 30/70 payment terms with two due lines.
        """
        day = date(2025, 1, 1)
        partner_a2 = self.partner_a.copy({"name": "Partner A2"})
        partner_b2 = self.partner_b.copy({"name": "Partner B2"})
        discounted = {"tariff_id": self.monthly.id, "quantity": 3, "discount": 10.0}
        cases = [
            (self.partner_a, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (self.partner_a, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (partner_a2, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (self.partner_b, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (partner_b2, [discounted], [(self.service, 3, 31.0, 10.0)]),
            (
                partner_a2,
                [{"tariff_id": self.monthly.id}, {"tariff_id": self.connection_fee.id}],
                [(self.service, 1, 31.0, 0.0), (self.fee_product, 1, 50.0, 0.0)],
            ),
            (
                partner_b2,
                [{"tariff_id": self.monthly.id}, {"tariff_id": self.connection_fee.id}],
                [(self.service, 1, 31.0, 0.0), (self.fee_product, 1, 50.0, 0.0)],
            ),
        ]
        subs = [self._subscribe(tariffs, day, partner=partner) for partner, tariffs, _lines in cases]
        builder = type(self.env["subscription.invoice.builder"])
        with patch.object(
            builder, "_copied_shape_vals", autospec=True, side_effect=builder._copied_shape_vals
        ) as copied:
            run = self._bill(day)
        self.assertEqual(run.invoice_count, len(cases))
        # 7 invoices of 4 contents: 3 were copied from the first of their content.
        self.assertEqual(copied.call_count, 3)
        for sub, (partner, _tariffs, lines) in zip(subs, cases, strict=True):
            with self.subTest(subscription=sub.name, partner=partner.name):
                generated = self._invoices(sub)
                self.assertEqual(len(generated), 1)
                self.assertEqual(generated.state, "posted")
                self.assertSameAccounting(generated, self._hand_made(partner, lines, day))
        due_lines = self._invoices(subs[3]).line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(len(due_lines), 2)

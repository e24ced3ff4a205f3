from datetime import date

from odoo.tests import tagged

from .common import SubscriptionBillingCommon, bill_through_jobs

DAY = date(2026, 3, 2)
BULK = {"subscription_payment_bulk": True, "tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
# Columns that name a row, say who wrote it when, or point at the side's own records (compared through
# roles). write_uid: Odoo's own flow is not consistent there (uid 1 on some tables, the user on others).
SKIP = {
    "id", "name", "move_name", "sequence_number", "create_date", "write_date", "write_uid", "memo", "ref",
    "move_id", "payment_id", "origin_payment_id", "full_reconcile_id", "debit_move_id", "credit_move_id",
    "matching_number", "subscription_id", "subscription_line_id", "payment_reference", "invoice_origin",
    "access_token", "invoice_partner_display_name",
    "bank_reference_key",  # the number normalised for bank matching, when subscription_billing_bank_statement is in
    "bank_group_key",  # its second form, zeros after separators dropped (same addon)
}  # fmt: skip


TABLES = (
    "account_payment",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
)


@tagged("post_install", "-at_install")
class TestPaymentBulkEquivalence(SubscriptionBillingCommon):
    """The bulk import path writes what Odoo's create + action_post + _reconcile_plan write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        # Several customers, as a real file has them: partner_b pays in 30/70 instalments (two
        # receivable items per invoice) under a fiscal position of its own; the Polish customer
        # gets a fiscal position Odoo applies by itself; the others have none.
        poland = cls.env.ref("base.pl")
        cls.env["account.fiscal.position"].create({"name": "EU customers", "auto_apply": True, "country_id": poland.id})
        polish = cls.env["res.partner"].create({"name": "Klient Sp. z o.o.", "country_id": poland.id})
        plain = cls.env["res.partner"].create({"name": "Home Customer"})
        partners = [cls.partner_a, polish, cls.partner_b, plain, cls.partner_b]
        cls.sides = {}
        for side in ("bulk", "orm"):
            subs = cls.env["subscription.subscription"]
            for partner in partners:
                subs |= cls.env["subscription.subscription"].create(
                    {"partner_id": partner.id, "date_start": DAY, "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})]}
                )
            subs.action_activate()
            cls.sides[side] = subs
        bill_through_jobs(cls.env, DAY)
        bill_through_jobs(cls.env, date(2026, 4, 1))

    def _invoices(self, sub):
        return self.env["account.move"].search(sub._invoice_domain(), order="invoice_date_due, id")

    def _rows(self, subs):
        """(subscription, amount, date): partial, spanning two invoices, overpaid, two payments, all settled."""
        total = [self._invoices(sub).mapped("amount_total") for sub in subs]
        return [
            (subs[0], 10.0, date(2026, 4, 5)),
            (subs[1], total[1][0] + 5.0, date(2026, 4, 5)),
            (subs[2], sum(total[2]) + 20.0, date(2026, 4, 5)),
            (subs[3], 7.0, date(2026, 4, 5)),
            (subs[3], total[3][0], date(2026, 4, 6)),
            (subs[4], sum(total[4]), date(2026, 4, 6)),
        ]

    def _intakes(self, side, context):
        vals = [
            {
                "source": "import",
                "contract_number": sub.name,
                "transaction_id": f"{side}-{n}",
                "amount": amount,
                "date": day,
                "journal_id": self.bank.id,
            }
            for n, (sub, amount, day) in enumerate(self._rows(self.sides[side]))
        ]
        return self.env["subscription.payment.intake"].with_context(**context).create(vals)

    def _table(self, table, ids):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id", [list(ids)])
        columns = [d.name for d in self.env.cr.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()}

    def _picture(self, side, intakes):
        """Every stored column of the side's payments, entries, items, partials and fulls, ids replaced by roles."""
        role = {table: {} for table in TABLES}
        for n, intake in enumerate(intakes):
            role["account_payment"][intake.payment_id.id] = ("payment", n)
            role["account_move"][intake.payment_id.move_id.id] = ("entry", n)
            for k, line in enumerate(intake.payment_id.move_id.line_ids.sorted("balance")):
                role["account_move_line"][line.id] = ("payment item", n, k)
        for s, sub in enumerate(self.sides[side]):
            for i, move in enumerate(self._invoices(sub)):
                role["account_move"][move.id] = ("invoice", s, i)
                items = move.line_ids.sorted(lambda line: (line.display_type, line.date_maturity, line.balance))
                for k, line in enumerate(items):
                    role["account_move_line"][line.id] = ("invoice item", s, i, k)
        lines = self._table("account_move_line", role["account_move_line"])
        partial_ids = self.env["account.move.line"].browse(lines).matched_debit_ids.ids
        partials = self._table("account_partial_reconcile", partial_ids)
        fulls = {line["full_reconcile_id"] for line in lines.values() if line["full_reconcile_id"]}
        for full in fulls:
            members = [role["account_move_line"][i] for i, line in lines.items() if line["full_reconcile_id"] == full]
            role["account_full_reconcile"][full] = ("full", tuple(sorted(members)))
        for partial_id, partial in partials.items():
            debit, credit = partial["debit_move_id"], partial["credit_move_id"]
            role["account_partial_reconcile"][partial_id] = (
                "partial",
                role["account_move_line"][debit],
                role["account_move_line"][credit],
            )
        target = {
            "move_id": "account_move",
            "payment_id": "account_payment",
            "origin_payment_id": "account_payment",
            "full_reconcile_id": "account_full_reconcile",
            "debit_move_id": "account_move_line",
            "credit_move_id": "account_move_line",
        }

        invoice_names = [move.name for sub in self.sides[side] for move in self._invoices(sub)]

        def matching(number):
            members = [role["account_move_line"][i] for i, line in lines.items() if line["matching_number"] == number]
            return number[:1].isdigit(), tuple(sorted(members))

        def clean(row, table):
            out = {k: v for k, v in row.items() if k not in SKIP}
            for key, other in target.items():
                if row.get(key):
                    out[key] = role[other].get(row[key], "elsewhere")
            if row.get("matching_number"):
                out["matching_number"] = matching(row["matching_number"])
            texts = {"account_payment": ("memo",), "account_move": ("ref",), "account_move_line": ("ref", "name")}
            for key in texts.get(table, ()):
                if row.get(key):
                    text = row[key]
                    for intake in intakes:
                        text = text.replace(intake.subscription_id.name, "SUB").replace(intake.transaction_id, "T")
                    for number in invoice_names:
                        text = text.replace(number, "INV")
                    out[key] = text
            return out

        picture = {}
        tables = {
            "account_payment": self._table("account_payment", role["account_payment"]),
            "account_move": self._table("account_move", role["account_move"]),
            "account_move_line": lines,
            "account_partial_reconcile": partials,
            "account_full_reconcile": self._table("account_full_reconcile", fulls),
        }
        for table, rows in tables.items():
            for row_id, row in rows.items():
                picture[role[table][row_id]] = clean(row, table)
        return picture

    def test_bulk_path_writes_what_odoo_writes(self):
        """A file's payments, posted together, are the entries each customer's payment gets alone."""
        bulk = self._intakes("bulk", BULK)
        bulk._process()
        orm = self._intakes("orm", {})
        for intake in orm:
            intake._process()
        self.assertEqual(bulk.mapped("state"), ["done"] * 6)
        self.assertEqual(orm.mapped("state"), ["done"] * 6)

        bulk_picture, orm_picture = self._picture("bulk", bulk), self._picture("orm", orm)
        self.assertEqual(sorted(bulk_picture), sorted(orm_picture))
        differences = {
            key: {
                column: (value, bulk_picture[key].get(column))
                for column, value in orm_picture[key].items()
                if bulk_picture[key].get(column) != value
            }
            for key in sorted(orm_picture)
            if bulk_picture[key] != orm_picture[key]
        }
        self.maxDiff = None
        self.assertEqual(differences, {}, "columns of Odoo's rows (first) that the bulk path wrote otherwise")

        # What a user checks, on the bulk side.
        subs = self.sides["bulk"]
        paid = self.env["account.move"]._get_invoice_in_payment_state()
        states = [self._invoices(sub).mapped("payment_state") for sub in subs]
        self.assertEqual(
            states, [["partial", "not_paid"], [paid, "partial"], [paid, paid], [paid, "partial"], [paid, paid]]
        )
        overpaid = bulk[2].payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(overpaid.amount_residual, -20.0, msg="the overpayment stays as the customer's credit")
        self.assertTrue(self._invoices(subs[4]).line_ids.full_reconcile_id, "all settled: one full reconciliation")
        names = self.env["account.payment"].search([]).mapped("name")
        self.assertEqual(len(names), len(set(names)))

    def test_bulk_numbers_continue_the_journal_sequence_without_gaps(self):
        bulk = self._intakes("bulk", BULK)
        bulk._process()
        orm = self._intakes("orm", {})
        orm._process()
        moves = (bulk + orm).payment_id.move_id
        numbers = sorted(moves.mapped("sequence_number"))
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + len(numbers))))
        self.assertEqual(len(set(moves.mapped("name"))), 12)

import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Amount columns of the rows a posted customer payment writes: in a copy each one is
# 0 when it is 0 on the reference, else the new amount with the reference's sign.
AMOUNT_COLUMNS = {
    "account_payment": ("amount", "amount_company_currency_signed"),
    "account_move": (
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_untaxed_in_currency_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_total_in_currency_signed",
        "amount_residual_signed",
    ),
    "account_move_line": (
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "price_subtotal",
        "price_total",
    ),
}


class AccountPayment(models.Model):
    _inherit = "account.payment"

    @api.model
    def _subscription_post_in_bulk(self, vals_list):
        """Create and post customer payments, as ``create(vals_list).action_post()`` would, fast.

        For each journal, date, receivable account and payment method, the first payment is
        created and posted by Odoo itself; the others are SQL copies of its rows (payment,
        journal entry, its two journal items, the entry's followers) where only what
        differs per payment is substituted: amount, partner, memo, number. Numbers continue
        the journal's sequence through the sequence lock Odoo took for the first one. When
        the first payment is not a plain two-line entry in company currency (lock date,
        foreign currency, hashed journal...), the others of its group go through Odoo too.

        :return: the payments, in the order of ``vals_list``
        """
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in vals_list})
        accounts = {}
        for company_id in {vals["company_id"] for vals in vals_list}:
            for partner in partners.with_company(company_id):
                accounts[company_id, partner.id] = (
                    partner.property_account_receivable_id.id,
                    partner.property_inbound_payment_method_line_id.id,
                )
        groups = {}
        for index, vals in enumerate(vals_list):
            accounts_of_partner = accounts[vals["company_id"], vals["partner_id"]]
            key = (vals["journal_id"], fields.Date.to_date(vals["date"]), accounts_of_partner)
            groups.setdefault(key, []).append(index)
        ids = [None] * len(vals_list)
        for indexes in groups.values():
            reference = self.create([vals_list[indexes[0]]])
            reference.action_post()
            ids[indexes[0]] = reference.id
            rest = [vals_list[i] for i in indexes[1:]]
            copies = reference._subscription_copy_posted(rest) if rest else []
            if rest and not copies:
                others = self.create(rest)
                others.action_post()
                copies = others.ids
            for index, payment_id in zip(indexes[1:], copies, strict=True):
                ids[index] = payment_id
        return self.browse(ids)

    def _subscription_copy_reference(self):
        """What a copy of this posted payment needs, or None when it cannot be copied safely."""
        self.ensure_one()
        move = self.move_id
        self.env.flush_all()
        if (
            self.state != "in_process"
            or self.payment_type != "inbound"
            or not self.memo
            or not move
            or move.state != "posted"
            or move.date != self.date
            or len(move.line_ids) != 2
            or self.currency_id != self.company_id.currency_id
            or move.journal_id.restrict_mode_hash_table
            or move.inalterable_hash
            or any(move.line_ids.mapped("analytic_distribution"))
            or move.line_ids.analytic_line_ids
        ):
            return None
        liquidity, counterpart, _writeoff = self._seek_for_lines()
        if len(liquidity) != 1 or len(counterpart) != 1:
            return None
        label_parts = self._get_aml_default_display_name_list()
        if dict(label_parts).get("memo") != self.memo:
            return None
        label_of = lambda memo: "".join(memo if k == "memo" else v for k, v in label_parts if v)  # noqa: E731
        if liquidity.name != label_of(self.memo) or counterpart.name != label_of(self.memo):
            return None
        format_string, format_values = move._get_sequence_format_param(move.name)
        seq = format_values.pop("seq")
        cache = move._get_sequence_cache()
        cache_key = (format_string.format(**format_values, seq=0), move.journal_id)
        if cache.get(cache_key) != seq:
            return None  # the number did not come from the lock this transaction holds
        return {
            "move": move,
            "liquidity": liquidity,
            "counterpart": counterpart,
            "label_of": label_of,
            "name_of": lambda number: format_string.format(**format_values, seq=number),
            "seq": seq,
            "cache": cache,
            "cache_key": cache_key,
        }

    def _subscription_copy_posted(self, vals_list):
        """Posted copies of this posted payment for ``vals_list`` (partner_id, amount, memo differ); their ids.

        Returns an empty list, having written nothing, when this payment cannot be copied.
        """
        ref = self._subscription_copy_reference()
        if not ref:
            _logger.info("payment %s cannot be copied, the ORM posts the %s others", self.display_name, len(vals_list))
            return []
        cr = self.env.cr
        count = len(vals_list)
        currency = self.currency_id
        amounts = [currency.round(vals["amount"]) for vals in vals_list]
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list])
        if partners.commercial_partner_id != partners:
            return []
        display_names = {p.id: p.display_name for p in partners}
        memos = [vals["memo"] for vals in vals_list]
        labels = [ref["label_of"](memo) for memo in memos]
        numbers = list(range(ref["seq"] + 1, ref["seq"] + count + 1))
        names = [ref["name_of"](number) for number in numbers]
        payment_ids = self._subscription_next_ids("account_payment", count)
        move_ids = self._subscription_next_ids("account_move", count)
        partner_ids = partners.ids
        common = {"partner_id": ("int4", partner_ids)}
        # The payments first, without their entry (account_payment.move_id and
        # account_move.origin_payment_id point at each other), then the entries.
        refs = {
            "account_payment": self.id,
            "account_move": ref["move"].id,
            "liquidity": ref["liquidity"].id,
            "counterpart": ref["counterpart"].id,
        }
        signs = {key: self._subscription_amount_signs(key, row_id) for key, row_id in refs.items()}
        if None in signs.values():
            return []
        self._subscription_clone(
            "account_payment",
            self.id,
            amounts,
            signs["account_payment"],
            {
                **common,
                "id": ("int4", payment_ids),
                "move_id": ("int4", [None] * count),
                "memo": ("varchar", memos),
                "name": ("varchar", names),
            },
        )
        self._subscription_clone(
            "account_move",
            ref["move"].id,
            amounts,
            signs["account_move"],
            {
                **common,
                "id": ("int4", move_ids),
                "commercial_partner_id": ("int4", partner_ids),
                "origin_payment_id": ("int4", payment_ids),
                "name": ("varchar", names),
                "sequence_number": ("int4", numbers),
                "ref": ("varchar", memos),
                "invoice_partner_display_name": ("varchar", [display_names[p] for p in partner_ids]),
            },
        )
        cr.execute(
            SQL(
                "UPDATE account_payment p SET move_id = r.move_id FROM unnest(%s::int4[], %s::int4[]) r(id, move_id)"
                " WHERE p.id = r.id",
                payment_ids,
                move_ids,
            )
        )
        for key in ("liquidity", "counterpart"):
            self._subscription_clone(
                "account_move_line",
                refs[key],
                amounts,
                signs[key],
                {
                    **common,
                    "id": ("int4", self._subscription_next_ids("account_move_line", count)),
                    "move_id": ("int4", move_ids),
                    "payment_id": ("int4", payment_ids),
                    "move_name": ("varchar", names),
                    "ref": ("varchar", memos),
                    "name": ("varchar", labels),
                },
            )
        self._subscription_copy_followers("account.payment", self.id, payment_ids, self.partner_id.id, partner_ids)
        self._subscription_copy_followers("account.move", ref["move"].id, move_ids, self.partner_id.id, partner_ids)
        ref["cache"][ref["cache_key"]] = numbers[-1]
        # _post counts each posted entry on a receivable account in its partner's customer rank.
        per_partner = {}
        for partner_id in partner_ids:
            per_partner[partner_id] = per_partner.get(partner_id, 0) + 1
        by_count = {}
        for partner_id, n in per_partner.items():
            by_count.setdefault(n, []).append(partner_id)
        for n, ids in by_count.items():
            self.env["res.partner"].browse(ids)._increase_rank("customer_rank", n)
        self.env.invalidate_all()
        return payment_ids

    def _subscription_next_ids(self, table, count):
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"{table}_id_seq", count),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _subscription_amount_signs(self, key, row_id):
        """{column: sign} of the amount columns of a reference row; None when one is neither 0 nor ±amount."""
        table = "account_move_line" if key in ("liquidity", "counterpart") else key
        columns = AMOUNT_COLUMNS[table]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE id = %s",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL.identifier(table),
                row_id,
            )
        )
        signs = {}
        for column, value in zip(columns, self.env.cr.fetchone(), strict=True):
            if not value:
                continue
            if self.currency_id.compare_amounts(abs(value), self.amount):
                return None
            signs[column] = 1 if value > 0 else -1
        return signs

    def _subscription_clone(self, table, ref_id, amounts, signs, values):
        """Insert one copy of row ``ref_id`` of ``table`` per amount, with ``values`` {column: (type, list)}.

        The amount columns in ``signs`` get the new amount with that sign, the other amount
        columns of :data:`AMOUNT_COLUMNS` stay 0; every other column keeps the reference's value.
        """
        cr = self.env.cr
        cr.execute(SQL("SELECT * FROM %s LIMIT 0", SQL.identifier(table)))
        row = [d.name for d in cr.description]
        values = dict(values)
        for column, sign in signs.items():
            values[column] = ("numeric", [sign * amount for amount in amounts])
        names = list(values)
        select = SQL(", ").join(
            SQL("r.%s", SQL.identifier(column)) if column in values else SQL("ref.%s", SQL.identifier(column))
            for column in row
        )
        arrays = SQL(", ").join(SQL("%s::%s[]", values[name][1], SQL(values[name][0])) for name in names)
        cr.execute(
            SQL(
                "INSERT INTO %(table)s (%(columns)s) SELECT %(select)s"
                "  FROM %(table)s ref, unnest(%(arrays)s) AS r(%(names)s) WHERE ref.id = %(ref_id)s",
                table=SQL.identifier(table),
                columns=SQL(", ").join(SQL.identifier(column) for column in row),
                select=select,
                arrays=arrays,
                names=SQL(", ").join(SQL.identifier(name) for name in names),
                ref_id=ref_id,
            )
        )
        return True

    def _subscription_copy_followers(self, model, ref_id, res_ids, ref_partner_id, partner_ids):
        """Give each copy the followers of the reference, its own partner in place of the reference's."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH new AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT f.res_model, r.res_id, CASE WHEN f.partner_id = %(ref_partner)s THEN r.partner_id
                                                       ELSE f.partner_id END
                      FROM mail_followers f, unnest(%(res_ids)s::int4[], %(partners)s::int4[]) r(res_id, partner_id)
                     WHERE f.res_model = %(model)s AND f.res_id = %(ref_id)s
                    ON CONFLICT DO NOTHING
                    RETURNING id, res_id, partner_id
                )
                INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
                SELECT new.id, rel.mail_message_subtype_id
                  FROM new
                  JOIN unnest(%(res_ids)s::int4[], %(partners)s::int4[]) r(res_id, partner_id) ON r.res_id = new.res_id
                  JOIN mail_followers f ON f.res_model = %(model)s AND f.res_id = %(ref_id)s
                       AND new.partner_id = CASE WHEN f.partner_id = %(ref_partner)s THEN r.partner_id
                                                 ELSE f.partner_id END
                  JOIN mail_followers_mail_message_subtype_rel rel ON rel.mail_followers_id = f.id
                """,
                model=model,
                ref_id=ref_id,
                ref_partner=ref_partner_id,
                res_ids=res_ids,
                partners=partner_ids,
            )
        )

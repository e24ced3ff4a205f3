from odoo import Command, fields, models
from odoo.tools import SQL

from ..tools import payment_allocation


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    subscription_id = fields.Many2one(
        "subscription.subscription", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    subscription_line_id = fields.Many2one(
        "subscription.line", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    subscription_date_from = fields.Date("Service From", readonly=True, copy=False)
    subscription_date_to = fields.Date("Service To", readonly=True, copy=False)

    def _subscription_bulk_reconcilable(self):
        """Whether :meth:`_subscription_reconcile_plan` can do what ``_reconcile_plan`` would on these items.

        Posted, open items of reconcilable accounts, all in their company's currency, on
        customer invoices (debit side) and entries; no cash basis taxes in the company.
        """
        if not self:
            return False
        if len(self.company_id) != 1 or self.company_id.tax_exigibility:
            return False
        return all(
            line.parent_state == "posted"
            and not line.reconciled
            and line.account_id.reconcile
            and line.currency_id == line.company_currency_id
            and (line.move_id.move_type == "out_invoice" if line.balance > 0 else line.move_id.move_type == "entry")
            and line.amount_residual
            for line in self
        )

    def _subscription_reconcile_plan(self, plan):
        """``_reconcile_plan(plan)`` for a plan of flat groups, with partials and residuals written in SQL.

        Each group is settled like Odoo does (see ``tools/payment_allocation``); then Odoo's
        own code numbers the matchings, creates the full reconciliations, recomputes the
        invoices' payment state and calls ``_invoice_paid_hook`` on the invoices that
        became paid. Falls back to ``_reconcile_plan`` when a line is not of the simple kind.
        """
        lines = self.browse([line_id for group in plan for line_id in group.ids])
        if not lines._subscription_bulk_reconcilable():
            return self._reconcile_plan(plan)
        company_currency = lines.company_id.currency_id
        digits = company_currency.decimal_places
        pre_hook_data = lines._reconcile_pre_hook()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, COALESCE(date_maturity, date), amount_currency, amount_residual, date"
                " FROM account_move_line WHERE id = ANY(%s)",
                lines.ids,
            )
        )
        data = {row[0]: row for row in cr.fetchall()}
        partials, residuals = [], {}
        for group in plan:
            items = [
                payment_allocation.Item(
                    line_id,
                    data[line_id][1],
                    payment_allocation.to_cents(data[line_id][2], digits),
                    payment_allocation.to_cents(data[line_id][3], digits),
                )
                for line_id in group.ids
            ]
            group_partials, group_residuals = payment_allocation.allocate(items)
            partials += group_partials
            residuals.update(group_residuals)
        if not partials:
            return None
        changed = {line_id for p in partials for line_id in (p.debit, p.credit)}
        cr.execute(
            SQL(
                """
                INSERT INTO account_partial_reconcile
                       (debit_move_id, credit_move_id, debit_currency_id, credit_currency_id, company_id,
                        amount, debit_amount_currency, credit_amount_currency, max_date,
                        create_uid, create_date, write_uid, write_date)
                SELECT r.debit, r.credit, d.currency_id, c.currency_id, d.company_id,
                       r.amount, r.amount, r.amount, GREATEST(d.date, c.date),
                       %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                  FROM unnest(%(debits)s::int4[], %(credits)s::int4[], %(amounts)s::numeric[])
                       WITH ORDINALITY AS r(debit, credit, amount, n)
                  JOIN account_move_line d ON d.id = r.debit
                  JOIN account_move_line c ON c.id = r.credit
                 ORDER BY r.n
                """,
                uid=self.env.uid,
                debits=[p.debit for p in partials],
                credits=[p.credit for p in partials],
                amounts=[payment_allocation.from_cents(p.amount, digits) for p in partials],
            )
        )
        changed_ids = sorted(changed)
        cr.execute(
            SQL(
                """
                UPDATE account_move_line l
                   SET amount_residual = r.residual, amount_residual_currency = r.residual,
                       reconciled = r.residual = 0, write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int4[], %(residuals)s::numeric[]) AS r(id, residual)
                 WHERE l.id = r.id
                """,
                uid=self.env.uid,
                ids=changed_ids,
                residuals=[payment_allocation.from_cents(residuals[i], digits) for i in changed_ids],
            )
        )
        # The invoices' residual (company currency: both columns are the sum of their
        # receivable items' residual) and the payments' "reconciled" flag.
        cr.execute(
            SQL(
                """
                UPDATE account_move m
                   SET amount_residual = s.residual, amount_residual_signed = s.residual,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM (SELECT move_id, SUM(amount_residual) AS residual FROM account_move_line
                         WHERE display_type = 'payment_term'
                           AND move_id IN (SELECT move_id FROM account_move_line WHERE id = ANY(%(ids)s))
                         GROUP BY move_id) s
                 WHERE m.id = s.move_id AND m.move_type = 'out_invoice'
                RETURNING m.id
                """,
                uid=self.env.uid,
                ids=changed_ids,
            )
        )
        invoices = self.env["account.move"].browse([row[0] for row in cr.fetchall()])
        # _reconcile_plan writes the invoices of the plan (its _sync_dynamic_lines), which marks them.
        cr.execute(
            SQL(
                "UPDATE account_move SET is_manually_modified = true"
                " WHERE id IN (SELECT move_id FROM account_move_line WHERE id = ANY(%s))"
                " AND move_type = 'out_invoice' AND is_manually_modified IS NOT true",
                lines.ids,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE account_payment p
                   SET is_reconciled = l.amount_residual = 0, write_uid = %(uid)s,
                       write_date = now() at time zone 'UTC'
                  FROM account_move_line l
                 WHERE l.id = ANY(%(ids)s) AND l.balance < 0 AND p.id = l.payment_id AND p.move_id = l.move_id
                RETURNING p.id
                """,
                uid=self.env.uid,
                ids=changed_ids,
            )
        )
        payments = self.env["account.payment"].browse([row[0] for row in cr.fetchall()])
        self.env.invalidate_all()
        # What Odoo's ORM would trigger from here: the invoices' payment state (and what
        # depends on their residual), matching numbers, full reconciliations, the paid hook.
        invoices.modified(["amount_residual", "amount_residual_signed"])
        payments.modified(["is_reconciled"])
        changed_lines = self.browse(changed_ids)
        self.env["account.partial.reconcile"]._update_matching_number(changed_lines)
        self._subscription_create_full_reconciles(plan)
        self.env.flush_all()
        lines._reconcile_post_hook(pre_hook_data)
        return None

    def _subscription_create_full_reconciles(self, plan):
        """The full reconciliations ``_reconcile_plan_with_sync`` creates, for groups all of whose items are settled."""
        number2lines = self.browse([line_id for group in plan for line_id in group.ids])._reconciled_by_number()
        values_list, seen = [], set()
        for group in plan:
            involved = self.browse(group.ids)._filter_reconciled_by_number(number2lines)
            if seen & set(involved.ids):
                continue
            seen.update(involved.ids)
            fully = all(
                line.reconciled
                or (
                    (line.matched_debit_ids or line.matched_credit_ids)
                    and line.currency_id.is_zero(line.amount_residual_currency)
                )
                for line in involved
            )
            if fully:
                partials = involved.matched_debit_ids + involved.matched_credit_ids
                values_list.append(
                    {
                        "exchange_move_id": False,
                        "partial_reconcile_ids": [Command.link(partial.id) for partial in partials],
                        "reconciled_line_ids": [Command.link(line.id) for line in involved],
                    }
                )
        if values_list:
            self.env["account.full.reconcile"].create(values_list)

import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools import periods

_logger = logging.getLogger(__name__)

BILLING_ERRORS = (UserError, ValidationError, ValueError, psycopg2.Error)
PERIOD_CONSTRAINT = "subscription_line_period_line_period_unique"


class SubscriptionInvoiceBuilder(models.AbstractModel):
    """Turns due subscription periods into posted customer invoices, a batch at a time.

    The whole batch is created with one ``account.move.create(vals_list)`` and posted with
    one ``action_post()`` inside a savepoint: Odoo computes every invoice's taxes, terms,
    accounts and rounding itself. If anything in the batch fails, the batch is retried one
    invoice at a time, each in its own savepoint, so a broken subscription is isolated and
    reported while the others are billed. A rolled back savepoint also clears Odoo's
    per-transaction numbering cache (``cr.clear()``), so the journal's numbering has no gap.
    """

    _name = "subscription.invoice.builder"
    _description = "Subscription Invoice Builder"

    # ------------------------------------------------------------------
    # Planning: which periods of which lines, for which amounts
    # ------------------------------------------------------------------
    @api.model
    def _plan_subscription(self, sub, today):
        """Return the items to bill for ``sub`` on ``today``: one per line, period and price."""
        items = []
        currency = sub.currency_id
        for line in sub.line_ids:
            tariff = line.tariff_id
            if not tariff.active or not tariff.product_id.active:
                raise UserError(
                    self.env._(
                        "The tariff %(tariff)s or its product %(product)s is archived.",
                        tariff=tariff.display_name,
                        product=tariff.product_id.display_name,
                    )
                )
            points = line._price_points()
            if tariff.tariff_type == "one_shot":
                if not line.billed_until and line.date_start <= today:
                    period = periods.Period(line.date_start, line.date_start, line.date_start, line.date_start, today)
                    items.append(
                        self._item(
                            line, "charge", period, (line.date_start, line.date_start), line._price_at(line.date_start)
                        )
                    )
                continue
            schedule = line._schedule()
            if line.date_end and line.billed_until and line.billed_until > line.date_end:
                for period in periods.iter_periods(schedule, line.date_end + periods.ONE_DAY, line.billed_until):
                    items += self._priced_items(line, "credit", period, points, currency)
            for period in periods.due_periods(
                schedule, line.date_start, line.date_end, today, billed_until=line.billed_until
            ):
                items += self._priced_items(line, "charge", period, points, currency)
        return items

    @api.model
    def _priced_items(self, line, kind, period, points, currency):
        """Items of one period, split by day where a price change falls inside it."""
        if not line.tariff_id.prorate and kind == "charge":
            return [self._item(line, kind, period, (period.start, period.end), line._price_at(period.start))]
        return [
            self._item(
                line,
                kind,
                period,
                (start, end),
                currency.round(periods.prorate(price, start, end, period.full_start, period.full_end)),
            )
            for start, end, price in periods.split_by_price(period.start, period.end, points)
        ]

    @api.model
    def _item(self, line, kind, period, span, price_unit):
        start, end = span
        return {
            "line": line,
            "kind": kind,
            "period": period,
            "date_from": start,
            "date_to": end,
            "price_unit": -price_unit if kind == "credit" else price_unit,
        }

    # ------------------------------------------------------------------
    # Invoice values
    # ------------------------------------------------------------------
    @api.model
    def _line_label(self, item, lang):
        line = item["line"]
        name = line.with_context(lang=lang).tariff_id.name if line.name == line.tariff_id.name else line.name
        date_from = format_date(self.env, item["date_from"], lang_code=lang)
        if item["date_from"] == item["date_to"] and line.tariff_id.tariff_type == "one_shot":
            return name
        date_to = format_date(self.env, item["date_to"], lang_code=lang)
        if item["kind"] == "credit":
            return self.with_context(lang=lang).env._(
                "%(name)s: credit for unused days %(date_from)s - %(date_to)s",
                name=name,
                date_from=date_from,
                date_to=date_to,
            )
        return f"{name}: {date_from} - {date_to}"

    @api.model
    def _invoice_line_vals(self, item, lang, sign):
        line = item["line"]
        return Command.create(
            {
                "product_id": line.tariff_id.product_id.id,
                "name": self._line_label(item, lang),
                "quantity": line.quantity,
                "price_unit": sign * item["price_unit"],
                "discount": line.discount,
                "subscription_id": line.subscription_id.id,
                "subscription_line_id": line.id,
                "subscription_date_from": item["date_from"],
                "subscription_date_to": item["date_to"],
            }
        )

    @api.model
    def _move_vals(self, subs, items, today, run, journal):
        first = subs[0]
        lang = first.partner_id.lang or self.env.lang
        total = sum(item["price_unit"] * item["line"].quantity * (1 - item["line"].discount / 100.0) for item in items)
        sign = -1 if total < 0 else 1  # more credit than charges: a credit note
        vals = {
            "move_type": "out_invoice" if sign > 0 else "out_refund",
            "partner_id": first.partner_id.id,
            "invoice_date": today,
            "currency_id": first.currency_id.id,
            "journal_id": journal.id,
            "invoice_origin": ", ".join(subs.mapped("name")),
            "invoice_user_id": first.user_id.id,
            "subscription_run_id": run.id,
            "invoice_line_ids": [self._invoice_line_vals(item, lang, sign) for item in items],
        }
        if first.payment_term_id:
            vals["invoice_payment_term_id"] = first.payment_term_id.id
        if first.fiscal_position_id:
            vals["fiscal_position_id"] = first.fiscal_position_id.id
        if first.company_id.subscription_cash_rounding_id:
            vals["invoice_cash_rounding_id"] = first.company_id.subscription_cash_rounding_id.id
        return vals

    @api.model
    def _group_key(self, sub):
        if sub.company_id.subscription_invoice_grouping == "partner":
            return (
                sub.partner_id.id,
                sub.company_id.id,
                sub.currency_id.id,
                sub.journal_id.id,
                sub.payment_term_id.id,
                sub.fiscal_position_id.id,
                sub.user_id.id,
            )
        return sub.id

    # ------------------------------------------------------------------
    # Billing a batch
    # ------------------------------------------------------------------
    @api.model
    def _bill(self, subscriptions, today, run, invoice_date=None):
        """Invoice the periods of ``subscriptions`` due on ``today``, dated ``invoice_date`` (default: ``today``).

        A closing plans up to the end date but dates its final invoice by the end date or
        today (see ``subscription.subscription._bill_closing``); the regular runs bill on
        the day they run.
        """
        invoice_date = invoice_date or today
        failures = {}
        groups = defaultdict(lambda: [self.env["subscription.subscription"], []])
        for sub in subscriptions:
            try:
                items = self._plan_subscription(sub, today)
            except BILLING_ERRORS as error:
                failures[sub] = str(error)
                continue
            if items:
                group = groups[self._group_key(sub)]
                group[0] |= sub
                group[1] += items
        groups = list(groups.values())
        journals = self._sale_journals(subscriptions)
        moves = self.env["account.move"]
        skipped = {}
        try:
            with self.env.cr.savepoint():
                moves = self._create_and_post(groups, invoice_date, run, journals)
        except BILLING_ERRORS:
            # Bill one invoice at a time so that a broken subscription does not stop the others.
            for subs, items in groups:
                try:
                    with self.env.cr.savepoint():
                        moves |= self._create_and_post([(subs, items)], invoice_date, run, journals)
                except psycopg2.errors.UniqueViolation as error:
                    if error.diag.constraint_name != PERIOD_CONSTRAINT:
                        failures.update(dict.fromkeys(subs, str(error)))
                        continue
                    skipped.update(dict.fromkeys(subs, self.env._("period already invoiced by another run")))
                except BILLING_ERRORS as error:
                    failures.update(dict.fromkeys(subs, str(error)))
        if skipped:
            self._resync_billed_until(self.env["subscription.subscription"].union(*skipped))
        self._report(subscriptions, failures, run)
        run._record(subscriptions, moves, sum(moves.mapped("amount_untaxed_signed")), failures, skipped)
        return moves

    @api.model
    def _sale_journals(self, subscriptions):
        journals = {}
        for company in subscriptions.company_id:
            journals[company.id] = self.env["account.journal"].search(
                [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
            )
        return journals

    @api.model
    def _create_and_post(self, groups, today, run, journals):
        vals_list = []
        for subs, items in groups:
            journal = subs[0].journal_id or journals.get(subs[0].company_id.id)
            if not journal:
                raise UserError(
                    self.env._("No sales journal in company %s to invoice subscriptions.", subs[0].company_id.name)
                )
            vals_list.append(self._move_vals(subs, items, today, run, journal))
        if not vals_list:
            return self.env["account.move"]
        moves = self.env["account.move"].with_context(mail_create_nolog=True, tracking_disable=True).create(vals_list)
        period_vals = []
        billed_until = {}
        for move, (_subs, items) in zip(moves, groups, strict=True):
            for item in items:
                line, period = item["line"], item["period"]
                key = (line.id, period.full_start, item["kind"])
                if key in billed_until:  # a period split by a price change: one record per period
                    continue
                billed_until[key] = item
                period_vals.append(
                    {
                        "line_id": line.id,
                        "subscription_id": line.subscription_id.id,
                        "kind": item["kind"],
                        "period_start": period.full_start,
                        "period_end": period.full_end,
                        "date_from": period.start,
                        "date_to": period.end,
                        "move_id": move.id,
                        "run_id": run.id,
                        "amount": sum(
                            i["price_unit"] * line.quantity
                            for i in items
                            if i["line"] == line and i["period"] == period and i["kind"] == item["kind"]
                        ),
                    }
                )
        self.env["subscription.line.period"]._create_for_invoices(period_vals, moves)
        self.env.flush_all()  # the UNIQUE constraint speaks here, before posting
        self._advance_lines(groups)
        moves.with_context(tracking_disable=True).action_post()
        self._log_origin(moves, groups, run)
        return moves

    @api.model
    def _log_origin(self, moves, groups, run):
        """One chatter line per invoice naming the billing run and subscriptions that made it."""
        bodies = {}
        for move, (subs, _items) in zip(moves, groups, strict=True):
            bodies[move.id] = Markup(
                self.env._("Created by the billing run %(run)s for the subscription(s) %(subscriptions)s.")
            ) % {
                "run": run._get_html_link(),
                "subscriptions": Markup(", ").join(sub._get_html_link() for sub in subs),
            }
        moves._message_log_batch(bodies)

    @api.model
    def _advance_lines(self, groups):
        """Move each billed line's ``billed_until`` forward (or back to its end after a credit)."""
        new_until = {}
        for _subs, items in groups:
            for item in items:
                line = item["line"]
                if item["kind"] == "credit":
                    new_until[line] = min(new_until.get(line, line.date_end), line.date_end)
                elif line.tariff_id.tariff_type == "one_shot":
                    new_until[line] = item["date_to"]
                else:
                    new_until[line] = max(new_until.get(line, item["period"].end), item["period"].end)
        by_value = defaultdict(lambda: self.env["subscription.line"])
        for line, day in new_until.items():
            by_value[day] |= line
        for day, lines in by_value.items():
            lines.write({"billed_until": day})
        lines = self.env["subscription.line"].union(*new_until)
        pending = lines.price_change_ids.filtered(
            lambda change: change.state == "pending" and change.date_effective <= new_until[change.line_id]
        )
        pending.write({"state": "applied"})

    @api.model
    def _resync_billed_until(self, subscriptions):
        """After a period was found already invoiced, read back what the database holds."""
        rows = self.env["subscription.line.period"]._read_group(
            [("subscription_id", "in", subscriptions.ids), ("kind", "=", "charge")], ["line_id"], ["date_to:max"]
        )
        for line, date_to in rows:
            if not line.billed_until or line.billed_until < date_to:
                line.billed_until = date_to
        _logger.info("Subscriptions %s had periods already invoiced; skipped.", subscriptions.mapped("name"))

    @api.model
    def _report(self, subscriptions, failures, run):
        today = run.date_invoice
        for sub, message in failures.items():
            _logger.warning("Subscription %s could not be invoiced: %s", sub.name, message)
            sub.write({"billing_error": message, "billing_error_date": today})
        cleared = subscriptions.filtered(lambda s: s.billing_error and s not in failures)
        if cleared:
            cleared.write({"billing_error": False, "billing_error_date": False})

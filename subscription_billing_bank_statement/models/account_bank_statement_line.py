import logging

import psycopg2

from odoo import Command, api, fields, models
from odoo.addons.base.models.res_bank import sanitize_account_number
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import matching
from ..wizards.account_statement_import import CHANNEL, MATCH_BATCH_SIZE

_logger = logging.getLogger(__name__)

MATCH_METHODS = [
    ("contract", "Contract number"),
    ("invoice", "Invoice number"),
    ("account", "Subscriber account number"),
    ("tax_id", "Tax id"),
    ("iban", "Payer's bank account"),
    ("name", "Payer name"),
    ("manual", "Assigned by hand"),
]
RUNNING = ("active", "suspended")
# Statement lines created at once before the accounting tables' statistics are refreshed.
CREATE_CHUNK = 1000


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    subscription_id = fields.Many2one(
        "subscription.subscription", index="btree_not_null", copy=False, check_company=True
    )
    subscription_match_state = fields.Selection(
        [("pending", "To match"), ("unmatched", "Unmatched"), ("matched", "Matched")],
        "Subscriber Matching",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Credits of an imported statement are matched to a subscriber; debits, fees and "
        "reversals are left to the accountant and have no matching state.",
    )
    subscription_match_method = fields.Selection(MATCH_METHODS, "Matched By", readonly=True, copy=False)
    subscription_suggestion_ids = fields.One2many(
        "subscription.bank.suggestion", "statement_line_id", "Suggestions", readonly=True
    )
    subscription_best_suggestion = fields.Char("Best Suggestion", compute="_compute_subscription_best_suggestion")

    @api.depends("subscription_suggestion_ids.score")
    def _compute_subscription_best_suggestion(self):
        for line in self:
            best = line.subscription_suggestion_ids.sorted("score", reverse=True)[:1]
            line.subscription_best_suggestion = (
                f"{best.subscription_id.display_name or best.partner_id.display_name} ({best.score:.0%})"
                if best
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        """A big statement (a bank file of thousands of lines) is created in chunks, with
        PostgreSQL's statistics of the journal entries refreshed between them.

        Odoo numbers each line's journal entry with queries whose plans rest on those
        statistics; in the one transaction of an import, they know none of the entries made
        so far, and each number costs a read of the whole day of the journal: 80 lines/s for
        the first thousand, 33 by the eight thousandth, and falling. ANALYZE inside the
        transaction counts its own new rows, and keeps the pace flat (0.1 s a chunk)."""
        if len(vals_list) <= CREATE_CHUNK:
            return super().create(vals_list)
        lines = self.browse()
        for start in range(0, len(vals_list), CREATE_CHUNK):
            if start:
                self._refresh_accounting_statistics()
            lines |= super().create(vals_list[start : start + CREATE_CHUNK])
        return lines

    @api.model
    def _refresh_accounting_statistics(self):
        """ANALYZE the journal entries and items, unless another transaction (another import,
        the billing's statistics job) holds the table's ANALYZE lock: then go on without.

        Only the journal entries and items are flushed: flushing the statement would compute
        the closing balance a file without balances leaves to Odoo on the first chunk alone."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        cr = self.env.cr
        cr.execute("SHOW lock_timeout")
        [timeout] = cr.fetchone()
        try:
            with cr.savepoint(flush=False):
                cr.execute("SET LOCAL lock_timeout = '1s'")
                cr.execute("ANALYZE account_move, account_move_line", log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            _logger.info("Statistics of the journal entries not refreshed: another transaction analyzes them")
        cr.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    def _subscription_enqueue(self):
        """One job per batch of lines: matching and reconciling a big file runs on the job runner."""
        for start in range(0, len(self), MATCH_BATCH_SIZE):
            batch = self[start : start + MATCH_BATCH_SIZE]
            batch.with_delay(
                channel=CHANNEL,
                description=self.env._("Match %s bank statement lines to subscribers", len(batch)),
            )._subscription_match_and_reconcile()

    def _subscription_match_and_reconcile(self):
        """Match the lines still waiting, reconcile the ones found. Re-runnable: a matched line
        is skipped, an unmatched one is tried again."""
        lines = self.exists().filtered(lambda line: line.subscription_match_state in ("pending", "unmatched"))
        partners = lines._subscription_match()
        lines.filtered(lambda line: line.subscription_match_state == "matched")._subscription_reconcile(partners)
        return len(lines)

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _subscription_clues(self):
        """What each line says about its payer: reference keys, tax ids, bank accounts, name."""
        clues = {}
        for line in self:
            text = " ".join(filter(None, [line.payment_ref, line.ref]))
            notes = html2plaintext(line.narration or "") if line.narration else ""
            accounts = [sanitize_account_number(line.account_number)] if line.account_number else []
            accounts += matching.ibans(text)
            patterns = line.journal_id._subscription_reference_patterns()
            clues[line] = {
                "keys": matching.candidate_keys(text, patterns),
                "group_keys": matching.candidate_group_keys(text, patterns),
                "tax_ids": matching.tax_ids(" ".join([text, notes])),
                "accounts": accounts,
                "name": matching.name_key(line.partner_name),
            }
        return clues

    def _subscription_match(self):
        """Find each line's subscriber, identifier kinds in order: contract, invoice, account
        number, tax id, payer's bank account, name. Each kind is one query for the batch.
        A line with no single answer waits as unmatched, with ranked suggestions.
        Returns the customer found for each matched line id (written on the line when it is
        reconciled, in the same write as its journal items)."""
        if not self:
            return {}
        clues = self._subscription_clues()
        keys = list({k for c in clues.values() for k in c["keys"]})
        tax_ids = list({t for c in clues.values() for t in c["tax_ids"]})
        accounts = list({a for c in clues.values() for a in c["accounts"]})
        names = list({c["name"] for c in clues.values() if c["name"]})
        companies = self.company_id.ids
        Subscription = self.env["subscription.subscription"]
        Partner = self.env["res.partner"].with_context(active_test=False)
        group_keys = list({k for c in clues.values() for k in c["group_keys"]})
        by_contract, by_invoice, invoices = self._subscription_documents_by_key(keys, group_keys, companies)

        def index(records, fname):
            table = {}
            for record in records:
                table.setdefault(record[fname], Partner.browse())
                table[record[fname]] |= record.commercial_partner_id
            return table

        by_account = index(Partner.search([("bank_reference_key", "in", keys)]), "bank_reference_key")
        by_tax = index(Partner.search([("bank_tax_id_key", "in", tax_ids)]), "bank_tax_id_key")
        by_name = index(Partner.search([("bank_name_key", "in", names)]), "bank_name_key")
        by_iban = {}
        for bank in self.env["res.partner.bank"].search([("sanitized_acc_number", "in", accounts)]):
            by_iban.setdefault(bank.sanitized_acc_number, Partner.browse())
            by_iban[bank.sanitized_acc_number] |= bank.partner_id.commercial_partner_id
        partners = (
            Partner.browse()
            .union(*by_account.values(), *by_tax.values(), *by_name.values(), *by_iban.values())
            .union(invoices.commercial_partner_id, self.partner_id.commercial_partner_id)
        )
        running = {}
        for sub in Subscription.search(
            [("partner_id", "child_of", partners.ids), ("state", "in", RUNNING), ("company_id", "in", companies)]
        ):
            running.setdefault(sub.partner_id.commercial_partner_id, Subscription)
            running[sub.partner_id.commercial_partner_id] |= sub

        tables = {
            "contract": by_contract,
            "invoice": by_invoice,
            "account": by_account,
            "tax_id": by_tax,
            "iban": by_iban,
            "name": by_name,
            "running": running,
        }
        unmatched = self.browse()
        found_by_line, same_match = {}, {}
        for line in self:
            found = None
            for method, candidates in line._subscription_candidates(clues[line], tables):
                if candidates is not None:
                    found = (method, *candidates)
                    break
            if found:
                method, partner, sub = found
                found_by_line[line.id] = partner
                same_match.setdefault((sub, method), self.browse())
                same_match[(sub, method)] |= line
            else:
                unmatched |= line
        for (sub, method), lines in same_match.items():
            lines._subscription_set_match(sub, method)
        if unmatched:
            unmatched.write({"subscription_match_state": "unmatched"})
            unmatched._subscription_suggest(clues)
        return found_by_line

    def _subscription_documents_by_key(self, keys, group_keys, companies):
        """Contracts and posted customer invoices whose number is one of ``keys`` (first form)
        or of ``group_keys`` (second form): ``{(company id, form, key): subscriptions}``,
        ``{(company id, form, key): invoices}``, and the invoices found."""
        Subscription, Move = self.env["subscription.subscription"], self.env["account.move"]
        by_key = ["|", ("bank_reference_key", "in", keys), ("bank_group_key", "in", group_keys)]
        tables = ({}, {})
        subs = Subscription.search([*by_key, ("company_id", "in", companies)])
        invoices = Move.search(
            [*by_key, ("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("company_id", "in", companies)]
        )
        for table, records in zip(tables, (subs, invoices), strict=True):
            for record in records:
                for form, key in (("first", record.bank_reference_key), ("group", record.bank_group_key)):
                    table.setdefault((record.company_id.id, form, key), records.browse())
                    table[(record.company_id.id, form, key)] |= record
        return *tables, invoices

    def _subscription_by_number(self, clue, tables):
        """``(method, (partner, subscription))`` of the one contract or invoice whose number the
        line quotes: the number as written first, its second form (zeros after separators
        dropped) after."""
        company = self.company_id.id
        for form, keys in (("first", clue["keys"]), ("group", clue["group_keys"])):
            for key in keys:
                subs = tables["contract"].get((company, form, key))
                if subs and len(subs) == 1:
                    return "contract", (subs.partner_id.commercial_partner_id, subs)
            for key in keys:
                move = tables["invoice"].get((company, form, key))
                if move and len(move) == 1:
                    return "invoice", (move.commercial_partner_id, move.invoice_line_ids.subscription_id[:1])
        return None

    def _subscription_candidates(self, clue, tables):
        """Yield ``(method, (partner, subscription))`` for the first identifier kind that decides."""
        line = self
        company = line.company_id.id
        running = tables["running"]

        def single(partners):
            partners = partners.filtered(lambda p: not p.company_id or p.company_id.id == company)
            if len(partners) != 1:
                return None
            subs = running.get(partners, self.env["subscription.subscription"])
            return partners, subs if len(subs) == 1 else subs.browse()

        by_number = self._subscription_by_number(clue, tables)
        if by_number:
            yield by_number
            return
        for method, table, values in (
            ("account", tables["account"], clue["keys"]),
            ("tax_id", tables["tax_id"], clue["tax_ids"]),
            ("iban", tables["iban"], clue["accounts"]),
        ):
            for value in values:
                if value in table:
                    result = single(table[value])
                    if result:
                        yield method, result
                        return
        if line.partner_id:  # set by the OCA import from the payer's bank account
            result = single(line.partner_id.commercial_partner_id)
            if result:
                yield "iban", result
                return
        if clue["name"] and clue["name"] in tables["name"]:
            result = single(tables["name"][clue["name"]])
            # a name alone is weak: it decides only when it leads to a single subscription
            if result and result[1]:
                yield "name", result
                return

    def _subscription_set_match(self, subscription, method):
        """Mark the lines matched (no journal item changes here: see ``_subscription_reconcile``)."""
        self.write(
            {
                "subscription_id": subscription.id or False,
                "subscription_match_method": method,
                "subscription_match_state": "matched",
            }
        )
        self.subscription_suggestion_ids.unlink()

    def _subscription_suggest(self, clues):
        """Near-miss subscriptions of each unmatched line, ranked, with the reason and the score."""
        Subscription = self.env["subscription.subscription"]
        Partner = self.env["res.partner"]
        vals_list = []
        for line in self:
            clue = clues[line]
            domain_company = [("company_id", "=", line.company_id.id), ("state", "in", RUNNING)]
            prefixes = {key[:2] for key in clue["keys"] if len(key) >= 3}
            subs = Subscription.browse()
            for prefix in prefixes:
                subs |= Subscription.search(
                    [*domain_company, ("bank_reference_key", "=like", f"{prefix}%")], limit=2000
                )
            words = sorted(clue["name"].split(), key=len, reverse=True)[:2] if clue["name"] else []
            for word in words:
                if len(word) >= 3:
                    partners = Partner.search([("bank_name_key", "ilike", word)], limit=50)
                    subs |= Subscription.search([*domain_company, ("partner_id", "child_of", partners.ids)], limit=200)
            candidates = [
                (
                    sub,
                    [sub.bank_reference_key] + ([sub.partner_id.bank_reference_key] if sub.partner_id.ref else []),
                    sub.partner_id.commercial_partner_id.bank_name_key,
                )
                for sub in subs
            ]
            ranked = matching.rank_suggestions(clue["keys"], clue["name"], candidates)
            line.subscription_suggestion_ids.unlink()
            for rank, suggestion in enumerate(ranked, start=1):
                kind, _sep, detail = suggestion.reason.partition(":")
                typed, _sep, known = detail.partition("~")
                vals_list.append(
                    {
                        "statement_line_id": line.id,
                        "subscription_id": suggestion.target.id,
                        "sequence": rank,
                        "score": suggestion.score,
                        "reason": kind,
                        "reason_detail": self.env._("%(typed)s is close to %(known)s", typed=typed, known=known),
                    }
                )
        self.env["subscription.bank.suggestion"].create(vals_list)

    # ------------------------------------------------------------------
    # Reconciling
    # ------------------------------------------------------------------
    def _subscription_reconcile(self, partners=None):
        """Reconcile each matched line with its subscriber's open invoices, oldest first.

        Odoo's own way for a bank line: its suspense line becomes the customer's receivable
        line on the line's move and both items get the customer (one ORM write; the move then
        synchronises the statement line's partner),
        and the receivable lines are reconciled with ``_reconcile_plan``, one group per
        subscription (or customer), which pays the oldest due date first. What exceeds the
        open invoices stays on the customer's account as an advance.
        """
        AccountMoveLine = self.env["account.move.line"]
        groups = {}
        partners = partners or {}
        for line in self:
            partner = (
                partners.get(line.id)
                or line.subscription_id.partner_id.commercial_partner_id
                or line.partner_id.commercial_partner_id
            )
            liquidity, suspense, _other = line._seek_for_lines()
            if not partner:
                continue
            if len(suspense) != 1:  # already reconciled by hand: only say whose money it is
                line.partner_id = partner
                continue
            receivable = partner.with_company(line.company_id).property_account_receivable_id
            line.move_id.with_context(skip_readonly_check=True).write(
                {
                    "partner_id": partner.id,
                    "line_ids": [
                        Command.update(liquidity.id, {"partner_id": partner.id}),
                        Command.update(suspense.id, {"account_id": receivable.id, "partner_id": partner.id}),
                    ],
                }
            )
            key = line.subscription_id or partner
            groups.setdefault(key, AccountMoveLine)
            groups[key] |= suspense
        if not groups:
            return
        subscriptions = self.env["subscription.subscription"].union(
            *[k for k in groups if k._name == "subscription.subscription"]
        )
        partners = self.env["res.partner"].union(*[k for k in groups if k._name == "res.partner"])
        open_domain = [
            ("move_id.move_type", "=", "out_invoice"),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("company_id", "in", self.company_id.ids),
        ]
        open_lines = AccountMoveLine.browse()
        if subscriptions:
            open_lines |= AccountMoveLine.search(
                [*open_domain, ("move_id.invoice_line_ids.subscription_id", "in", subscriptions.ids)]
            )
        if partners:
            open_lines |= AccountMoveLine.search([*open_domain, ("partner_id", "child_of", partners.ids)])
        subscription_of_move = {}
        if subscriptions:
            for item in AccountMoveLine.search(
                [("move_id", "in", open_lines.move_id.ids), ("subscription_id", "in", subscriptions.ids)]
            ):
                subscription_of_move.setdefault(item.move_id.id, item.subscription_id)
        for move_line in open_lines:
            sub = subscription_of_move.get(move_line.move_id.id)
            if sub in groups:
                groups[sub] |= move_line
            elif move_line.partner_id.commercial_partner_id in groups:
                groups[move_line.partner_id.commercial_partner_id] |= move_line
        plan = [lines for lines in groups.values() if len(lines) > 1 and len(lines.account_id) == 1]
        if plan:
            AccountMoveLine._reconcile_plan(plan)

    # ------------------------------------------------------------------
    # Assigning by hand
    # ------------------------------------------------------------------
    def action_subscription_assign(self):
        """Assign the lines to the subscription chosen on them, then reconcile."""
        for line in self:
            if line.subscription_match_state != "unmatched":
                raise UserError(self.env._("The bank line %s is not waiting for a subscriber.", line.payment_ref))
            if not line.subscription_id:
                raise UserError(self.env._("Choose the subscription of the bank line %s first.", line.payment_ref))
        for line in self:
            line._subscription_set_match(line.subscription_id, "manual")
        self._subscription_reconcile()
        return True

    def action_subscription_assign_best(self):
        """One click: the best suggestion of each line."""
        for line in self:
            best = line.subscription_suggestion_ids.sorted("score", reverse=True)[:1]
            if not best:
                raise UserError(
                    self.env._("The bank line %s has no suggestion; choose its subscription.", line.payment_ref)
                )
            line.subscription_id = best.subscription_id
        return self.action_subscription_assign()

    def action_subscription_rematch(self):
        """Try the unmatched lines again, e.g. after a contract or a tax id was entered, and
        match the lines imported by a user without billing rights."""
        self.filtered(
            lambda line: line.subscription_match_state in ("unmatched", "pending")
        )._subscription_match_and_reconcile()
        return True

import hashlib
import logging

from odoo import models
from odoo.exceptions import UserError

from ..tools import onec_exchange

_logger = logging.getLogger(__name__)

# Statement lines one matching job handles.
MATCH_BATCH_SIZE = 500
CHANNEL = "root.subscription_billing.payments"


class AccountStatementImport(models.TransientModel):
    _inherit = "account.statement.import"

    def _parse_file(self, data_file):
        """1CClientBankExchange files; every other format goes on down the chain (camt, sheet...)."""
        if not onec_exchange.is_onec(data_file):
            return super()._parse_file(data_file)
        try:
            _header, statements = onec_exchange.parse(data_file)
        except onec_exchange.OneCFormatError as error:
            raise UserError(
                self.env._(
                    "The 1CClientBankExchange file %(file)s cannot be read: %(error)s",
                    file=self.statement_filename or "",
                    error=error,
                )
            ) from error
        journal = self.env["account.journal"].browse(self.env.context.get("journal_id"))
        # The format carries no currency: the file is in the bank journal's own.
        currency = (journal.currency_id or journal.company_id.currency_id or self.env.company.currency_id).name
        result = []
        for stmt in statements:
            if not stmt.documents:
                continue
            vals = {
                "name": self.env._(
                    "%(account)s from %(start)s to %(end)s",
                    account=stmt.account,
                    start=stmt.date_from or min(d.date for d in stmt.documents),
                    end=stmt.date_to or max(d.date for d in stmt.documents),
                ),
                "date": stmt.date_to or max(d.date for d in stmt.documents),
                "transactions": [
                    {
                        "date": doc.date,
                        "amount": float(doc.amount),
                        "payment_ref": doc.purpose or doc.partner_name or doc.number or "/",
                        "ref": doc.number,
                        "partner_name": doc.partner_name,
                        "account_number": doc.partner_account,
                        "unique_import_id": doc.unique_id,
                        "narration": "\n".join(
                            filter(
                                None,
                                [
                                    doc.kind,
                                    self.env._("Tax id: %s", doc.partner_tax_id) if doc.partner_tax_id else "",
                                ],
                            )
                        ),
                    }
                    for doc in stmt.documents
                ],
            }
            if stmt.balance_start is not None:
                vals["balance_start"] = float(stmt.balance_start)
            if stmt.balance_end is not None:
                vals["balance_end_real"] = float(stmt.balance_end)
            result.append((currency, stmt.account, [vals]))
        return result

    def _complete_stmts_vals(self, stmts_vals, journal, account_number):
        """Every line gets a stable ``unique_import_id`` (a hash of what it says when the bank
        gives no reference), and the credits are queued for matching; debits, fees and
        reversals stay plain statement lines for the accountant."""
        seen = {}
        for st_vals in stmts_vals:
            for lvals in st_vals["transactions"]:
                reversal = lvals.pop("subscription_reversal", False)
                if not lvals.get("unique_import_id"):
                    lvals["unique_import_id"] = self._subscription_line_hash(lvals, seen)
                if float(lvals.get("amount") or 0) > 0 and not reversal:
                    lvals["subscription_match_state"] = "pending"
        return super()._complete_stmts_vals(stmts_vals, journal, account_number)

    def _subscription_line_hash(self, lvals, seen):
        parts = [
            str(lvals.get("date") or "")[:10],
            f"{float(lvals.get('amount') or 0):.2f}",
            lvals.get("payment_ref") or "",
            lvals.get("ref") or "",
            lvals.get("account_number") or "",
            lvals.get("partner_name") or "",
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
        # The same text twice in one file is two payments, and stays two on re-import.
        seen[digest] = seen.get(digest, 0) + 1
        return f"hash-{digest}-{seen[digest]}"

    def _create_bank_statements(self, stmts_vals, result):
        res = super()._create_bank_statements(stmts_vals, result)
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        pending = statements.line_ids.filtered(lambda line: line.subscription_match_state == "pending")
        if pending and not self.env.user.has_group("subscription_billing.group_subscription_billing_user"):
            # Matching reads subscriptions, which this user may not: the lines wait for someone who may.
            result["notifications"].append(
                self.env._(
                    "%s incoming payments wait to be matched to subscribers: your user has no "
                    "Subscription Billing rights. A billing user matches them from Unmatched Bank Lines "
                    "(Match Again).",
                    len(pending),
                )
            )
            return res
        pending._subscription_enqueue()
        return res

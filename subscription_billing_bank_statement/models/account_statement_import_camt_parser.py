from odoo import models


class AccountStatementImportCamtParser(models.AbstractModel):
    """Gives each camt entry the bank's own reference as its ``unique_import_id``.

    ISO 20022 camt.053: ``Ntry/AcctSvcrRef`` is the account servicer's unique reference of
    the entry; a batch entry (``NtryDtls/Btch``) has one ``TxDtls`` per payment, each with
    its ``Refs/AcctSvcrRef`` when the bank gives one. Without either, ``NtryRef``; the
    import then falls back to a hash of the line.
    """

    _inherit = "account.statement.import.camt.parser"

    def parse_entry(self, ns, node):
        details = node.xpath("./ns:NtryDtls/ns:TxDtls", namespaces={"ns": ns})
        entry_ref = self._camt_text(ns, node, "./ns:AcctSvcrRef") or self._camt_text(ns, node, "./ns:NtryRef")
        reversal = (self._camt_text(ns, node, "./ns:RvslInd") or "").lower() == "true"
        for index, transaction in enumerate(super().parse_entry(ns, node)):
            detail = details[index] if index < len(details) else None
            tx_ref = detail is not None and self._camt_text(ns, detail, "./ns:Refs/ns:AcctSvcrRef")
            if tx_ref:
                transaction["unique_import_id"] = f"camt-{tx_ref}"
            elif entry_ref:
                suffix = f"/{index + 1}" if len(details) > 1 else ""
                transaction["unique_import_id"] = f"camt-{entry_ref}{suffix}"
            if reversal:
                transaction["subscription_reversal"] = True
            yield transaction

    def _camt_text(self, ns, node, xpath):
        found = node.xpath(xpath, namespaces={"ns": ns})
        return found[0].text.strip() if found and found[0].text else ""

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        """A paid certificate set invoice moves its set to paid."""
        res = super()._invoice_paid_hook()
        sets = (
            self.env["cert.certificate.set"].sudo().search([("invoice_id", "in", self.ids), ("state", "=", "invoiced")])
        )
        for cert_set in sets:
            cert_set._cert_mark_paid()
        return res

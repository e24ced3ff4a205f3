from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves._answer_response_cases("created")
        return moves

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._answer_response_cases("posted")
        return posted

    def _answer_response_cases(self, end_event):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.partner_id)
        Case = self.env["telephony.response.case"]
        if invoices and Case.has_access("write"):
            # Who may write invoices without the right to answer cases (a salesperson's
            # draft made through sale's sudo) leaves them to the next invoice.
            Case._close_cases(invoices, end_event)

from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        incoming = messages.filtered(lambda m: m.message_type == "email" and m.model and m.res_id)
        if (
            incoming
            and self.env["telephony.response.case"].has_access("create")
            and self.env["telephony.response.rule"].search_count([("start_on_email", "=", True)], limit=1)
        ):
            # The mail gateway (or a user who may open cases) logs an incoming email:
            # a user who may not open cases has a message logged all the same.
            incoming._open_response_cases()
        return messages

    def _response_partner(self):
        """The customer an incoming email comes from: the partner it is logged on, the
        partner of the record it is logged on, else its sender; never an employee, never a
        vendor writing about a purchase (a vendor bill, a partner who is no customer)."""
        self.ensure_one()
        no_one = self.env["res.partner"]
        record = self.env[self.model].browse(self.res_id).exists()
        if self._name_is_vendor_document(record):
            return no_one
        customer_side = record._name == "account.move"  # a customer document (checked above)
        if self.model == "res.partner":
            partner = record
        elif record and "partner_id" in record._fields and record._fields["partner_id"].comodel_name == "res.partner":
            partner = record.partner_id
        else:
            partner = self.author_id
        partner = partner.commercial_partner_id
        if (
            not partner
            or partner.user_ids.filtered(lambda u: not u.share)
            or self.author_id.user_ids.filtered(lambda u: not u.share)
            # a known vendor who is not a customer (yet) writes about a purchase; a new
            # contact (neither) may well be a customer's first request
            or not (customer_side or partner.customer_rank > 0 or not partner.supplier_rank)
        ):
            return no_one
        return partner

    @staticmethod
    def _name_is_vendor_document(record):
        """Whether ``record`` is an accounting document no customer invoice answers (a vendor
        bill, a vendor refund, a journal entry)."""
        return record._name == "account.move" and not (record.move_type or "").startswith("out_")

    def _open_response_cases(self):
        requests = []
        for message in self:
            partner = message._response_partner()
            if partner:
                record = self.env[message.model].browse(message.res_id)
                record_company = record.company_id if "company_id" in record._fields else None
                requests.append(
                    {
                        "source": "email",
                        "message": message,
                        "partner": partner,
                        # the company of the record the email is logged on, else the customer's
                        "company": record_company or partner.company_id or self.env.company,
                        "manager": partner.user_id,
                        "start": message.date,
                    }
                )
        return self.env["telephony.response.case"]._open_cases_safely(requests)

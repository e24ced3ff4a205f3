import base64
import io

import xlsxwriter

from odoo import api, fields, models


class SubscriptionSubscriberXlsx(models.AbstractModel):
    """Excel list of subscribers: contract, customer, group, tariffs, MRR, balance, next invoice."""

    _name = "subscription.subscriber.xlsx"
    _description = "Subscriber List Excel Export"

    @api.model
    def _headers(self):
        _ = self.env._
        return [
            _("Contract Number"),
            _("Customer"),
            _("Customer Group"),
            _("Status"),
            _("Tariffs"),
            _("Monthly Recurring Revenue (excl. tax)"),
            _("Balance Owed (incl. tax)"),
            _("Next Invoice"),
            _("Responsible"),
        ]

    @api.model
    def _generate(self, subscriptions):
        subscriptions = subscriptions.sorted("name")
        balances = dict(
            self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", subscriptions.partner_id.commercial_partner_id.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
        states = dict(subscriptions._fields["state"]._description_selection(self.env))
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Subscribers"))
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        money = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for col, (title, width) in enumerate(zip(self._headers(), (16, 30, 16, 12, 40, 14, 14, 13, 20), strict=True)):
            sheet.write(0, col, title, bold)
            sheet.set_column(col, col, width)
        for row, sub in enumerate(subscriptions, start=1):
            tariffs = ", ".join(sub.line_ids.filtered(lambda line: not line.date_end).mapped("tariff_id.name"))
            sheet.write(row, 0, sub.name)
            sheet.write(row, 1, sub.partner_id.display_name)
            sheet.write(row, 2, sub.customer_group_id.name or "")
            sheet.write(row, 3, states.get(sub.state, sub.state))
            sheet.write(row, 4, tariffs)
            sheet.write_number(row, 5, sub.recurring_monthly, money)
            sheet.write_number(row, 6, balances.get(sub.partner_id.commercial_partner_id, 0.0), money)
            if sub.next_invoice_date:
                sheet.write_datetime(row, 7, fields.Datetime.to_datetime(sub.next_invoice_date), day)
            sheet.write(row, 8, sub.user_id.name or "")
        sheet.autofilter(0, 0, max(len(subscriptions), 1), len(self._headers()) - 1)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return output.getvalue()

    @api.model
    def _export(self, subscriptions):
        content = self._generate(subscriptions)
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("subscribers-%s.xlsx", fields.Date.context_today(self)),
                "datas": base64.b64encode(content),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "res_model": "subscription.subscription",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

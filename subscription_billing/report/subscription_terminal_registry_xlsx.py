from odoo import models


class ReportSubscriptionTerminalRegistryXlsx(models.AbstractModel):
    """Excel reconciliation of a network's registries: each transaction with its status, and the day's totals."""

    _name = "report.subscription_billing.terminal_registry_xlsx"
    _inherit = "report.subscription_billing.xlsx_table"
    _description = "Terminal Registry Reconciliation Excel Report"

    def generate_xlsx_report(self, workbook, data, objs):
        statuses = dict(
            self.env["subscription.terminal.registry.line"]._fields["status"]._description_selection(self.env)
        )
        _ = self.env._
        rows = []
        for registry in objs.sorted("date"):
            rows += [
                [
                    registry.name,
                    line.txn_id,
                    line.account or "",
                    statuses.get(line.status, line.status),
                    line.registry_amount,
                    line.our_amount,
                    line.difference,
                ]
                for line in registry.line_ids
            ]
            rows.append(
                [
                    registry.name,
                    _("Total of the day"),
                    "",
                    "",
                    registry.registry_total,
                    registry.our_total,
                    registry.difference,
                ]
            )
        money = self._report_xlsx_currency_format(self.env.company.currency_id)
        columns = [
            (_("Registry"), None),
            (_("Transaction"), None),
            (_("Account"), None),
            (_("Status"), None),
            (_("In Registry"), money),
            (_("With Us"), money),
            (_("Difference"), money),
        ]
        self._write_table(workbook, _("Registry Reconciliation"), columns, rows)

import base64

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools.xlsx import build_xlsx

# Columns of each exported list, in order.
EXPORT_COLUMNS = {
    "cert.license": [
        "license_key",
        "partner_id",
        "product_id",
        "valid_from",
        "valid_to",
        "state",
        "manager_id",
        "check_state",
        "check_date",
    ],
    "cert.certificate.set": [
        "name",
        "partner_id",
        "product_id",
        "price_unit",
        "contract_type",
        "region",
        "manager_id",
        "registration_admin_id",
        "state",
        "payment_date",
        "ordered_date",
        "generated_date",
        "documents_complete",
        "documents_location",
    ],
    "cert.certificate": [
        "set_id",
        "partner_id",
        "owner_name",
        "owner_tax_id",
        "purpose",
        "serial",
        "valid_from",
        "valid_to",
        "state",
        "manager_id",
    ],
    "cert.issuance.report": [
        "set_id",
        "stage",
        "partner_id",
        "region",
        "contract_type",
        "date",
        "payment_date",
        "amount",
    ],
}


class CertXlsxExport(models.TransientModel):
    _name = "cert.xlsx.export"
    _description = "Excel Export of Certificate Lists"

    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _cell(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "")
        if field.type == "datetime":
            return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None) if value else None
        return value

    def _build(self, records):
        columns = EXPORT_COLUMNS.get(records._name)
        if not columns:
            raise UserError(_("There is no Excel export for %s.", records._description))
        headers = [records._fields[name]._description_string(self.env) for name in columns]
        rows = [[self._cell(record, name) for name in columns] for record in records]
        return build_xlsx(records._description, headers, rows)

    def action_export(self, records):
        """Export ``records`` to an XLSX file and download it."""
        data = self._build(records)
        export = self.create(
            {"file": base64.b64encode(data), "filename": f"{records._description.replace(' ', '_').lower()}.xlsx"}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{export._name}/{export.id}/file/{export.filename}?download=true",
            "target": "self",
        }

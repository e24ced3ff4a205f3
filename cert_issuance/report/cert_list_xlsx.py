from odoo import fields, models

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


class ReportCertListXlsx(models.AbstractModel):
    """Excel list of licenses, certificate sets, certificates or issuance statistics: one table of
    the columns of ``EXPORT_COLUMNS``, dates as dates, every text kept as text."""

    _name = "report.cert_issuance.list_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Certificate Lists Excel Report"

    def get_workbook_options(self):
        # An owner named "=HYPERLINK(...)" stays a name: no string becomes a formula, link or number.
        return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

    def _cell(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) if value else None
        if field.type == "datetime":
            return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None) if value else None
        return None if value is False and field.type != "boolean" else value

    def _format(self, workbook, field):
        num_format = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "monetary": "#,##0.00", "float": "#,##0.00"}
        return workbook.add_format({"num_format": num_format.get(field.type, "0" if field.type == "integer" else "@")})

    def generate_xlsx_report(self, workbook, data, objs):
        names = EXPORT_COLUMNS[objs._name]
        columns = [
            {
                "header": objs._fields[name]._description_string(self.env),
                "format": self._format(workbook, objs._fields[name]),
            }
            for name in names
        ]
        rows = [[self._cell(record, name) for name in names] for record in objs]
        sheet = workbook.add_worksheet(objs._description[:31])
        sheet.add_write_handler(str, type(sheet).write_string)
        sheet.add_table(0, 0, max(len(rows), 1), len(columns) - 1, {"columns": columns, "data": rows})
        sheet.autofit()

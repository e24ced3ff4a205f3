import base64
import io

from odoo import fields, models
from odoo.addons.queue_job.delay import chain
from odoo.exceptions import UserError
from odoo.osv.expression import OR
from odoo.tools import escape_psql

from ..tools.import_rows import parse_rows, read_csv

MAX_LISTED_ERRORS = 50
IMPORT_BATCH_SIZE = 500  # rows one job creates or updates


class CertLicenseImport(models.TransientModel):
    _name = "cert.license.import"
    _description = "Import License List"

    file = fields.Binary(required=True)
    filename = fields.Char()
    mapping_id = fields.Many2one("cert.import.mapping", string="Column Mapping", required=True)
    import_good_rows = fields.Boolean(
        help="Import the good rows even when some rows are bad (the bad ones are listed). "
        "Without it, nothing is imported until every row is good."
    )
    state = fields.Selection([("draft", "Draft"), ("importing", "Importing"), ("done", "Done")], default="draft")
    job_count = fields.Integer("Import Jobs", readonly=True)
    job_done = fields.Integer("Import Jobs Done", readonly=True)
    skipped_report = fields.Text(readonly=True)
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    result = fields.Text(readonly=True)

    def _read_rows(self):
        data = base64.b64decode(self.file or b"")
        name = (self.filename or "").lower()
        if name.endswith((".xlsx", ".xlsm")):
            import openpyxl

            try:
                sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            except Exception as error:
                raise UserError(self.env._("The file is not a readable XLSX workbook: %s", error)) from error
            return [list(row) for row in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in row)]
        if name.endswith(".xls"):
            import xlrd

            try:
                sheet = xlrd.open_workbook(file_contents=data).sheet_by_index(0)
            except Exception as error:
                raise UserError(self.env._("The file is not a readable XLS workbook: %s", error)) from error
            return [sheet.row_values(i) for i in range(sheet.nrows)]
        return read_csv(data, delimiter=self.mapping_id.delimiter or None)

    def _resolve(self, good):
        """Find partner, product and manager of each row; rows that cannot be resolved become bad."""
        company = self.env.company
        refs = {values.get("partner_ref") for _line, values in good if values.get("partner_ref")}
        names = {values.get("partner_name") for _line, values in good if values.get("partner_name")}
        name_domains = [[("name", "=ilike", escape_psql(name))] for name in names]
        partners = self.env["res.partner"].search(OR([[("company_registry", "in", list(refs))], *name_domains]))
        by_ref = {p.company_registry: p for p in partners if p.company_registry}
        by_name = {}
        for partner in partners.sorted(lambda p: (not p.is_company, p.id)):
            by_name.setdefault(partner.name.casefold(), partner)
        products_names = {values["product"] for _line, values in good}
        products = self.env["product.product"].search(
            ["|", ("default_code", "in", list(products_names)), ("name", "in", list(products_names))]
        )
        product_by = {}
        for product in products:
            product_by.setdefault(product.name, product)
        for product in products.filtered("default_code"):
            product_by[product.default_code] = product
        logins = {values.get("manager") for _line, values in good if values.get("manager")}
        users = {u.login: u for u in self.env["res.users"].search([("login", "in", list(logins))])}
        resolved, bad = [], []
        for line, values in good:
            errors = []
            partner = by_ref.get(values.get("partner_ref")) or by_name.get(
                (values.get("partner_name") or "").casefold()
            )
            if not partner:
                errors.append(
                    self.env._(
                        "customer %(ref)s %(name)s not found",
                        ref=values.get("partner_ref") or "",
                        name=values.get("partner_name") or "",
                    )
                )
            product = product_by.get(values["product"])
            if not product:
                errors.append(self.env._("module %s not found", values["product"]))
            manager = users.get(values.get("manager")) if values.get("manager") else self.env.user
            if not manager:
                errors.append(self.env._("manager %s not found", values["manager"]))
            if errors:
                bad.append((line, errors))
                continue
            vals = {
                "license_key": values["license_key"],
                "partner_id": partner.id,
                "product_id": product.id,
                "valid_to": values["valid_to"],
                "company_id": company.id,
            }
            if values.get("valid_from"):
                vals["valid_from"] = values["valid_from"]
            if values.get("manager"):
                vals["manager_id"] = manager.id
            resolved.append((line, vals))
        return resolved, bad

    def action_import(self):
        self.ensure_one()
        try:
            good, bad = parse_rows(self._read_rows(), self.mapping_id._as_dict(), self.mapping_id.has_header)
        except ValueError as error:
            raise UserError(self.env._("The file cannot be imported: %s", error)) from error
        resolved, unresolved = self._resolve(good)
        bad = sorted(bad + unresolved)
        report = "\n".join(
            self.env._("Line %(line)s: %(errors)s", line=line, errors="; ".join(errors))
            for line, errors in bad[:MAX_LISTED_ERRORS]
        )
        if len(bad) > MAX_LISTED_ERRORS:
            report += "\n" + self.env._("... and %s more bad rows", len(bad) - MAX_LISTED_ERRORS)
        if bad and not self.import_good_rows:
            raise UserError(
                self.env._("Nothing was imported, %(count)s rows are bad:\n%(report)s", count=len(bad), report=report)
            )
        chunks = [resolved[i : i + IMPORT_BATCH_SIZE] for i in range(0, len(resolved), IMPORT_BATCH_SIZE)]
        self.write(
            {
                "state": "importing" if chunks else "done",
                "job_count": len(chunks),
                "skipped_report": self.env._("%s rows skipped.", len(bad)) + ("\n" + report if report else ""),
            }
        )
        self._write_result()
        licenses = self.env["cert.license"]
        delayables = [
            licenses.delayable(
                channel="root.cert_issuance",
                description=self.env._("Import licenses of %(file)s, part %(part)s", file=self.filename, part=n + 1),
                identity_key=f"cert_license_import_{self.id}_{n}",
            )._cert_import_batch(self.id, [vals for _line, vals in chunk])
            for n, chunk in enumerate(chunks)
        ]
        if delayables:  # one part after the other: a license key twice in the file is created once
            chain(*delayables).delay()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _write_result(self):
        self.result = "\n".join(
            filter(
                None,
                [
                    self.env._(
                        "%(created)s licenses created, %(updated)s updated.",
                        created=self.created_count,
                        updated=self.updated_count,
                    ),
                    self.skipped_report,
                    self.state == "importing"
                    and self.env._(
                        "Importing: %(done)s of %(count)s parts done.", done=self.job_done, count=self.job_count
                    ),
                ],
            )
        )

    def action_refresh(self):
        """Show the wizard again, with the progress of its import jobs."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

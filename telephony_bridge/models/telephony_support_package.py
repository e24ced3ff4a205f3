from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TelephonySupportPackage(models.Model):
    _name = "telephony.support.package"
    _description = "Prepaid Support Time Package"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start, id"

    name = fields.Char(required=True, default=lambda self: _("Support hours"))
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('parent_id', '=', False)]", tracking=True
    )
    service_id = fields.Many2one("telephony.support.service", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, index=True
    )
    hours_bought = fields.Float(required=True, tracking=True, digits=(16, 2))
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Valid Until")
    source_reference = fields.Char(
        help="Where the hours come from: an invoice number, an order... (entered by hand; an accounting "
        "bridge module can fill it from the invoice line of a service-hours product)."
    )
    consumption_ids = fields.One2many("telephony.support.consumption", "package_id", string="Time Consumed")
    hours_used = fields.Float(compute="_compute_hours", store=True, digits=(16, 2))
    hours_remaining = fields.Float(compute="_compute_hours", store=True, digits=(16, 2), aggregator="sum")
    is_low = fields.Boolean(compute="_compute_hours", store=True, string="Running Low")
    low_warning_sent = fields.Boolean(copy=False)
    active = fields.Boolean(default=True)

    @api.constrains("hours_bought", "date_start", "date_end")
    def _check_values(self):
        for package in self:
            if package.hours_bought <= 0:
                raise ValidationError(_("A support package must contain some hours."))
            if package.date_end and package.date_end < package.date_start:
                raise ValidationError(_("The package ends before it starts."))

    @api.depends("hours_bought", "consumption_ids.minutes", "service_id.low_hours")
    def _compute_hours(self):
        for package in self:
            used = sum(package.consumption_ids.mapped("minutes")) / 60.0
            package.hours_used = used
            package.hours_remaining = package.hours_bought - used
            package.is_low = package.hours_remaining < (package.service_id.low_hours or 0.0)

    def write(self, vals):
        if "hours_bought" in vals:
            vals = dict(vals, low_warning_sent=False)
        return super().write(vals)

    @api.model
    def _exists_for(self, partner_id):
        """Whether the customer of ``partner_id`` has any active package: one index lookup,
        run before the searches of :meth:`_find_for` on the paths of every phone call."""
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.flush_model(["partner_id", "active"])
        self.env.cr.execute(
            """
            SELECT 1
              FROM res_partner partner
              JOIN telephony_support_package package ON package.partner_id = partner.commercial_partner_id
             WHERE partner.id = %s AND package.active
             LIMIT 1
            """,
            [partner_id],
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _find_for(self, partner, day, service=None):
        """Open packages of ``partner``'s company valid on ``day``, oldest first."""
        domain = [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("date_start", "<=", day),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", day),
        ]
        if service:
            domain.append(("service_id", "=", service.id))
        return self.search(domain, order="date_start, id")

    def _warn_if_low(self):
        # When a call ends, the PBX's technical user warns: it has no email address to
        # send the assignment email from, the to-do in the responsible's activities is
        # the warning.
        packages = self if self.env.user.email else self.with_context(mail_activity_quick_update=True)
        for package in packages.filtered(lambda p: p.is_low and not p.low_warning_sent):
            package.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(package.user_id or self.env.user).id,
                summary=_("Support time running low"),
                note=_(
                    "%(customer)s has %(hours).2f hours of %(service)s left.",
                    customer=package.partner_id.display_name,
                    hours=package.hours_remaining,
                    service=package.service_id.name,
                ),
            )
            package.low_warning_sent = True

    def action_export_xlsx(self):
        """Excel file of the selected packages (all when none)."""
        report = self.env.ref("telephony_bridge.action_report_support_time_xlsx")
        return report.report_action(self or self.search([]), config=False)

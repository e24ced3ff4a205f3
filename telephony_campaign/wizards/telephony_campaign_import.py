import base64

from odoo import _, fields, models
from odoo.addons.telephony_bridge.tools import phone
from odoo.exceptions import UserError

from ..tools import contact_list


class TelephonyCampaignImport(models.TransientModel):
    """A list of names and phones (CSV) added to a campaign: whole, or not at all."""

    _name = "telephony.campaign.import"
    _description = "Import a Contact List into a Campaign"

    campaign_id = fields.Many2one("telephony.campaign", required=True, ondelete="cascade")
    file = fields.Binary(required=True)
    filename = fields.Char()

    def _problem_text(self, code):
        return {
            "no_header": _("the first line must name the columns 'name' and 'phone'"),
            "no_name": _("the name is empty"),
            "no_phone": _("the phone is empty"),
            "duplicate": _("the phone is listed twice"),
            "bad_phone": _("not a phone number"),
        }[code]

    def action_import(self):
        self.ensure_one()
        campaign = self.campaign_id
        if campaign.state == "done":
            raise UserError(_("The campaign %s is done: nothing more can be added.", campaign.name))
        try:
            text = contact_list.decode(base64.b64decode(self.file or b""))
        except ValueError as exc:
            raise UserError(_("The file is not a text (CSV) file.")) from exc
        rows, problems = contact_list.read_rows(text)
        region = (campaign.company_id.telephony_default_country_id or campaign.company_id.country_id).code
        numbers = {}
        for line, name, raw in rows:
            e164 = phone.to_e164(raw, region)
            if not e164:
                problems.append((line, "bad_phone"))
            elif e164 in numbers:
                problems.append((line, "duplicate"))
            else:
                numbers[e164] = (name, raw)
        if problems:
            raise UserError(
                _("Nothing was imported. Correct these lines and import the file again:")
                + "\n"
                + "\n".join(
                    _("Line %(line)s: %(problem)s", line=line, problem=self._problem_text(code))
                    for line, code in sorted(problems)
                )
            )
        if not numbers:
            raise UserError(_("The file lists nobody to call."))
        Partner = self.env["res.partner"]
        partners = Partner
        new_values = []
        for e164, (name, raw) in numbers.items():
            found = Partner._telephony_find_by_e164(e164, company=campaign.company_id)[:1]
            if found:
                partners |= found
            else:
                new_values.append({"name": name, "phone": raw})
        partners |= Partner.create(new_values)
        added = campaign._add_partners(partners)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(count)s contacts added to %(campaign)s (%(new)s new contacts created).",
                    count=len(added),
                    campaign=campaign.name,
                    new=len(new_values),
                ),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

import ast

from odoo import models

SUBSCRIPTION_MODEL = "subscription.subscription"


class SubscriptionSubscription(models.Model):
    _inherit = "subscription.subscription"
    _mailing_enabled = True

    def _mailing_get_default_domain(self, mailing):
        """Active subscriptions, or the subscriptions chosen in the list the mailing was started from.

        The recipient is the subscription's customer: their email and mobile (else phone),
        checked against the email and phone blocklists when the mailing is sent.
        """
        context = self.env.context
        from_list = context.get("default_mailing_model_id") == mailing.mailing_model_id.id
        if from_list and context.get("default_mailing_domain"):
            return ast.literal_eval(context["default_mailing_domain"])
        return [("state", "=", "active")]

    def _mailing_one_per_subscriber(self):
        """The first subscription of each customer in ``self``: a subscriber with several
        subscriptions of a segment gets one message, whatever the message says about each."""
        customers = set()
        kept = []
        for sub in self:
            if sub.partner_id.id not in customers:
                customers.add(sub.partner_id.id)
                kept.append(sub.id)
        return self.browse(kept)

    def _mailing_selection_domain(self):
        """The list's search when all its subscriptions are selected, else the selected ones."""
        domain = self.env.context.get("active_domain")
        if domain is not None and self.search_count(domain) == len(self):
            return domain
        return [("id", "in", self.ids)]

    def action_mailing_new(self, mailing_type="mail"):
        """A new email or SMS mailing to the customers of the selected subscriptions."""
        view = "mass_mailing_sms.mailing_mailing_view_form_sms" if mailing_type == "sms" else None
        view = view or "mass_mailing.view_mail_mass_mailing_form"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("SMS Marketing") if mailing_type == "sms" else self.env._("Email Marketing"),
            "res_model": "mailing.mailing",
            "views": [(self.env.ref(view).id, "form")],
            "target": "current",
            "context": {
                "default_mailing_type": mailing_type,
                "default_mailing_model_id": self.env["ir.model"]._get_id(SUBSCRIPTION_MODEL),
                "default_mailing_domain": repr(self._mailing_selection_domain()),
                "default_user_id": self.env.uid,
                "mailing_sms": mailing_type == "sms",
            },
        }

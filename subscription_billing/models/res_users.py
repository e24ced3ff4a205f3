from odoo import api, models
from odoo.exceptions import ValidationError

from .subscription_payment_terminal import TERMINAL_USER_GROUPS


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.constrains("groups_id")
    def _check_subscription_terminal_user(self):
        """The user a payment terminal acts as gets no right beyond a billing user's."""
        terminals = (
            self.env["subscription.payment.terminal"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", self.ids)])
        )
        for terminal in terminals:
            terminal.user_id._subscription_check_terminal_user(terminal)

    def _subscription_check_terminal_user(self, terminal):
        """Raise unless ``self`` may be the user ``terminal`` acts as: not the superuser, and
        member of the groups of :data:`TERMINAL_USER_GROUPS` (and what they imply) only,
        besides the multi-company flag."""
        self.ensure_one()
        user = self.sudo()
        groups = self.env["res.groups"]
        for xmlid in TERMINAL_USER_GROUPS:
            groups |= self.env.ref(xmlid)
        # Odoo itself adds "Multi Companies" to a user of several companies: no right on records.
        groups |= self.env.ref("base.group_multi_company")
        extra = user.groups_id - groups - groups.trans_implied_ids
        if user._is_superuser() or extra:
            raise ValidationError(
                self.env._(
                    "The payment terminal %(terminal)s cannot act as %(user)s: a terminal acts as a user with the "
                    "rights of a subscription billing user registering payments only, and %(user)s also has: "
                    "%(extra)s.",
                    terminal=terminal.display_name,
                    user=user.name,
                    extra=", ".join(extra.mapped("full_name")) or self.env._("the superuser's rights"),
                )
            )

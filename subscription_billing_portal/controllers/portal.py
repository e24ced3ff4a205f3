from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request


class SubscriptionPortal(CustomerPortal):
    """The subscriber's "My subscriptions", shaped like Odoo's sale and account portal pages."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "subscription_count" in counters:
            subscriptions = request.env["subscription.subscription"]
            values["subscription_count"] = (
                subscriptions.search_count(self._subscription_domain()) if subscriptions.has_access("read") else 0
            )
        return values

    def _subscription_domain(self):
        # What the user may read is decided by the record rules (own and own company's subscriptions).
        return [("state", "!=", "draft")]

    @http.route(["/my/subscriptions", "/my/subscriptions/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_subscriptions(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        subscriptions = request.env["subscription.subscription"]
        if not subscriptions.has_access("read"):
            return request.redirect("/my")
        domain = self._subscription_domain()
        count = subscriptions.search_count(domain)
        pager = portal_pager(url="/my/subscriptions", total=count, page=page, step=self._items_per_page)
        values.update(
            {
                # found with the customer's rights (record rules); shown like the page of each one
                "subscriptions": subscriptions.search(
                    domain, order="id desc", limit=self._items_per_page, offset=pager["offset"]
                ).sudo(),
                "page_name": "subscription",
                "pager": pager,
                "default_url": "/my/subscriptions",
            }
        )
        return request.render("subscription_billing_portal.portal_my_subscriptions", values)

    @http.route(["/my/subscriptions/<int:subscription_id>"], type="http", auth="public", website=True)
    def portal_my_subscription(self, subscription_id, access_token=None, message=None, **kw):
        try:
            sub_sudo = self._document_check_access("subscription.subscription", subscription_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._subscription_page_values(sub_sudo, access_token, message=message, **kw)
        return request.render("subscription_billing_portal.portal_my_subscription", values)

    def _subscription_page_values(self, sub_sudo, access_token, message=None, **kwargs):
        invoices = sub_sudo._portal_invoices()
        open_invoices = invoices._subscription_open_invoices().sorted(lambda move: (move.invoice_date_due, move.id))
        logged_in = not request.env.user._is_public()
        tokens = sub_sudo._portal_payment_tokens() if logged_in else request.env["payment.token"]
        if logged_in:
            tokens = tokens.filtered(lambda token: token.partner_id == request.env.user.partner_id)
        values = {
            "subscription": sub_sudo,
            "invoices": invoices,
            "open_invoices": open_invoices,
            "pending_changes": sub_sudo._portal_pending_changes(),
            "next_invoice_amount": sub_sudo._portal_next_invoice_amount(),
            "payment_tokens": tokens,
            "logged_in": logged_in,
            # account_payment's page that pays every overdue invoice of the logged-in customer at once
            "pay_overdue_url": "/my/invoices/overdue"
            if logged_in and sub_sudo.amount_overdue and sub_sudo.partner_id == request.env.user.partner_id
            else False,
            "portal_message": message,
            "promises": sub_sudo._portal_promises(),
            "promise_error": kwargs.pop("promise_error", None),
            "promise_values": kwargs.pop("promise_values", {}),
            "page_name": "subscription",
        }
        return self._get_page_view_values(sub_sudo, access_token, values, "my_subscriptions_history", False, **kwargs)

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/payment_method"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_subscription_payment_method(self, subscription_id, access_token=None, token_id=None, **kw):
        """Save, replace or remove the saved payment method charged automatically (a logged-in customer only)."""
        try:
            sub_sudo = self._document_check_access("subscription.subscription", subscription_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        token = request.env["payment.token"]
        if token_id:
            # The token rule lets a customer read their own payment methods only.
            token = request.env["payment.token"].search([("id", "=", int(token_id))])
            if not token:
                return request.redirect(f"{sub_sudo.get_portal_url()}&message=token_refused")
        try:
            sub_sudo._portal_set_payment_token(token.sudo())
        except UserError:
            return request.redirect(f"{sub_sudo.get_portal_url()}&message=token_refused")
        return request.redirect(f"{sub_sudo.get_portal_url()}&message={'token_saved' if token else 'token_removed'}")

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/promise"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_subscription_promise(self, subscription_id, date_until=None, amount=None, **kw):
        """The logged-in customer asks for a promised payment; refused with the reason on the page."""
        subscription = request.env["subscription.subscription"].browse(subscription_id).exists()
        # Only with the customer's own rights (record rules), never with a shared link's access token.
        if not subscription or not subscription.has_access("read"):
            return request.redirect("/my")
        error = None
        try:
            promise_date = fields.Date.to_date(date_until or None)
            promise_amount = float((amount or "").replace(",", ".").replace(" ", ""))
        except ValueError:
            error = request.env._("Enter the date as a date and the amount as a number.")
        if not error:
            try:
                with request.env.cr.savepoint():
                    subscription._portal_promise_payment(promise_date, promise_amount)
            except ValidationError as refused:
                error = refused.args[0]
        if not error:
            return request.redirect(f"{subscription.sudo().get_portal_url()}&message=promise_saved")
        values = self._subscription_page_values(
            subscription.sudo(),
            None,
            promise_error=error,
            promise_values={"date_until": date_until, "amount": amount},
        )
        return request.render("subscription_billing_portal.portal_my_subscription", values)

from odoo import api, models
from odoo.models import regex_field_agg


class SubscriptionMrrLevelMixin(models.AbstractModel):
    """Recurring revenue reports whose levels are never added over months.

    An MRR, an ARR or a customer count is a level at the end of a month, not a flow: the
    levels of several months added together mean nothing. Within one month they add up
    (subscriptions, tariffs, customer groups); a group that spans several months (the
    pivot's total, a quarter, a year) gets no value for them, while the movements (new,
    expansion, reactivation, contraction, churn) are flows and keep their sums.
    """

    _name = "subscription.mrr.level.mixin"
    _description = "Recurring Revenue Levels"

    # Fields that are levels at the end of a month (or ratios of levels).
    _mrr_level_fields = ()

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):  # noqa: PLR0917 (Odoo signature)
        keys = set()
        for spec in fields:
            match = regex_field_agg.match(spec)
            if match:
                name, _func, fname = match.groups()
                if (fname or name) in self._mrr_level_fields:
                    keys.add(name)
        if not keys:
            return super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)
        months_key = "mrr_month_count"
        groups = super().read_group(
            domain, [*fields, f"{months_key}:count_distinct(month)"], groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            if (group.pop(months_key, 0) or 0) > 1:
                group.update(dict.fromkeys(keys, False))
        return groups

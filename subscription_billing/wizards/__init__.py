from . import subscription_change_tariff
from . import subscription_price_revision
from . import subscription_billing_preview
from . import subscription_billing_preview_line

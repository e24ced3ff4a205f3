from . import subscription_change_tariff
from . import subscription_price_revision

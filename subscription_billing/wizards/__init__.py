from . import subscription_change_tariff

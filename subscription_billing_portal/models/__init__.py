from . import account_move
from . import subscription_dunning_policy
from . import subscription_invoice_builder
from . import subscription_subscription

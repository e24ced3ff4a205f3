from . import account_move
from . import payment_transaction
from . import subscription_dunning_policy
from . import subscription_invoice_builder
from . import subscription_payment_promise
from . import subscription_subscription

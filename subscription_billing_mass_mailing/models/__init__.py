from . import mailing_mailing
from . import subscription_subscription

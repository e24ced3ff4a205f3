from . import test_subscriptions_dashboard
from . import test_digest

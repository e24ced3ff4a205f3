from . import test_subscriptions_dashboard

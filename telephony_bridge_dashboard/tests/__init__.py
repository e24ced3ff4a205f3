from . import test_calls_dashboard

from . import test_caller_id
from . import test_missed_calls
from . import test_notification
from . import test_open_app_tour
from . import test_security
from . import test_webhook
from . import test_sms_gateway

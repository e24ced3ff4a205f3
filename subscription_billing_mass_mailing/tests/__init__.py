from . import test_segment_mailing
from . import test_subscription_list_action

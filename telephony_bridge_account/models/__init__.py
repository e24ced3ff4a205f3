from . import telephony_response_rule
from . import telephony_response_case
from . import telephony_call
from . import mail_message
from . import account_move
from . import telephony_support_package
from . import telephony_pay_basis

from . import res_company
from . import res_config_settings
from . import res_partner
from . import res_users
from . import telephony_pbx
from . import telephony_call
from . import telephony_sms_provider
from . import sms_sms

from . import telephony_support_time_xlsx

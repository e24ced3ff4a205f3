from . import telephony_call_transfer

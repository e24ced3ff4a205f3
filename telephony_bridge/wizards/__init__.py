from . import telephony_call_transfer
from . import telephony_conversation_task

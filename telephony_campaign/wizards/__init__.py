from . import telephony_campaign_outcome
from . import telephony_campaign_import

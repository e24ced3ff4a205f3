from . import telephony_campaign
from . import telephony_campaign_contact

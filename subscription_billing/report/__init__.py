from . import subscription_mrr_report
from . import subscription_subscriber_xlsx
from . import subscription_debtor_aging

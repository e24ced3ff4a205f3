from . import subscription_mrr_level_mixin
from . import subscription_mrr_report
from . import subscription_mrr_summary
from . import subscription_xlsx_table
from . import subscription_subscriber_xlsx
from . import subscription_debtor_aging
from . import subscription_debtor_aging_xlsx
from . import subscription_terminal_registry_xlsx

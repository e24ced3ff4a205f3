from . import test_open_app_tour
from . import test_proration
from . import test_invoicing_run
from . import test_invoice_equivalence
from . import test_subscriber_card
from . import test_price_revision
from . import test_analysis

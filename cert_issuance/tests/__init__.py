from . import test_open_app_tour
from . import test_expiry_cron
from . import test_pipeline
from . import test_security
from . import test_import
from . import test_printouts

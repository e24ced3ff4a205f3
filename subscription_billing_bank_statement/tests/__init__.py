from . import test_bank_statement_import
from . import test_subscriber_matching
from . import test_sheet_import

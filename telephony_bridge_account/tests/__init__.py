from . import test_response_time
from . import test_pay_basis

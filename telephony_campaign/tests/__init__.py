from . import test_queue
from . import test_concurrency
from . import test_fill
from . import test_security
from . import test_survey

from . import test_open_app_tour

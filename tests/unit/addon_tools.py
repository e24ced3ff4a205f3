"""Load an addon's plain-Python ``tools`` package without importing Odoo.

``tools(addon)`` imports ``<addon>/tools`` under the name ``<addon>_tools``, so its
modules (``subscription_billing_tools.periods``...) are tested without the addon's
``__init__`` (which imports Odoo models). Modules in ``tools/`` import nothing from Odoo.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tools(addon, module):
    package = f"{addon}_tools"
    if package not in sys.modules:
        init = REPO / addon / "tools" / "__init__.py"
        spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[str(init.parent)])
        sys.modules[package] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[package])
    return importlib.import_module(f"{package}.{module}")

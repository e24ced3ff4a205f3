"""Start Odoo's own command line with a recorder of test results.

Usage: ``python3 run_odoo.py REPORT.jsonl [odoo options...]``

Odoo reports test outcomes only in its log. This driver patches
``odoo.tests.result.OdooTestResult`` so that every start, failure, error, skip and
stop is also written as one JSON line to REPORT, which the pytest collector reads.
It adds no behaviour to Odoo: the same ``odoo.cli.main()`` runs as with odoo-bin.
"""

import json
import sys
import time
from unittest import case


def _test_id(test):
    if isinstance(test, case._SubTest):
        return test.test_case.id()
    return test.id()


def install_recorder(report_path):
    from odoo.tests import result as odoo_result

    report = open(report_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives as long as the process)

    def write(event, test, **values):
        values.update(event=event, id=_test_id(test), time=time.time())
        if isinstance(test, case._SubTest):
            values["subtest"] = test._subDescription()
        report.write(json.dumps(values) + "\n")

    cls = odoo_result.OdooTestResult
    start_test, stop_test = cls.startTest, cls.stopTest
    add_error, add_failure, add_skip = cls.addError, cls.addFailure, cls.addSkip

    def startTest(self, test):
        write("start", test)
        return start_test(self, test)

    def stopTest(self, test):
        write("stop", test)
        return stop_test(self, test)

    def addError(self, test, err):
        write("error", test, text=self._exc_info_to_string(err, test), soft=self._soft_fail)
        return add_error(self, test, err)

    def addFailure(self, test, err):
        write("fail", test, text=self._exc_info_to_string(err, test), soft=self._soft_fail)
        return add_failure(self, test, err)

    def addSkip(self, test, reason):
        write("skip", test, text=str(reason))
        return add_skip(self, test, reason)

    cls.startTest, cls.stopTest = startTest, stopTest
    cls.addError, cls.addFailure, cls.addSkip = addError, addFailure, addSkip


def main(argv):
    report_path, odoo_args = argv[1], argv[2:]
    import odoo.cli

    install_recorder(report_path)
    sys.argv = ["odoo", *odoo_args]
    odoo.cli.main()


if __name__ == "__main__":
    main(sys.argv)

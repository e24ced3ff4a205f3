from . import test_pay_basis_certificates

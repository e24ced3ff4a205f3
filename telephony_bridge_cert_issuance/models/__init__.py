from . import telephony_pay_basis

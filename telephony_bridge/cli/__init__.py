from . import telephony_ami

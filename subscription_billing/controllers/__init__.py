from . import terminal

"""earlyyears-desktop: offline records for early years SEND support."""

__version__ = "0.1.0"

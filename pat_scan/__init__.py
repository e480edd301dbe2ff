"""pat-scan: keeps credentials out of git."""

__version__ = "0.1.0"

"""Territory Desktop: carve, balance and maintain sales territories, offline."""

__version__ = "0.1.0"

"""Vending Console: an operator console for a vending cloud platform's Open API."""

__version__ = "0.1.0"

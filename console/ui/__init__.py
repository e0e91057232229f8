"""The window: widgets, item models and dialogs (no requests, sqlite3 or keyring here)."""

"""The journal's Alembic migrations (``env.py``, ``versions/``), run by
``console.journal.migration``; no alembic.ini is needed."""

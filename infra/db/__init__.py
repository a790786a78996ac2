"""Persistence shared by every service: engine, base model, repository, unit of work, outbox.

Each service owns its own database (SQLite by default, PostgreSQL in production) and its own
Alembic migrations; this package only supplies the common shape.
"""

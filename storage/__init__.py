"""The archive: SQLAlchemy models, read and write functions, Alembic migrations."""

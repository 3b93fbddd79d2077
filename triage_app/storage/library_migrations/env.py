"""Alembic environment: runs migrations on the connection the store passes in."""

from alembic import context

from triage_app.storage.migrate import run_env

run_env(context)

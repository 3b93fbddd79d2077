"""The case database schema as SQLAlchemy typed ORM classes, one module per aggregate.

Import the classes from their module (:mod:`.case`, :mod:`.accounts`,
:mod:`.review` (grades), :mod:`.groups`, :mod:`.supervision`): a command maps
only the tables it uses (an ingest, for one, never maps the grades').
:mod:`.all` loads every module, for Alembic and the schema tests.

Every change here needs an Alembic revision under ``migrations/versions``;
``tests/storage/test_migrate.py`` checks that the two agree.
"""

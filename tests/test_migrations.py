"""The migrations are the schema users get. The test databases are built straight from the
models (``--no-migrations`` in pyproject.toml: replaying the whole chain costs about 25 s
per run), so these tests hold the two together: the models have no change the migrations
lack, and the full chain, run by ``manage.py migrate`` into an empty database, gives the
same tables, columns, indexes and constraints as the models (on SQLite: introspected
the same way on PostgreSQL, it would lengthen the longer of the two runs by 25 s)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_the_migrations_match_the_models(tmp_path):
    # In a process of its own: in this one, --no-migrations hides the migrations.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, f"the models have changes no migration records:\n{check.stdout}{check.stderr}"


OURS = ("mentoring_", "schemes_", "benchmarks_")  # Django's and other apps' schemas are theirs


def schema():
    """This project's tables as Django's introspection sees them on the default database:
    each column's type and nullability, and every constraint and index (primary key,
    unique, foreign key, check, index) by its columns, whatever its generated name."""
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if not table.startswith(OURS):
                continue
            columns = sorted(
                f"{c.name} {c.type_code} null={c.null_ok}" for c in connection.introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                f"{','.join(str(column) for column in c['columns'] or [])} pk={c['primary_key']} unique={c['unique']} fk={c['foreign_key']} "
                f"check={c['check']} index={c['index']}"
                for c in connection.introspection.get_constraints(cursor, table).values()
            )
            found[table] = {"columns": columns, "constraints": constraints}
    return found


DUMP = "import json, django; django.setup(); from tests.test_migrations import schema; print(json.dumps(schema()))"


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs in the SQLite run of the suite, the shorter of the two (./dev test runs both)"
)
@pytest.mark.django_db
def test_the_migration_chain_builds_the_schema_of_the_models(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    dumped = subprocess.run([sys.executable, "-c", DUMP], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    from_migrations, from_models = json.loads(dumped.stdout), schema()
    assert len(from_models) > 50 and sum(len(t["constraints"]) for t in from_models.values()) > 200  # all of it is read
    assert sorted(from_migrations) == sorted(from_models), "the tables differ"
    for table, expected in from_models.items():
        for part in ("columns", "constraints"):
            missing = sorted(set(expected[part]) - set(from_migrations[table][part]))
            extra = sorted(set(from_migrations[table][part]) - set(expected[part]))
            assert (missing, extra) == ([], []), f"{table} {part}: the migrations lack {missing}, add {extra}"

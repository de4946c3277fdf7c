"""The parts of ``manage.py load_test`` (schemes/management/commands/load_test.py):
``browser`` (a person's connection, the form reader, the results), ``preparation`` (the
people and the objects they edit, on the demo data) and ``saves`` (the saves in the mix
and the check, in the database, that every acknowledged one is there, whole)."""

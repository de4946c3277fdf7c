"""The parts of ``manage.py load_test`` (schemes/management/commands/load_test.py)."""

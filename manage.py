#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    # A bare checkout (no DEBUG, SECRET_KEY or DATABASE_URL in the environment) is a
    # development machine: the command line runs with DEBUG on and SQLite. Anything
    # production-like set, and the settings' refusals apply; the production entry point
    # (mentoring.wsgi, for gunicorn) never takes this default.
    if not any(os.environ.get(name) for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL")):
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

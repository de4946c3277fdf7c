"""WSGI entry point, for gunicorn: ``gunicorn mentoring.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
application = get_wsgi_application()

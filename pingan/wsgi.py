"""The WSGI entry point of production servers (gunicorn: gunicorn.conf.py). It refuses to serve DEBUG or the
repository's default SECRET_KEY (pingan.core.deploy); Django's runserver, which imports it too, is let through."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")
application = get_wsgi_application()

from pingan.core.deploy import refuse_unsafe_settings  # noqa: E402 (needs the settings configured above)

refuse_unsafe_settings()

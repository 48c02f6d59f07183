"""The ASGI entry point; like pingan/wsgi.py it refuses DEBUG and the repository's default SECRET_KEY."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")
application = get_asgi_application()

from pingan.core.deploy import refuse_unsafe_settings  # noqa: E402 (needs the settings configured above)

refuse_unsafe_settings()

"""Point d'entrée ASGI : réglages de PRODUCTION par défaut, comme conf/wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings.prod")
application = get_asgi_application()

"""Point d'entrée WSGI (gunicorn) : réglages de PRODUCTION par défaut, qui refusent de
démarrer sans SECRET_KEY propre au serveur. Le développement passe par `manage.py` et
`stages-collectifs serve` (conf.settings.dev)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings.prod")
application = get_wsgi_application()

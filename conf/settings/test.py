from .base import *  # noqa: F403
from .verifications import CLE_DE_DEVELOPPEMENT

SECRET_KEY = SECRET_KEY or CLE_DE_DEVELOPPEMENT  # noqa: F405
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Une variable de gabarit non définie fait échouer le test (voir tests/conftest.py).
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "%(invalid)s"  # noqa: F405
# Cache en mémoire, propre à chaque processus de test (pytest -n 2 : pas de partage).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# `client.login()` des tests appelle authenticate() sans requête, que django-axes refuse :
# ce garde laisse passer ces appels (et eux seuls) ; les vraies connexions restent comptées.
AUTHENTICATION_BACKENDS = [
    "tests.apps.comptes.axes_tests.AxesSaufClientDeTest",
    "django.contrib.auth.backends.ModelBackend",
]
# Les tests ne lancent pas `collectstatic` : WhiteNoise sert les fichiers des applications
# (comme en développement) au lieu d'avertir à chaque requête que `staticfiles/` manque.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

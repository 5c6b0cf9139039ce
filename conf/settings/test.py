from .base import *  # noqa: F403

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

"""Réglages de production : refusent de démarrer (ImproperlyConfigured, message en français)
plutôt que de tourner avec une clé connue, DEBUG allumé ou un courriel en clair par défaut.
Variables documentées dans `.env.example`."""

import os

from .base import *  # noqa: F403
from .verifications import refuser_debug, verifier_cle_secrete, verifier_courriel

PRODUCTION = True
SECRET_KEY = verifier_cle_secrete(os.environ.get("SECRET_KEY"), BASE_DIR)  # noqa: F405
refuser_debug(DEBUG)  # noqa: F405
DEBUG = False

# HTTPS partout : redirection, cookies sécurisés, HSTS (un an, sous-domaines compris).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = entier_positif("SECURE_HSTS_SECONDS", 31536000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # noqa: F405
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # noqa: F405

# Courriel : SMTP avec STARTTLS (port 587) par défaut ; EMAIL_USE_SSL=true pour le TLS
# implicite (port 465). EMAIL_USE_TLS=false seulement pour un relais local explicite.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # noqa: F405
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # noqa: F405
EMAIL_PORT = entier_positif("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)  # noqa: F405
verifier_courriel(EMAIL_USE_TLS, EMAIL_USE_SSL)

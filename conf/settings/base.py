"""Réglages communs. Tout ce qui change d'un déploiement à l'autre vient de l'environnement
(voir `.env.example`)."""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

from conf.settings.verifications import entier_positif

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(nom: str, defaut: bool = False) -> bool:
    return os.environ.get(nom, str(defaut)).strip().lower() in {"1", "true", "yes", "oui", "on"}


def env_liste(nom: str, defaut: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(nom, defaut).split(",") if x.strip()]


# Aucune clé de repli ici : dev.py et test.py prennent la clé publique de développement,
# prod.py exige une clé propre au serveur (voir conf/settings/verifications.py).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# DEBUG éteint sauf s'il est explicitement allumé (dev.py l'allume par défaut).
DEBUG = env_bool("DEBUG", False)
# Vrai sous conf.settings.prod seulement : la démo (comptes aux mots de passe publiés) y est
# refusée.
PRODUCTION = False
ALLOWED_HOSTS = env_liste("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_liste("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "apps.comptes",
    "apps.territoires",
    "apps.etablissements",
    "apps.structures",
    "apps.campagnes",
    "apps.projets",
    "apps.planification",
    "apps.conventions",
    "apps.carte",
    "apps.journal",
    "apps.donnees_personnelles",
    "apps.promotion",
    "apps.mobilite",
    "apps.conseil",
    "apps.ui",
]

MIDDLEWARE = [
    # Cache : les pages publiques de la carte, rejouées aux visiteurs anonymes (en tête :
    # la réponse enregistrée porte déjà les en-têtes des intergiciels suivants).
    "apps.carte.cache.ReponsesPubliquesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # En dernier (documentation de django-axes) : transforme un blocage en page « trop de
    # tentatives ».
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conf.urls"
WSGI_APPLICATION = "conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.ui.contexte.session_du_site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Les tâches de fond écrivent pendant que le site lit : WAL et délai d'attente.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "comptes.Utilisateur"
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "ui:accueil"
LOGOUT_REDIRECT_URL = "ui:accueil"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Connexion : django-axes compte les échecs par identifiant ET par adresse IP (chacun
# séparément) ; au 5e échec en 15 minutes, toute nouvelle tentative (même juste) est refusée
# pendant 15 minutes, sur /comptes/connexion/ comme sur /admin/login/.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "apps.comptes.blocage.reponse_blocage"
AXES_CLIENT_IP_CALLABLE = "apps.comptes.reseau.adresse_ip_client"
# Pas de journal des connexions réussies (adresse, navigateur) : le moins de données possible.
AXES_DISABLE_ACCESS_LOG = True
AXES_RESET_ON_SUCCESS = False  # sinon un compte valide remettrait à zéro le compteur d'une IP

# Sessions : tout compte connecté a un rôle (coordination, porteur, structure,
# établissement ; les signataires passent par un lien, sans session). Chaque requête repousse
# l'échéance : la session expire après 2 h sans activité, côté serveur comme côté cookie.
SESSION_COOKIE_AGE = entier_positif("SESSION_INACTIVITE_S", 2 * 3600)
SESSION_SAVE_EVERY_REQUEST = True

# Mandataires inverses (nginx…) de confiance devant le site : leur nombre dit quelle entrée
# de X-Forwarded-For est l'adresse du client (apps/comptes/reseau.py, adresse_ip_client) ;
# 0 = pas de mandataire, l'adresse est REMOTE_ADDR et X-Forwarded-For est ignoré.
NOMBRE_PROXYS_DE_CONFIANCE = entier_positif("NOMBRE_PROXYS_DE_CONFIANCE", 0)
if NOMBRE_PROXYS_DE_CONFIANCE:
    # Le mandataire pose X-Forwarded-Proto (et écrase celui que le client enverrait).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "fr-fr"
# Le site est en français seulement : un navigateur réglé en anglais ne doit pas obtenir
# des dates en anglais (« June ») par LocaleMiddleware.
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Courriel : console en développement, SMTP en production (EMAIL_URL non géré : champs séparés).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = entier_positif("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Stages collectifs <ne-pas-repondre@stages-collectifs.example>"
)

# Cache partagé par tous les processus (gunicorn, travailleur des tâches de fond) : des
# fichiers, sans service à installer. Un dossier par base de données (deux copies du projet
# ne mélangent pas leurs pages). Voir docs/charge.md pour le choix face au cache en base.
_BASE_DU_CACHE = str(DATABASES["default"].get("NAME", "")) + str(BASE_DIR)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR")
        or os.path.join(
            tempfile.gettempdir(),
            "stages-collectifs-cache-" + hashlib.sha256(_BASE_DU_CACHE.encode()).hexdigest()[:12],
        ),
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
}

# Tâches de fond : django-tasks, file d'attente en base (PostgreSQL en production).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# En-têtes de sécurité et politique de sécurité du contenu : aucun script ni style externe.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Données personnelles (RGPD) : durée de conservation et textes de la notice ; vides, les
# valeurs par défaut de apps/donnees_personnelles/reglages.py s'appliquent.
RETENTION_MOIS = int(os.environ.get("RETENTION_MOIS") or 12)
for _nom in (
    "RGPD_RESPONSABLE",
    "RGPD_ADRESSE",
    "RGPD_CONTACT",
    "RGPD_CONTACT_DPO",
    "RGPD_HEBERGEUR",
    "RGPD_BASE_LEGALE",
):
    if os.environ.get(_nom):
        globals()[_nom] = os.environ[_nom]

# Travaux de fond : abandon d'un calcul silencieux, battement du fil de vie (secondes).
TRAVAUX_DELAI_SILENCE_S = int(os.environ.get("TRAVAUX_DELAI_SILENCE_S") or 600)
TRAVAUX_BATTEMENT_S = int(os.environ.get("TRAVAUX_BATTEMENT_S") or 30)

# Liens de signature des conventions : validité en jours.
CONVENTIONS_JETON_JOURS = int(os.environ.get("CONVENTIONS_JETON_JOURS") or 30)

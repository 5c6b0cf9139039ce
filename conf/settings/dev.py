from .base import *  # noqa: F403
from .verifications import CLE_DE_DEVELOPPEMENT

# Sur un poste de développement : clé publique du dépôt si aucune n'est donnée (refusée par
# prod.py). DEBUG éteint sauf DEBUG=true : `make run` montre les pages d'erreur du site, en
# français, comme la production ; les fichiers statiques sont servis par WhiteNoise depuis
# les apps (sans collectstatic).
SECRET_KEY = SECRET_KEY or CLE_DE_DEVELOPPEMENT  # noqa: F405
DEBUG = env_bool("DEBUG", False)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

from .base import *  # noqa: F403
from .verifications import CLE_DE_DEVELOPPEMENT

# Sur un poste de développement : clé publique du dépôt si aucune n'est donnée (refusée par
# prod.py), DEBUG allumé sauf DEBUG=false.
SECRET_KEY = SECRET_KEY or CLE_DE_DEVELOPPEMENT  # noqa: F405
DEBUG = env_bool("DEBUG", True)  # noqa: F405

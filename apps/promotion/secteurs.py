"""Du domaine ROME principal d'un projet au secteur de « 1 élève, 1 stage ».

Le secteur est choisi PAR NOM dans la liste que renvoie `GET /sectors` (les identifiants
`uuid` diffèrent d'un environnement à l'autre). Pour chaque domaine ROME, les noms sont
essayés dans l'ordre ; la comparaison ignore la casse, les accents et la ponctuation. Table
documentée dans docs/promotion.md."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# Domaine ROME (lettre) -> noms de secteurs de 1 élève, 1 stage, par ordre de préférence.
SECTEURS_PAR_DOMAINE: dict[str, tuple[str, ...]] = {
    "A": ("Agriculture", "Environnement", "Agroéquipement"),
    "B": ("Métiers d'art", "Artisanat d'art", "Art et design"),
    "C": ("Banque et assurance", "Immobilier, transactions immobilières"),
    "D": ("Commerce et distribution",),
    "E": ("Communication", "Audiovisuel", "Journalisme"),
    "F": ("Bâtiment et travaux publics (BTP)",),
    "G": ("Hôtellerie, restauration", "Tourisme"),
    "H": ("Industrie, ingénierie industrielle", "Mécanique"),
    "I": ("Maintenance", "Électronique"),
    "J": ("Santé", "Paramédical"),
    "K": ("Social", "Fonction publique"),
    "L": ("Arts du spectacle", "Culture et patrimoine"),
    "M": ("Comptabilité, gestion, ressources humaines", "Conseil et audit"),
    "N": ("Logistique et transport",),
}


def normaliser(nom: str) -> str:
    """« Hôtellerie, restauration » -> « hotellerie restauration »."""
    sans_accents = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents.lower()).split())


def domaine_principal(domaines_des_structures: Iterable[str]) -> str | None:
    """Le domaine le plus fréquent parmi les structures d'accueil (« H|J », « J »…) ; à
    égalité, le premier dans l'ordre alphabétique. None sans structure."""
    compte = Counter(d for domaines in domaines_des_structures for d in domaines.split("|") if d)
    if not compte:
        return None
    return min(compte, key=lambda d: (-compte[d], d))


def index_des_secteurs(secteurs: Iterable[dict]) -> dict[str, str]:
    """Nom normalisé -> uuid, depuis la réponse de `GET /sectors`."""
    return {
        normaliser(str(s["name"])): str(s["uuid"])
        for s in secteurs
        if isinstance(s, dict) and s.get("name") and s.get("uuid")
    }


def secteur_du_domaine(domaine: str | None, index: dict[str, str]) -> str | None:
    """L'uuid du premier secteur de la table trouvé dans `index`, ou None."""
    for nom in SECTEURS_PAR_DOMAINE.get(domaine or "", ()):
        uuid = index.get(normaliser(nom))
        if uuid:
            return uuid
    return None

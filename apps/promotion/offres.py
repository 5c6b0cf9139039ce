"""L'offre « 1 élève, 1 stage » d'un projet : construction et contrôle local des règles de
l'API v2 (doc/api/v2/README.md et modèle InternshipOffer du dépôt betagouv/monstagedeseconde).

Une offre nationale n'a qu'une adresse : celle du point de rendez-vous du groupe. La
description dit honnêtement le reste (format collectif, structures et secteurs, principe du
jour par jour, référent) et renvoie à la fiche du projet sur la plateforme (`permalink`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.urls import reverse

from apps.projets.models import Porteur, Projet
from apps.promotion.code import code_du_projet
from apps.promotion.codes_postaux import code_postal
from apps.promotion.secteurs import SECTEURS_PAR_DOMAINE, domaine_principal, secteur_du_domaine
from moteur.documents.textes import MOIS
from moteur.modele import DOMAINES_ROME

# Limites de l'API (modèle InternshipOffer et InternshipOffers::Api).
LIMITE_TITRE = 150
LIMITE_DESCRIPTION = 1500
LIMITE_EMPLOYEUR = 150
LIMITE_DESCRIPTION_EMPLOYEUR = 275
LIMITE_RUE = 500
LIMITE_CODE_POSTAL = 5
LIMITE_VILLE = 50
LIMITE_PERMALIEN = 200
LIMITE_SITE_EMPLOYEUR = 560
PLACES_MAX = 6000
PAUSE_MIN, PAUSE_MAX = 11, 500
# La documentation de l'API v2 annonce 500 caractères pour la description, son modèle 1 500 :
# nous en écrivons au plus 500, acceptés par les deux.
CIBLE_DESCRIPTION = 500

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
NIVEAUX_COLLEGE = {"quatrieme", "troisieme"}
NIVEAUX = NIVEAUX_COLLEGE | {"seconde"}
PORTEURS_PUBLICS = {Porteur.Type.COLLECTIVITE, Porteur.Type.LYCEE, Porteur.Type.PUBLIC}

# Nom du champ de l'API -> libellé français des messages.
LIBELLES = {
    "title": "titre",
    "description": "description",
    "employer_name": "nom du porteur",
    "employer_description": "présentation du porteur",
    "employer_website": "site du porteur",
    "coordinates": "coordonnées du point de rendez-vous",
    "street": "adresse du point de rendez-vous",
    "zipcode": "code postal",
    "city": "commune",
    "sector_uuid": "secteur",
    "sector": "secteur",
    "grades": "niveaux",
    "weeks": "semaines",
    "remote_id": "code du projet",
    "permalink": "lien vers la fiche du projet",
    "max_candidates": "nombre de places",
    "is_public": "secteur public",
    "lunch_break": "pause déjeuner",
    "daily_hours": "horaires quotidiens",
    "published_at": "date de publication",
}


def libelle(champ: str) -> str:
    return LIBELLES.get(champ, champ)


@dataclass(frozen=True, slots=True)
class Refus:
    """Un champ refusé (localement ou par l'API)."""

    champ: str
    message: str

    def __str__(self) -> str:
        if not self.champ:
            return self.message
        return f"champ « {libelle(self.champ)} » ({self.champ}) : {self.message}"


def tronquer(texte: str, limite: int) -> str:
    """Coupe `texte` à `limite` caractères au plus, sur un espace, avec « … »."""
    texte = " ".join(texte.split())
    if len(texte) <= limite:
        return texte
    coupe = texte[: limite - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return coupe + "…"


def _date_fr(jour: date) -> str:
    return f"{jour.day} {MOIS[jour.month - 1]} {jour.year}"


def _heure(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def semaines_iso(jours: Iterable[date]) -> list[str]:
    """Les semaines ISO 8601 (« 2026-W25 ») des jours de la session."""
    return sorted({f"{j.isocalendar().year}-W{j.isocalendar().week:02d}" for j in jours})


def _liste(noms: list[str], garder: int) -> str:
    if len(noms) <= garder:
        return ", ".join(noms)
    return ", ".join(noms[:garder]) + f" et {len(noms) - garder} autre(s)"


def _description(projet: Projet, structures: list, domaines: list[str]) -> str:
    session = projet.session
    debut = (
        f"Stage collectif de seconde du {_date_fr(session.date_debut)} au "
        f"{_date_fr(session.date_fin)}. "
    )
    if len(structures) > 1:
        principe = (
            f"Chaque jour, le groupe est accueilli par l'une des {len(structures)} structures "
            "du projet, selon un programme établi jour par jour. "
        )
    else:
        principe = "Le groupe est accueilli selon un programme établi jour par jour. "
    secteurs = projet.secteurs.strip() or ", ".join(DOMAINES_ROME.get(d, d) for d in domaines)
    nom_referent = projet.referent.strip()
    referent = f"Référent du groupe : {nom_referent}. " if nom_referent else ""
    adresse = (
        "L'adresse de l'offre est celle du point de rendez-vous ; programme et structures sur "
        "la fiche du projet."
    )
    noms = [s.nom for s in structures]
    for garder in range(len(noms), -1, -1):
        accueil = f"Accueil : {_liste(noms, garder)}. " if noms else ""
        texte = debut + principe + accueil + f"Secteurs : {secteurs}. " + referent + adresse
        if len(texte) <= CIBLE_DESCRIPTION:
            return texte
    return tronquer(texte, CIBLE_DESCRIPTION)


def _horaires(structures: list) -> tuple[dict[str, list[str]], str]:
    if not structures:
        return {}, ""
    debut = min(s.heure_debut for s in structures)
    fin = max(s.heure_fin for s in structures)
    pause = min(s.pause_minutes for s in structures)
    horaires = {jour: [_heure(debut), _heure(fin)] for jour in JOURS}
    pause_dejeuner = (
        f"Pause déjeuner d'au moins {pause} minutes, organisée par la structure d'accueil du jour."
        if pause
        else ""
    )
    return horaires, pause_dejeuner


@dataclass(slots=True)
class OffreConstruite:
    """L'offre d'un projet, prête à envoyer (ou à écrire par --dry-run)."""

    code: str
    offre: dict[str, Any]
    domaine: str | None

    @property
    def empreinte(self) -> str:
        texte = json.dumps(self.offre, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(texte.encode()).hexdigest()


def construire_offre(
    projet: Projet, url_site: str, secteurs: dict[str, str] | None
) -> OffreConstruite:
    """L'offre d'un projet. `secteurs` : nom normalisé -> uuid (GET /sectors) ; None en
    simulation (`sector_uuid` reste alors vide)."""
    structures = sorted(projet.structures.all(), key=lambda s: s.nom)
    domaine = domaine_principal(s.domaines for s in structures)
    domaines = sorted({d for s in structures for d in s.liste_domaines})
    porteur = projet.porteur
    # « Collectivité (commune, communauté de communes…) » -> « collectivité »
    type_porteur = porteur.get_type_display().split(" (")[0].lower() if porteur else ""
    horaires, pause = _horaires(structures)
    commune = projet.commune
    offre: dict[str, Any] = {
        "title": tronquer(f"Stage collectif de seconde : {projet.nom}", LIMITE_TITRE),
        "description": _description(projet, structures, domaines),
        "employer_name": porteur.nom if porteur else "",
        "employer_description": tronquer(
            f"{porteur.nom} ({type_porteur}) porte ce stage collectif : il signe les "
            "conventions avec les lycées et coordonne l'accueil des élèves par les structures "
            "partenaires.",
            LIMITE_DESCRIPTION_EMPLOYEUR,
        )
        if porteur
        else "",
        "coordinates": {"latitude": projet.latitude, "longitude": projet.longitude},
        "street": projet.lieu_rendez_vous.strip()
        or f"Point de rendez-vous à {commune.nom}, précisé à l'inscription",
        "zipcode": code_postal(commune.code) or "",
        "city": commune.nom,
        "sector_uuid": secteur_du_domaine(domaine, secteurs) if secteurs is not None else None,
        "grades": ["seconde"],
        "weeks": semaines_iso(projet.session.jours_ouvres),
        "remote_id": code_du_projet(projet),
        "permalink": url_site.rstrip("/") + reverse("carte:fiche", args=[projet.pk]),
        "max_candidates": projet.places,
        "is_public": bool(porteur and porteur.type in PORTEURS_PUBLICS),
    }
    if horaires:
        offre["daily_hours"] = horaires
    if pause:
        offre["lunch_break"] = pause
    return OffreConstruite(code=code_du_projet(projet), offre=offre, domaine=domaine)


# --- Contrôle local -----------------------------------------------------------------------

RE_CODE_POSTAL = re.compile(r"^[0-9]{5}$")
RE_SEMAINE = re.compile(r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$")
RE_HEURE = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
RE_PERMALIEN_INTERDIT = re.compile(r"test|staging", re.IGNORECASE)


def _texte(offre: dict, champ: str, limite: int, requis: bool = True) -> list[Refus]:
    valeur = offre.get(champ)
    if valeur in (None, ""):
        return [Refus(champ, "obligatoire, mais vide")] if requis else []
    if not isinstance(valeur, str):
        return [Refus(champ, "doit être un texte")]
    if len(valeur) > limite:
        return [Refus(champ, f"{len(valeur)} caractères, {limite} au plus")]
    return []


def _coordonnees(valeur: Any) -> list[Refus]:
    try:
        lat, lon = float(valeur["latitude"]), float(valeur["longitude"])
    except (TypeError, KeyError, ValueError):
        return [Refus("coordinates", "latitude et longitude obligatoires")]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return [Refus("coordinates", "latitude ou longitude hors limites")]
    return []


def _places(valeur: Any) -> list[Refus]:
    if not isinstance(valeur, int) or isinstance(valeur, bool) or not 1 <= valeur <= PLACES_MAX:
        return [Refus("max_candidates", f"un nombre entier de 1 à {PLACES_MAX} est attendu")]
    return []


def _niveaux_et_semaines(offre: dict) -> list[Refus]:
    refus = []
    niveaux = offre.get("grades")
    if not niveaux or not isinstance(niveaux, list) or not set(niveaux) <= NIVEAUX:
        refus.append(Refus("grades", "niveaux attendus parmi quatrieme, troisieme, seconde"))
    elif "seconde" in niveaux and NIVEAUX_COLLEGE & set(niveaux):
        refus.append(Refus("grades", "une offre est pour le collège ou le lycée, pas les deux"))
    semaines = offre.get("weeks")
    if not semaines or not isinstance(semaines, list):
        refus.append(Refus("weeks", "au moins une semaine est obligatoire"))
    elif any(not isinstance(s, str) or not RE_SEMAINE.match(s) for s in semaines):
        refus.append(Refus("weeks", "semaines ISO 8601 attendues, par exemple 2026-W25"))
    return refus


def _permalien(valeur: Any) -> list[Refus]:
    refus = _texte({"permalink": valeur}, "permalink", LIMITE_PERMALIEN)
    if refus:
        return refus
    if not re.match(r"^https?://[^/\s]+", valeur):
        return [Refus("permalink", "adresse web (http ou https) attendue")]
    if RE_PERMALIEN_INTERDIT.search(valeur):
        return [
            Refus(
                "permalink",
                "l'API refuse un lien qui contient « test » ou « staging » : réglez "
                "URL_PUBLIQUE_DU_SITE sur l'adresse publique de la plateforme",
            )
        ]
    return []


def _horaires_valides(offre: dict) -> list[Refus]:
    refus = []
    horaires = offre.get("daily_hours")
    if horaires is not None:
        correct = isinstance(horaires, dict) and all(
            jour in JOURS
            and isinstance(plage, list)
            and len(plage) == 2
            and all(isinstance(h, str) and RE_HEURE.match(h) for h in plage)
            and tuple(map(int, plage[0].split(":"))) < tuple(map(int, plage[1].split(":")))
            for jour, plage in horaires.items()
        )
        if not correct:
            refus.append(Refus("daily_hours", "{jour: [début, fin]} attendu, du lundi au vendredi"))
    pause = offre.get("lunch_break")
    if pause is not None and not (isinstance(pause, str) and PAUSE_MIN <= len(pause) <= PAUSE_MAX):
        refus.append(Refus("lunch_break", f"de {PAUSE_MIN} à {PAUSE_MAX} caractères"))
    return refus


def verifier_offre(offre: dict, simulation: bool = False) -> list[Refus]:
    """Les règles de l'API v2, vérifiées avant tout envoi ; liste vide si l'offre est bonne.
    En simulation, le secteur n'est pas encore résolu (pas d'appel à GET /sectors)."""
    refus = (
        _texte(offre, "title", LIMITE_TITRE)
        + _texte(offre, "description", LIMITE_DESCRIPTION)
        + _texte(offre, "employer_name", LIMITE_EMPLOYEUR)
        + _texte(offre, "employer_description", LIMITE_DESCRIPTION_EMPLOYEUR)
        + _texte(offre, "employer_website", LIMITE_SITE_EMPLOYEUR, requis=False)
        + _coordonnees(offre.get("coordinates"))
        + _texte(offre, "street", LIMITE_RUE)
        + _texte(offre, "city", LIMITE_VILLE)
        + _texte(offre, "remote_id", 64)
        + _permalien(offre.get("permalink"))
        + _places(offre.get("max_candidates"))
        + _niveaux_et_semaines(offre)
        + _horaires_valides(offre)
    )
    code = offre.get("zipcode")
    if not isinstance(code, str) or not RE_CODE_POSTAL.match(code):
        refus.append(Refus("zipcode", "code postal à 5 chiffres introuvable pour la commune"))
    if not simulation and not offre.get("sector_uuid"):
        refus.append(Refus("sector_uuid", "aucun secteur national pour le domaine ROME du projet"))
    if not isinstance(offre.get("is_public"), bool):
        refus.append(Refus("is_public", "vrai ou faux attendu"))
    return refus


def secteurs_recherches(domaine: str | None) -> list[str]:
    return list(SECTEURS_PAR_DOMAINE.get(domaine or "", ()))

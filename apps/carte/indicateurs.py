"""Indicateurs du tableau de bord de la coordination, par département et par EPCI.

Quelques requêtes agrégées (nombre constant, quel que soit le volume), puis du calcul
en Python. Les places et la mixité sont rattachées au territoire du point de rendez-vous
du projet ; les élèves à celui de leur domicile ; les jours-structure à la commune de la
structure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from apps.campagnes.models import Session
from apps.carte.filtres import STATUTS_CARTE
from apps.etablissements.models import Eleve
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil
from moteur.referentiel import SEUIL_RURAL

SEUIL_MIXITE = 0.30
NIVEAUX = ("departement", "epci")


@dataclass(slots=True)
class Ligne:
    code: str
    nom: str
    projets: int = 0
    places_offertes: int = 0
    places_pourvues: int = 0
    eleves: int = 0
    eleves_places: int = 0
    boursiers: int = 0
    boursiers_places: int = 0
    autres: int = 0
    autres_places: int = 0
    ruraux: int = 0
    ruraux_places: int = 0
    urbains: int = 0
    urbains_places: int = 0
    projets_mixtes: int = 0
    projets_mixite_evaluable: int = 0
    domaines: set[str] = field(default_factory=set)
    jours_offerts: int = 0
    jours_utilises: int = 0

    @staticmethod
    def taux(n: int, d: int) -> float | None:
        return round(100 * n / d, 1) if d else None

    @property
    def taux_remplissage(self) -> float | None:
        return self.taux(self.places_pourvues, self.places_offertes)

    @property
    def taux_boursiers(self) -> float | None:
        return self.taux(self.boursiers_places, self.boursiers)

    @property
    def taux_autres(self) -> float | None:
        return self.taux(self.autres_places, self.autres)

    @property
    def taux_ruraux(self) -> float | None:
        return self.taux(self.ruraux_places, self.ruraux)

    @property
    def taux_urbains(self) -> float | None:
        return self.taux(self.urbains_places, self.urbains)

    @property
    def taux_mixite(self) -> float | None:
        return self.taux(self.projets_mixtes, self.projets_mixite_evaluable)

    @property
    def taux_jours(self) -> float | None:
        return self.taux(self.jours_utilises, self.jours_offerts)

    @property
    def liste_domaines(self) -> str:
        return "".join(sorted(self.domaines))


@dataclass(slots=True)
class Tableau:
    total: Ligne
    departements: list[Ligne]
    epci: list[Ligne]
    domaines_par_groupe: dict[str, int]  # lettre ROME → nombre de groupes qui la découvrent


class _Territoires:
    """Accumule les lignes d'un niveau : `ligne("14", "Calvados")`."""

    def __init__(self) -> None:
        self.lignes: dict[str, Ligne] = {}

    def ligne(self, code: str | None, nom: str | None) -> Ligne:
        code = code or "?"
        if code not in self.lignes:
            self.lignes[code] = Ligne(code, nom or "Hors EPCI")
        return self.lignes[code]

    def triees(self) -> list[Ligne]:
        return sorted(self.lignes.values(), key=lambda x: (x.nom, x.code))


def tableau_de_bord(session: Session) -> Tableau:
    total = Ligne("NOR", "Normandie (total)")
    niveaux = {n: _Territoires() for n in NIVEAUX}

    def lignes(territoire: dict) -> list[Ligne]:
        return [total] + [niveaux[n].ligne(*territoire[n]) for n in NIVEAUX]

    projets = _projets(session)
    _places(session, projets, lignes)
    _mixite(session, projets, lignes)
    _eleves(session, lignes)
    _structures(session, lignes)
    par_domaine = _domaines(session, projets, lignes)
    return Tableau(total, niveaux["departement"].triees(), niveaux["epci"].triees(), par_domaine)


def _territoire(valeurs: dict, prefixe: str) -> dict[str, tuple[str | None, str | None]]:
    return {
        "departement": (valeurs[f"{prefixe}departement_id"], valeurs[f"{prefixe}departement__nom"]),
        "epci": (valeurs[f"{prefixe}epci_id"], valeurs[f"{prefixe}epci__nom"]),
    }


def _champs(prefixe: str) -> list[str]:
    return [f"{prefixe}{c}" for c in ("departement_id", "departement__nom", "epci_id", "epci__nom")]


def _projets(session: Session) -> dict[int, dict]:
    valeurs = (
        Projet.objects.de_la_session(session)
        .filter(statut__in=STATUTS_CARTE)
        .values("pk", "places", *_champs("commune__"))
        .order_by("pk")
    )
    return {
        v["pk"]: {"places": v["places"], "territoire": _territoire(v, "commune__")} for v in valeurs
    }


def _places(session: Session, projets: dict[int, dict], lignes) -> None:
    pourvues: dict[int, int] = defaultdict(int)
    for projet_id in (
        Affectation.objects.filter(eleve__session=session, projet__isnull=False)
        .values_list("projet_id", flat=True)
        .order_by()
    ):
        pourvues[projet_id] += 1
    for pk, projet in projets.items():
        for ligne in lignes(projet["territoire"]):
            ligne.projets += 1
            ligne.places_offertes += projet["places"]
            ligne.places_pourvues += pourvues.get(pk, 0)


def _mixite(session: Session, projets: dict[int, dict], lignes) -> None:
    """Un projet est mixte quand aucun genre n'y est sous 30 %, s'il a été demandé par
    des filles et par des garçons (la définition du format d'échange)."""
    candidats: dict[int, set[str]] = defaultdict(set)
    for projet_id, genre in (
        Voeu.objects.filter(eleve__session=session, eleve__genre__in=["F", "M"])
        .values_list("projet_id", "eleve__genre")
        .distinct()
        .order_by()
    ):
        candidats[projet_id].add(genre)
    places: dict[int, dict[str, int]] = defaultdict(lambda: {"F": 0, "M": 0})
    for projet_id, genre in (
        Affectation.objects.filter(
            eleve__session=session, projet__isnull=False, eleve__genre__in=["F", "M"]
        )
        .values_list("projet_id", "eleve__genre")
        .order_by()
    ):
        places[projet_id][genre] += 1
    for pk, projet in projets.items():
        if candidats.get(pk) != {"F", "M"}:
            continue
        compte = places[pk]
        effectif = compte["F"] + compte["M"]
        mixte = effectif > 0 and min(compte.values()) / effectif >= SEUIL_MIXITE
        for ligne in lignes(projet["territoire"]):
            ligne.projets_mixite_evaluable += 1
            ligne.projets_mixtes += int(mixte)


def _eleves(session: Session, lignes) -> None:
    valeurs = (
        Eleve.objects.de_la_session(session)
        .values("boursier", "commune__population", "affectation__projet_id", *_champs("commune__"))
        .order_by()
    )
    for v in valeurs:
        place = v["affectation__projet_id"] is not None
        rural = v["commune__population"] < SEUIL_RURAL
        for ligne in lignes(_territoire(v, "commune__")):
            ligne.eleves += 1
            ligne.eleves_places += place
            if v["boursier"]:
                ligne.boursiers += 1
                ligne.boursiers_places += place
            else:
                ligne.autres += 1
                ligne.autres_places += place
            if rural:
                ligne.ruraux += 1
                ligne.ruraux_places += place
            else:
                ligne.urbains += 1
                ligne.urbains_places += place


def _jours_offerts(jours: list[str], jours_max: int | None, ouvres: tuple[date, ...]) -> int:
    possibles = len(ouvres) if not jours else len(set(map(date.fromisoformat, jours)) & set(ouvres))
    return min(possibles, jours_max) if jours_max else possibles


def _structures(session: Session, lignes) -> None:
    ouvres = session.jours_ouvres
    utilises: dict[int, int] = defaultdict(int)
    for structure_id, _jour in (
        Creneau.objects.filter(structure__session=session)
        .values_list("structure_id", "date")
        .distinct()
        .order_by()
    ):
        utilises[structure_id] += 1
    for v in (
        StructureAccueil.objects.de_la_session(session)
        .values("pk", "jours", "jours_max", *_champs("commune__"))
        .order_by()
    ):
        offerts = _jours_offerts(v["jours"], v["jours_max"], ouvres)
        for ligne in lignes(_territoire(v, "commune__")):
            ligne.jours_offerts += offerts
            ligne.jours_utilises += utilises.get(v["pk"], 0)


def _domaines(session: Session, projets: dict[int, dict], lignes) -> dict[str, int]:
    """Domaines découverts : ceux des structures où passent les groupes de chaque projet."""
    par_groupe: dict[int, set[str]] = defaultdict(set)
    par_projet: dict[int, set[str]] = defaultdict(set)
    for groupe_id, projet_id, domaines in (
        Creneau.objects.filter(groupe__projet__session=session)
        .values_list("groupe_id", "groupe__projet_id", "structure__domaines")
        .distinct()
        .order_by()
    ):
        lettres = {d for d in domaines.split("|") if d}
        par_groupe[groupe_id] |= lettres
        par_projet[projet_id] |= lettres
    for pk, lettres in par_projet.items():
        if pk in projets:
            for ligne in lignes(projets[pk]["territoire"]):
                ligne.domaines |= lettres
    compte: dict[str, int] = defaultdict(int)
    for lettres in par_groupe.values():
        for lettre in lettres:
            compte[lettre] += 1
    return dict(sorted(compte.items()))

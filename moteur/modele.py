"""Les données du domaine, en dataclasses, sans Django.

Ce module est le contrat entre le lecteur de dossiers de session (`moteur.format`),
les règles (`moteur.regles`), les moteurs d'affectation et de rotation et la plateforme
Django (qui convertit ses modèles vers et depuis ces classes, dans un adaptateur par app).

Les coordonnées sont toujours résolues à la lecture : quand un fichier n'en donne pas,
le lecteur place l'entité au point de sa commune (référentiel `moteur.referentiel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from pathlib import Path

AGE_MIN_DEFAUT = 14
HEURE_DEBUT_DEFAUT = time(9, 0)
HEURE_FIN_DEFAUT = time(16, 30)
DOMAINES_ROME = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


def age_le(naissance: date, jour: date) -> int:
    """Âge révolu le jour `jour` (les règles d'âge s'appliquent au jour de la visite)."""
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


class TypeProjet(StrEnum):
    MONO_SITE = "mono-site"
    MULTI_SECTEURS = "multi-secteurs"
    MONO_SECTEUR = "mono-secteur"
    BI_ENTREPRISES = "bi-entreprises"


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class ParametresTransport:
    """Un flux GTFS et la contrainte d'arrivée (`session.json` : gtfs, duree_max_min,
    arrivee) : être au point de rendez-vous au plus tard à `arrivee`, après au plus
    `duree_max_min` minutes de trajet, selon les horaires du jour `jour`. Le moteur
    d'horaires est `moteur.transport` (voir docs/transport.md)."""

    gtfs: Path  # chemin du zip (résolu)
    nom_fichier: str  # tel qu'écrit dans session.json (relatif au dossier)
    duree_max_min: int
    arrivee: time
    jour: date | None = None  # None : le premier jour ouvré de la session

    @property
    def arrivee_s(self) -> int:
        return self.arrivee.hour * 3600 + self.arrivee.minute * 60

    @property
    def duree_max_s(self) -> int:
        return self.duree_max_min * 60


@dataclass(slots=True)
class ParametresSession:
    nom: str
    date_debut: date
    date_fin: date
    jours_feries: tuple[date, ...] = ()
    distance_max_km: float = 25.0
    # Sans flux GTFS (None) : la distance à vol d'oiseau seulement (règle 6).
    transport: ParametresTransport | None = None

    @property
    def jours_ouvres(self) -> tuple[date, ...]:
        """Du lundi au vendredi entre les deux dates, moins les jours fériés."""
        feries = set(self.jours_feries)
        jours = []
        jour = self.date_debut
        while jour <= self.date_fin:
            if jour.weekday() < 5 and jour not in feries:
                jours.append(jour)
            jour += timedelta(days=1)
        return tuple(jours)


@dataclass(slots=True)
class Etablissement:
    uai: str
    nom: str
    commune_insee: str
    point: Point
    adresse: str = ""
    chef_etablissement: str = ""
    email: str = ""


@dataclass(slots=True)
class StructureAccueil:
    id: str
    nom: str
    domaines: tuple[str, ...]
    commune_insee: str
    point: Point
    accueil_max: int
    # Jours où la structure peut accueillir ; vide = tous les jours ouvrés de la session.
    jours: tuple[date, ...] = ()
    jours_max: int | None = None
    age_min: int = AGE_MIN_DEFAUT
    heure_debut: time = HEURE_DEBUT_DEFAUT
    heure_fin: time = HEURE_FIN_DEFAUT
    siret: str = ""
    adresse: str = ""
    tuteur: str = ""
    tuteur_email: str = ""
    telephone: str = ""
    representant: str = ""

    def jours_possibles(self, jours_ouvres: tuple[date, ...]) -> tuple[date, ...]:
        if not self.jours:
            return jours_ouvres
        autorises = set(self.jours)
        return tuple(j for j in jours_ouvres if j in autorises)


@dataclass(slots=True)
class Projet:
    id: str
    nom: str
    type: TypeProjet
    porteur: str
    commune_insee: str
    point: Point
    places: int
    structures: tuple[str, ...]
    referent: str = ""
    referent_telephone: str = ""
    porteur_representant: str = ""
    porteur_adresse: str = ""
    outil_pedagogique: str = ""


@dataclass(slots=True)
class Eleve:
    """Identité de planification, pseudonyme : aucun nom n'est nécessaire pour planifier."""

    id: str
    uai: str
    date_naissance: date
    voeux: tuple[str, ...]
    # Domicile ; à défaut, la commune (puis le point) de l'établissement.
    commune_insee: str
    point: Point
    genre: str = ""  # "F", "M" ou ""
    domaines: tuple[str, ...] = ()
    boursier: bool = False
    # Calculé depuis le référentiel des communes (voir moteur.referentiel.est_rurale).
    rural: bool = False

    def age_le(self, jour: date) -> int:
        return age_le(self.date_naissance, jour)


@dataclass(slots=True)
class IdentiteEleve:
    """Données personnelles : seulement pour les conventions et les emplois du temps."""

    eleve_id: str
    nom: str
    prenom: str
    classe: str = ""
    adresse: str = ""
    telephone: str = ""
    email: str = ""
    representant1_nom: str = ""
    representant1_email: str = ""
    representant2_nom: str = ""
    representant2_email: str = ""

    def __repr__(self) -> str:  # jamais de données personnelles dans un journal
        return f"IdentiteEleve(eleve_id={self.eleve_id!r})"


@dataclass(slots=True)
class Session:
    """Un dossier de session lu et validé : tout ce qu'il faut pour planifier."""

    parametres: ParametresSession
    etablissements: dict[str, Etablissement] = field(default_factory=dict)
    structures: dict[str, StructureAccueil] = field(default_factory=dict)
    projets: dict[str, Projet] = field(default_factory=dict)
    # Dans l'ordre du fichier : c'est l'ordre d'arrivée pour « premier arrivé, premier servi ».
    eleves: dict[str, Eleve] = field(default_factory=dict)
    identites: dict[str, IdentiteEleve] = field(default_factory=dict)
    avertissements: list[str] = field(default_factory=list)

    @property
    def jours(self) -> tuple[date, ...]:
        return self.parametres.jours_ouvres


@dataclass(slots=True)
class Affectation:
    eleve_id: str
    projet_id: str | None
    rang: int | None = None
    groupe: str = ""


@dataclass(frozen=True, slots=True)
class LignePlanning:
    projet_id: str
    groupe: str
    date: date
    structure_id: str


@dataclass(slots=True)
class Plan:
    """Ce que le planificateur écrit : `affectations.csv` et `planning.csv`."""

    affectations: dict[str, Affectation] = field(default_factory=dict)
    planning: list[LignePlanning] = field(default_factory=list)

"""La mobilité d'un projet en vrais horaires (issue 14) : le point de vigilance « mobilité »
et les tableaux de trajets du porteur, quand la session a un flux GTFS.

Deux sortes de trajets, toujours « être à la structure à son heure d'ouverture, après au
plus `duree_max_min` minutes de trajet », avec les horaires du jour de calcul :

- du point de rendez-vous du projet à chaque structure ;
- entre les structures consécutives du programme de chaque groupe (la structure de la
  veille, puis celle du jour : le groupe doit pouvoir passer de l'une à l'autre) ; un jour
  où ce trajet n'existe pas à temps est signalé, avec le groupe et les deux structures.

Module pur : la plateforme (`apps/projets/vigilance.py`) et la ligne de commande donnent le
réseau du jour (`moteur.transport.cache.charger`) et les lieux.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise

from moteur.modele import ParametresTransport, Point
from moteur.transport.reseau import Reseau
from moteur.transport.trajets import TrajetHoraire, Trajets


@dataclass(frozen=True, slots=True)
class Lieu:
    """Une structure d'accueil vue par ce module : où, et à quelle heure y être."""

    id: str
    nom: str
    point: Point
    heure_debut: time


@dataclass(frozen=True, slots=True)
class TrajetLieux:
    """Un trajet demandé et sa réponse (None : pas de trajet à temps dans la limite)."""

    de: str
    vers: str
    heure_voulue: time
    trajet: TrajetHoraire | None
    groupe: str = ""
    jour: date | None = None

    @property
    def possible(self) -> bool:
        return self.trajet is not None

    @property
    def duree_min(self) -> int | None:
        return None if self.trajet is None else self.trajet.duree_min

    @property
    def lignes(self) -> str:
        return "—" if self.trajet is None else self.trajet.lignes_texte

    @property
    def texte(self) -> str:
        if self.trajet is None:
            return f"aucun trajet à temps pour {self.heure_voulue:%H:%M}"
        return self.trajet.resume


@dataclass(frozen=True, slots=True)
class HorairesMobilite:
    """Les trajets réels d'un projet, et la règle qui a servi."""

    jour: date
    fichier: str
    duree_max_min: int
    depuis_rdv: tuple[TrajetLieux, ...]
    entre_structures: tuple[TrajetLieux, ...]

    @property
    def impossibles_rdv(self) -> list[TrajetLieux]:
        return [t for t in self.depuis_rdv if not t.possible]

    @property
    def jours_signales(self) -> list[TrajetLieux]:
        """Les jours où un groupe ne peut pas aller d'une structure à la suivante à temps."""
        return [t for t in self.entre_structures if not t.possible]

    @property
    def tous(self) -> tuple[TrajetLieux, ...]:
        return self.depuis_rdv + self.entre_structures


JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

Programme = Sequence[tuple[str, date, str]]  # (groupe, jour, id de la structure)


def consecutifs(programme: Programme) -> list[tuple[str, date, str, str]]:
    """(groupe, jour, structure de la veille, structure du jour) pour chaque changement de
    structure d'un groupe d'un jour de stage au suivant, triés par groupe puis jour."""
    par_groupe: dict[str, list[tuple[date, str]]] = {}
    for groupe, jour, structure in programme:
        par_groupe.setdefault(groupe, []).append((jour, structure))
    resultat = []
    for groupe in sorted(par_groupe):
        suite = sorted(par_groupe[groupe])
        for (_, avant), (jour, apres) in pairwise(suite):
            if avant != apres:
                resultat.append((groupe, jour, avant, apres))
    return resultat


def _secondes(heure: time) -> int:
    return heure.hour * 3600 + heure.minute * 60


def horaires_mobilite(
    reseau: Reseau,
    transport: ParametresTransport,
    jour: date,
    rendez_vous: Point,
    lieux: Sequence[Lieu],
    programme: Programme = (),
) -> HorairesMobilite:
    """Les trajets du point de rendez-vous à chaque lieu, et entre lieux consécutifs du
    programme de chaque groupe (un balayage à rebours par lieu et heure d'ouverture)."""
    trajets = Trajets(reseau, transport.duree_max_s)
    par_id = {lieu.id: lieu for lieu in lieux}

    def vers(origine: Point, lieu: Lieu) -> TrajetHoraire | None:
        return trajets.pour_arriver(origine, lieu.point, _secondes(lieu.heure_debut))

    depuis_rdv = tuple(
        TrajetLieux("Point de rendez-vous", lieu.nom, lieu.heure_debut, vers(rendez_vous, lieu))
        for lieu in lieux
    )
    calcules: dict[tuple[str, str], TrajetHoraire | None] = {}
    entre = []
    for groupe, jour_stage, avant, apres in consecutifs(programme):
        if avant not in par_id or apres not in par_id:
            continue
        a, b = par_id[avant], par_id[apres]
        if (avant, apres) not in calcules:
            calcules[(avant, apres)] = vers(a.point, b)
        entre.append(
            TrajetLieux(a.nom, b.nom, b.heure_debut, calcules[(avant, apres)], groupe, jour_stage)
        )
    return HorairesMobilite(
        jour, transport.nom_fichier, transport.duree_max_min, depuis_rdv, tuple(entre)
    )


# --- Les phrases du point de vigilance -------------------------------------------------------


def _heure_fr(heure: time) -> str:
    return f"{heure.hour} h" if heure.minute == 0 else f"{heure.hour} h {heure.minute:02d}"


def jour_fr(jour: date) -> str:
    return f"{JOURS[jour.weekday()]} {jour:%d/%m/%Y}"


def _le_plus_long(trajets: Sequence[TrajetLieux]) -> TrajetLieux | None:
    possibles = [t for t in trajets if t.trajet is not None]
    return max(possibles, key=lambda t: (t.duree_min or 0, t.de, t.vers), default=None)


def _premiers(textes: Sequence[str], n: int = 5) -> str:
    return " ".join(textes[:n]) + (f" (et {len(textes) - n} autres)" if len(textes) > n else "")


def constats(horaires: HorairesMobilite) -> tuple[str, str]:
    """(problèmes, résumé) : les jours signalés et les structures hors d'atteinte du point
    de rendez-vous en une phrase (vide s'il n'y en a pas) ; sinon le résumé des trajets."""
    limite = f"en transport en commun ou à pied, en {horaires.duree_max_min} min au plus"
    source = f"horaires du {jour_fr(horaires.jour)}, flux {horaires.fichier}"
    problemes = [
        f"Le {t.jour:%d/%m}, le groupe {t.groupe} ne peut pas aller de {t.de} à {t.vers} "
        f"pour {_heure_fr(t.heure_voulue)} ({limite})."
        for t in horaires.jours_signales
        if t.jour is not None
    ]
    problemes += [
        f"Du point de rendez-vous, {t.vers} n'est pas atteignable pour "
        f"{_heure_fr(t.heure_voulue)} ({limite})."
        for t in horaires.impossibles_rdv
    ]
    if problemes:
        return (
            f"{_premiers(problemes)} Prévoyez un transport collectif (voir avec la "
            f"communauté de communes) ou changez l'ordre des structures ({source}).",
            "",
        )
    morceaux = []
    if (rdv := _le_plus_long(horaires.depuis_rdv)) is not None:
        morceaux.append(
            f"du point de rendez-vous, au plus {rdv.duree_min} min ({rdv.vers}, {rdv.lignes})"
        )
    if (saut := _le_plus_long(horaires.entre_structures)) is not None:
        morceaux.append(
            f"entre structures consécutives, au plus {saut.duree_min} min "
            f"({saut.de} → {saut.vers}, {saut.lignes})"
        )
    return "", (
        f"Trajets réels ({source}) : {' ; '.join(morceaux)}. Tout se fait {limite}, en "
        "arrivant à l'heure d'ouverture de chaque structure."
    )

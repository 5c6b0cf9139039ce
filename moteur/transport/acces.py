"""L'atteignabilité des vœux en transport en commun : la fonction publique du moteur.

Règle 6 avec un flux GTFS (format/README.md, `session.json`) : un élève peut être placé sur
un projet si, de son domicile (ou, à défaut, du point de sa commune ou de son lycée, comme
le résout le lecteur : `Eleve.point`), il atteint le point de rendez-vous du projet en
transport en commun ou à pied, en arrivant au plus tard à `arrivee`, en au plus
`duree_max_min` minutes, le jour de calcul (le premier jour ouvré de la session, sauf
choix contraire). La durée est celle de `profil` : départ au plus tard → `arrivee`.

Méthode (mesures dans docs/transport.md) : UN balayage à rebours par point de rendez-vous
(quelques centaines), puis une lecture par point d'origine distinct (les élèves sans
domicile géolocalisé partagent le point de leur commune ou de leur lycée). C'est bien
moins que l'inverse, un balayage en avant par origine (des milliers de communes et de
domiciles), et la réponse est exacte à la seconde pour toute heure de départ.

Appel (affectation, vigilance, plateforme) :

    acces = atteignables(session)          # None si la session n'a pas de GTFS
    if acces is not None and not acces.atteint("E042", "P12"): ...
    acces.durees[("E042", "P12")]           # minutes, ou None (hors d'atteinte)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from moteur.modele import Point, Session
from moteur.transport.cache import charger
from moteur.transport.parametres import ParametresTransport, de_la_session, jour_de_calcul
from moteur.transport.profil import profil_arrivee
from moteur.transport.reseau import Reseau


@dataclass(slots=True)
class Acces:
    """Les durées (minutes) des paires (élève, projet) demandées ; None : hors d'atteinte."""

    jour: date
    arrivee: time
    duree_max_min: int
    durees: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def atteint(self, eleve_id: str, projet_id: str) -> bool:
        """Vrai si le projet est à portée de l'élève (une paire non calculée est fausse)."""
        return self.durees.get((eleve_id, projet_id)) is not None

    def hors_d_atteinte(self) -> list[tuple[str, str]]:
        """Les paires calculées qu'aucun trajet ne permet, triées."""
        return sorted(p for p, d in self.durees.items() if d is None)


def reseau_de_la_session(session: Session, dossier_cache: Path | None = None) -> Reseau | None:
    """Le réseau du jour de calcul (cache disque), ou None si la session n'a pas de GTFS.
    Lève ErreurUtilisateur si le flux est invalide ou le jour hors de sa période."""
    transport = de_la_session(session)
    if transport is None:
        return None
    reseau, _ = charger(transport.gtfs, jour_de_calcul(session), dossier_cache)
    return reseau


def atteignables(
    session: Session,
    paires: Iterable[tuple[str, str]] | None = None,
    *,
    reseau: Reseau | None = None,
    dossier_cache: Path | None = None,
) -> Acces | None:
    """Les durées de trajet des paires (élève, projet) ; par défaut tous les vœux de tous
    les élèves (vœux vers un projet inconnu ignorés). None si la session n'a pas de GTFS.
    `reseau` évite de relire le cache quand l'appelant l'a déjà chargé."""
    transport = de_la_session(session)
    if transport is None:
        return None
    if reseau is None:
        reseau, _ = charger(transport.gtfs, jour_de_calcul(session), dossier_cache)
    if paires is None:
        paires = (
            (e.id, p) for e in session.eleves.values() for p in e.voeux if p in session.projets
        )
    # projet -> point d'origine -> élèves qui en partent
    groupes: defaultdict[str, defaultdict[Point, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for eleve_id, projet_id in paires:
        eleve = session.eleves.get(eleve_id)
        if eleve is not None and projet_id in session.projets:
            groupes[projet_id][eleve.point].append(eleve_id)
    acces = Acces(jour_de_calcul(session), transport.arrivee, transport.duree_max_min)
    for projet_id in sorted(groupes):
        point_rdv = session.projets[projet_id].point
        durees = durees_vers(reseau, transport, point_rdv, groupes[projet_id])
        for point, eleves in groupes[projet_id].items():
            for eleve_id in eleves:
                acces.durees[(eleve_id, projet_id)] = durees[point]
    return acces


def durees_vers(
    reseau: Reseau, transport: ParametresTransport, destination: Point, origines: Iterable[Point]
) -> dict[Point, int | None]:
    """Un balayage vers `destination`, lu pour chaque origine : minutes, ou None. Sert aussi
    à la couche « isochrone » (les lycées d'où un projet est atteignable)."""
    profil = profil_arrivee(
        reseau,
        (destination.latitude, destination.longitude),
        transport.arrivee_s,
        transport.duree_max_s,
    )
    return {o: profil.duree_min((o.latitude, o.longitude)) for o in set(origines)}


def etablissements_atteignant(
    session: Session, projet_id: str, reseau: Reseau | None = None
) -> dict[str, int]:
    """Couche isochrone : uai -> minutes, pour les lycées d'où le point de rendez-vous du
    projet est atteignable dans la limite ({} sans GTFS)."""
    transport = de_la_session(session)
    if transport is None:
        return {}
    reseau = reseau or reseau_de_la_session(session)
    assert reseau is not None
    points = {e.uai: e.point for e in session.etablissements.values()}
    durees = durees_vers(reseau, transport, session.projets[projet_id].point, points.values())
    return {uai: d for uai, p in sorted(points.items()) if (d := durees[p]) is not None}

"""Les paramètres de transport d'une session (`session.json` : gtfs, duree_max_min, arrivee).

`moteur.modele.ParametresSession` ne les porte pas (le modèle du domaine n'appartient pas à
ce paquet) : le lecteur de dossiers rend alors un `ParametresSessionTransport`, sous-classe
qui ajoute le champ `transport`. Tout le code lit ces paramètres par `de_la_session`, qui
rend None pour une session sans GTFS (règle 6 à vol d'oiseau seulement).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, time
from pathlib import Path

from moteur.modele import ParametresSession, Session

DUREE_MAX_MIN_LIMITE = 24 * 60


@dataclass(frozen=True, slots=True)
class ParametresTransport:
    """Un flux GTFS et la contrainte d'arrivée : être au point de rendez-vous au plus tard
    à `arrivee`, après au plus `duree_max_min` minutes de trajet, le jour `jour`."""

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
class ParametresSessionTransport(ParametresSession):
    """Les paramètres d'une session qui donne un flux GTFS."""

    transport: ParametresTransport | None = None


def de_la_session(session: Session | ParametresSession) -> ParametresTransport | None:
    """Les paramètres de transport de la session, ou None (pas de GTFS)."""
    parametres = session.parametres if isinstance(session, Session) else session
    if isinstance(parametres, ParametresSessionTransport):
        return parametres.transport
    return None


def jour_de_calcul(session: Session) -> date:
    """Le jour des horaires : celui choisi, sinon le premier jour ouvré de la session."""
    transport = de_la_session(session)
    if transport is not None and transport.jour is not None:
        return transport.jour
    return session.jours[0]


def avec_transport(
    parametres: ParametresSession, transport: ParametresTransport | None
) -> ParametresSession:
    """Une copie de `parametres` qui porte `transport` (None : la copie sans transport)."""
    valeurs = {f.name: getattr(parametres, f.name) for f in fields(ParametresSession)}
    if transport is None:
        return ParametresSession(**valeurs)
    return ParametresSessionTransport(**valeurs, transport=transport)

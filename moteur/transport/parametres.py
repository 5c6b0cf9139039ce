"""Les paramètres de transport d'une session (`session.json` : gtfs, duree_max_min, arrivee).

Ils sont portés par `moteur.modele.ParametresSession.transport` (None : pas de GTFS, règle 6
à vol d'oiseau seulement). Ce module garde les lectures communes : `de_la_session`,
`jour_de_calcul`, et `avec_transport` (une copie des paramètres avec ou sans flux).
`ParametresSessionTransport` reste un alias de `ParametresSession`, pour le code écrit
quand le transport était une sous-classe.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from moteur.modele import ParametresSession, ParametresTransport, Session

DUREE_MAX_MIN_LIMITE = 24 * 60

ParametresSessionTransport = ParametresSession

__all__ = [
    "DUREE_MAX_MIN_LIMITE",
    "ParametresSessionTransport",
    "ParametresTransport",
    "avec_transport",
    "de_la_session",
    "jour_de_calcul",
]


def de_la_session(session: Session | ParametresSession) -> ParametresTransport | None:
    """Les paramètres de transport de la session, ou None (pas de GTFS)."""
    parametres = session.parametres if isinstance(session, Session) else session
    return parametres.transport


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
    return replace(parametres, transport=transport)

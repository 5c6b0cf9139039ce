"""Les paramètres de transport sont un champ facultatif de `ParametresSession` (issue 14)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, time
from pathlib import Path

from moteur.modele import ParametresSession, ParametresTransport, Session
from moteur.transport.parametres import avec_transport, de_la_session, jour_de_calcul

TRANSPORT = ParametresTransport(Path("/tmp/reseau.zip"), "reseau.zip", 45, time(8, 30))


def test_champ_facultatif_sans_sous_classe():
    parametres = ParametresSession("s", date(2026, 6, 15), date(2026, 6, 19))
    assert parametres.transport is None
    assert "transport" in {f.name for f in fields(ParametresSession)}
    avec = avec_transport(parametres, TRANSPORT)
    assert type(avec) is ParametresSession and avec.transport is TRANSPORT
    assert parametres.transport is None  # une copie : l'original ne change pas
    assert avec.jours_ouvres == parametres.jours_ouvres
    assert avec_transport(avec, None).transport is None


def test_lectures_communes():
    session = Session(
        avec_transport(ParametresSession("s", date(2026, 6, 15), date(2026, 6, 19)), TRANSPORT)
    )
    assert de_la_session(session) is TRANSPORT
    assert de_la_session(session.parametres) is TRANSPORT
    assert jour_de_calcul(session) == date(2026, 6, 15)  # premier jour ouvré
    choisi = ParametresTransport(TRANSPORT.gtfs, "reseau.zip", 45, time(8, 30), date(2026, 6, 17))
    session.parametres.transport = choisi
    assert jour_de_calcul(session) == date(2026, 6, 17)
    assert (choisi.arrivee_s, choisi.duree_max_s) == (8 * 3600 + 30 * 60, 45 * 60)

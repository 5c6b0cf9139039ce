"""Propriétés, sur des sessions tirées au hasard par hypothesis."""

from __future__ import annotations

from collections import Counter
from dataclasses import astuple
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moteur.affectation import (
    affecter,
    borne_max_flot,
    calculer_indicateurs,
    calculer_priorites,
    eligibles_reference,
    paires_envie_justifiee,
    premier_arrive,
)
from moteur.affectation.bareme import bareme_defaut, bareme_priorite_absolue
from moteur.distances import haversine_km
from tests.moteur.affectation.fabrique import session_test

# Les deux barèmes : chances égales (défaut) et priorité absolue (option).
BAREMES = [
    bareme_defaut(),
    bareme_priorite_absolue(),
]

NAISSANCES = [date(2009, 3, 1), date(2010, 6, 17), date(2010, 12, 1), date(2011, 8, 1)]
REGLAGES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def sessions(draw):
    nb_projets = draw(st.integers(1, 5))
    projets = [
        (
            f"P{i}",
            draw(st.integers(0, 4)),
            draw(st.floats(0, 35)),
            draw(st.sampled_from([14, 15, 16])),
        )
        for i in range(nb_projets)
    ]
    ids = [p[0] for p in projets]
    eleves = []
    for e in range(draw(st.integers(0, 14))):
        voeux = draw(st.permutations(ids))[: draw(st.integers(0, nb_projets))]
        eleves.append(
            {
                "id": f"E{e:02d}",
                "voeux": voeux,
                "km": draw(st.floats(0, 35)),
                "genre": draw(st.sampled_from(["F", "M", ""])),
                "boursier": draw(st.booleans()),
                "rural": draw(st.booleans()),
                "naissance": draw(st.sampled_from(NAISSANCES)),
            }
        )
    capacites = {pid: draw(st.integers(0, 4)) for pid in ids if draw(st.booleans())}
    return session_test(projets, eleves), capacites


def verifier_regles(session, resultat, capacites):
    eligibles = eligibles_reference(session)
    compte = Counter(resultat.placees.values())
    for pid, n in compte.items():
        assert n <= min(session.projets[pid].places, capacites.get(pid, 10**9))
    for eid, affectation in resultat.affectations.items():
        eleve = session.eleves[eid]
        if affectation.projet_id is None:
            assert eid in resultat.raisons
            continue
        assert eid not in resultat.raisons
        assert eleve.voeux[affectation.rang - 1] == affectation.projet_id
        projet = session.projets[affectation.projet_id]
        assert haversine_km(eleve.point, projet.point) <= session.parametres.distance_max_km
        assert affectation.projet_id in {p for p, _, _ in eligibles[eid]}
    assert list(resultat.affectations) == list(session.eleves)


@REGLAGES
@given(sessions(), st.integers(0, 3))
def test_regles_dures_toutes_politiques(donnees, graine):
    session, capacites = donnees
    for politique in ("stable", "optimal", "premier-arrive"):
        verifier_regles(session, affecter(session, politique, graine, capacites), capacites)


@REGLAGES
@given(sessions(), st.integers(0, 3), st.sampled_from(BAREMES))
def test_stable_sans_envie_justifiee_ni_gaspillage(donnees, graine, bareme):
    # Envie justifiée au sens du barème en vigueur (ordre d'appel, points s'il y en a).
    session, capacites = donnees
    resultat = affecter(session, "stable", graine, capacites, bareme=bareme)
    priorites = calculer_priorites(session, bareme=bareme, graine=graine, capacites=capacites)
    assert paires_envie_justifiee(session, resultat, priorites) == 0
    # Non gaspilleur : un élève qui préfère un projet éligible le trouve complet.
    compte = Counter(resultat.placees.values())
    for eid, voeux in eligibles_reference(session).items():
        rang = resultat.affectations[eid].rang or 10**9
        for pid, r, _ in voeux:
            if r < rang:
                assert compte[pid] >= resultat.capacites[pid]


@REGLAGES
@given(sessions(), st.integers(0, 3), st.sampled_from(BAREMES))
def test_optimal_atteint_la_borne_max_flot(donnees, graine, bareme):
    session, capacites = donnees
    borne = borne_max_flot(session, capacites)
    resultat = affecter(session, "optimal", graine, capacites, bareme=bareme)
    optimal = resultat.indicateurs.eleves_places
    assert optimal == borne
    assert affecter(session, "stable", graine, capacites).indicateurs.eleves_places <= borne
    assert premier_arrive(session, capacites).indicateurs.eleves_places <= borne


@REGLAGES
@given(sessions(), st.integers(0, 1000))
def test_deterministe(donnees, graine):
    session, capacites = donnees
    for politique in ("stable", "optimal"):
        a = affecter(session, politique, graine, capacites)
        b = affecter(session, politique, graine, capacites)
        assert repr(a) == repr(b)


@REGLAGES
@given(sessions(), st.data(), st.sampled_from(BAREMES))
def test_stable_non_manipulable(donnees, data, bareme):
    # Un élève qui ment sur l'ordre (ou tronque) ses voeux n'obtient jamais mieux,
    # selon ses vraies préférences.
    session, capacites = donnees
    if not session.eleves:
        return
    eid = data.draw(st.sampled_from(sorted(session.eleves)))
    vrais = session.eleves[eid].voeux
    sincere = affecter(session, "stable", 0, capacites, bareme=bareme).affectations[eid].rang
    sincere = sincere or 10**9
    menteur = data.draw(st.permutations(vrais))[: data.draw(st.integers(0, len(vrais)))]
    session.eleves[eid].voeux = tuple(menteur)
    obtenu = affecter(session, "stable", 0, capacites, bareme=bareme).affectations[eid].projet_id
    rang_vrai = vrais.index(obtenu) + 1 if obtenu is not None else 10**9
    assert rang_vrai >= sincere


@REGLAGES
@given(sessions(), st.sampled_from(["stable", "optimal", "premier-arrive"]))
def test_indicateurs_en_tableaux_egaux_au_calcul_de_reference(donnees, politique):
    session, capacites = donnees
    resultat = affecter(session, politique, 0, capacites)
    reference = calculer_indicateurs(
        session,
        {
            e: (a.projet_id, a.rang) if a.projet_id else None
            for e, a in resultat.affectations.items()
        },
        resultat.capacites,
    )
    assert astuple(resultat.indicateurs) == pytest.approx(astuple(reference))

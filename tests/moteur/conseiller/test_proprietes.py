"""Propriété : appliquer UNE recommandation au dossier (écrit puis relu), relancer
l'affectation (capacité effective, même politique, même graine) place exactement
`gain_eleves` élèves de plus, et `gain_premiers_voeux` premiers voeux de plus quand il
est calculé. Sur des dossiers générés (benchmarks/generateur.py, taille réduite), dont
quelques projets limités par leurs structures (pour les recommandations « jour »)."""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks.generateur import Taille, generer
from moteur.affectation import affecter
from moteur.conseiller import appliquer, conseiller
from moteur.format import ecrire_plan, ecrire_session, lire_plan, lire_session
from moteur.modele import Plan
from moteur.referentiel import CODES_NORMANDIE
from moteur.rotation import capacite_effective

PETITE = Taille("petite", 1_500, 30, CODES_NORMANDIE, 70)


def mesurer(session, politique, graine):
    capacites = {pid: c.capacite for pid, c in capacite_effective(session).items()}
    resultat = affecter(session, politique, graine, capacites=capacites)
    premiers = sum(1 for a in resultat.affectations.values() if a.rang == 1)
    return len(resultat.placees), premiers


def session_generee(graine, tmp_path):
    session = generer(PETITE, graine)
    # Quelques projets limités par leurs structures : la moitié de l'accueil.
    for projet in list(session.projets.values())[:6]:
        for sid in projet.structures:
            s = session.structures[sid]
            session.structures[sid] = dataclasses.replace(s, accueil_max=max(1, s.accueil_max // 2))
    dossier = tmp_path / "session"
    ecrire_session(session, dossier)
    return lire_session(dossier)


@pytest.mark.parametrize(("politique", "graine"), [("stable", 1), ("optimal", 2)])
def test_appliquer_une_recommandation_redonne_le_gain(politique, graine, tmp_path):
    session = session_generee(graine, tmp_path)
    base = mesurer(session, politique, graine)
    resultat = affecter(
        session,
        politique,
        graine,
        capacites={p: c.capacite for p, c in capacite_effective(session).items()},
    )
    ecrire_plan(Plan(affectations=resultat.affectations), session, tmp_path / "plan")
    plan = lire_plan(tmp_path / "plan", session)
    conseil = conseiller(session, plan, politique, graine)
    assert conseil.places_reference == conseil.places_plan == base[0]
    assert not conseil.avertissements
    actions = {r.action for r in conseil.recommandations}
    assert {"places", "jour", "nouveau_projet"} <= actions
    gains = [r.gain_eleves for r in conseil.recommandations]
    assert gains == sorted(gains, reverse=True) and min(gains) > 0
    # Les 4 premières de chaque action, chacune appliquée seule au dossier relu.
    for action in ("places", "jour", "nouveau_projet"):
        for reco in [r for r in conseil.recommandations if r.action == action][:4]:
            dossier = tmp_path / f"applique-{reco.rang}"
            ecrire_session(appliquer(session, reco), dossier)
            places, premiers = mesurer(lire_session(dossier), politique, graine)
            assert places - base[0] == reco.gain_eleves, reco.explication
            if reco.gain_premiers_voeux is not None:
                assert premiers - base[1] == reco.gain_premiers_voeux, reco.explication

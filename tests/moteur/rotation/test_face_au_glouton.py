"""La découverte du plan comparée à la rotation gloutonne de départ (issue 12, point 3) :
le plancher de diversité garantit, projet par projet, au moins les domaines du glouton, et
le rapport imprime les deux chiffres."""

from __future__ import annotations

import pytest

from benchmarks.instance_rotation import eleves_places, instance_normandie
from moteur.modele import Affectation
from moteur.rotation import capacite_effective, planifier_rotation
from moteur.rotation.mesures import decouverte_par_projet


@pytest.fixture(scope="module")
def rotation():
    session = instance_normandie(5, n_projets=16, n_structures=96)
    capacites = capacite_effective(session)
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)
    affectations = {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}
    return session, planifier_rotation(session, affectations, limite_s=3.0, travailleurs=1)


def test_decouverte_par_projet_compte_les_domaines_distincts_de_chaque_groupe(rotation):
    session, r = rotation
    par_projet = decouverte_par_projet(session, r.planning)
    for pid, groupes in r.groupes.items():
        if pid in r.echecs:
            continue
        attendu = 0
        for g in groupes:
            jours = [lg for lg in r.planning if lg.projet_id == pid and lg.groupe == g.libelle]
            attendu += len(
                {d for lg in jours for d in session.structures[lg.structure_id].domaines}
            )
        assert par_projet[pid] == (attendu, len(groupes))


def test_chaque_projet_decouvre_au_moins_ce_que_decouvre_le_glouton(rotation):
    session, r = rotation
    assert r.decouverte_glouton, "le glouton de départ réussit sur cette instance"
    plan = decouverte_par_projet(session, r.planning)
    for pid, (domaines_glouton, groupes_glouton) in r.decouverte_glouton.items():
        assert plan[pid][1] == groupes_glouton  # mêmes groupes
        assert plan[pid][0] >= domaines_glouton, pid


def test_le_rapport_imprime_le_plan_et_le_glouton():
    from moteur.planificateur import planifier
    from moteur.rapport import rapport_markdown
    from tests.moteur.test_planificateur import _session_avec_autre_voeu

    session = _session_avec_autre_voeu()
    resultat = planifier(session, "stable", limite_rotation_s=5)
    rapport = rapport_markdown(session, resultat)
    ligne = next(x for x in rapport.splitlines() if x.startswith("| Découverte face au glouton"))
    assert "pour la rotation gloutonne de départ, mêmes groupes" in ligne
    assert "projet" in ligne and "," in ligne  # nombres à la française

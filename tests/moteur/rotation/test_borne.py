"""La borne supérieure calculée sans solveur majore bien le score de toute rotation, et une
composante n'est déclarée « glouton optimal » que si le glouton l'atteint."""

from __future__ import annotations

from benchmarks.instance_rotation import eleves_places, instance_normandie
from moteur.modele import Affectation
from moteur.rotation import Poids, capacite_effective, planifier_rotation
from moteur.rotation.borne import borne_superieure
from moteur.rotation.cpsat import GLOUTON_OPTIMAL
from moteur.rotation.mesures import score_planning


def _rotation(limite: float):
    session = instance_normandie(2, n_projets=16, n_structures=96)
    capacites = capacite_effective(session)
    effectifs = {p: c.capacite for p, c in capacites.items() if c.capacite > 0}
    par_projet = eleves_places(session, effectifs)
    affectations = {e: Affectation(e, p, 1) for p, es in par_projet.items() for e in es}
    return session, planifier_rotation(session, affectations, limite_s=limite, travailleurs=1)


def test_la_borne_majore_le_score_de_chaque_composante_et_l_optimum_prouve():
    session, r = _rotation(limite=8.0)
    statuts = set()
    for c in r.composantes:
        groupes = [g for p in c.projets for g in r.groupes[p]]
        planning = [lg for lg in r.planning if lg.projet_id in c.projets]
        score = score_planning(session, groupes, planning, Poids())
        borne = borne_superieure(session, groupes, Poids())
        # Une solution non prouvée peut laisser du mou dans le modèle (structure déclarée
        # ouverte sans groupe…) : le vrai score du planning est alors un peu plus haut.
        assert c.objectif is not None and score >= c.objectif
        if c.statut in ("optimal", GLOUTON_OPTIMAL):
            assert score == c.objectif
        assert score <= borne
        assert c.borne is not None and c.borne <= borne  # la meilleure des deux bornes
        assert c.ecart is not None  # chaque composante a son écart
        statuts.add(c.statut)
        if c.statut == GLOUTON_OPTIMAL:
            assert c.objectif == c.borne
    assert "optimal" in statuts  # des optimums prouvés par le solveur, sous la borne

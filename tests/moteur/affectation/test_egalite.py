"""Égalité des chances : l'ordre d'appel à taux minimum, la fourchette du flot, le rapport."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

from benchmarks.generateur import Taille, generer
from moteur.affectation import affecter, borne_max_flot, eligibles_reference, texte_rapport
from moteur.affectation.bareme import bareme_defaut, bareme_priorite_absolue
from moteur.affectation.priorites import appel_a_taux_minimum, taux_minimum_pct
from moteur.affectation.rapport import capacites_reference
from tests.moteur.affectation.fabrique import session_test
from tests.moteur.affectation.test_proprietes import sessions

REGLAGES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_taux_minimum_en_pourcentage_entier_arrondi_au_dessus():
    # 6 412 / 25 685 = 24,96 % → 25 % ; 1 sur 3 = 33,3 % → 34 % ; aucun → 0.
    assert taux_minimum_pct(6_412, 25_685) == 25
    assert taux_minimum_pct(1, 3) == 34
    assert taux_minimum_pct(0, 10) == 0
    assert taux_minimum_pct(0, 0) == 0


def test_ordre_d_appel_a_la_main():
    # 10 élèves tirés dans l'ordre 0..9 ; boursiers : 7, 8, 9 (30 %). Préfixe k : au moins
    # ⌊0,3 × k⌋ boursiers. k = 4 en demande 1 : 7 est avancé en 4e position ; k = 7 en
    # demande 2 : 8 en 7e ; k = 10 en demande 3 : 9 en dernier.
    boursier = np.zeros(10, dtype=bool)
    boursier[[7, 8, 9]] = True
    ordre = appel_a_taux_minimum(np.arange(10), boursier, np.zeros(10, dtype=bool))
    assert ordre.tolist() == [0, 1, 2, 7, 3, 4, 8, 5, 6, 9]


@REGLAGES
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=80), st.integers(0, 10**6))
def test_chaque_prefixe_de_l_ordre_d_appel_respecte_le_taux_minimum(drapeaux, graine):
    n = len(drapeaux)
    boursier = np.array([b for b, _ in drapeaux], dtype=bool)
    rural = np.array([r for _, r in drapeaux], dtype=bool)
    tires = np.random.default_rng(graine).permutation(n).astype(np.int64)
    ordre = appel_a_taux_minimum(tires, boursier, rural)
    assert sorted(ordre.tolist()) == list(range(n))
    t_b = taux_minimum_pct(int(boursier.sum()), n)
    t_r = taux_minimum_pct(int(rural.sum()), n)
    # Quand il ne reste plus d'élève à la fois boursier et rural, un même rang peut manquer
    # des deux : l'un des deux attend alors un rang (d'où le « - 1 » en présence des deux).
    tolerance = 1 if boursier.any() and rural.any() else 0
    for k in range(1, n + 1):
        prefixe = ordre[:k]
        for public, t in ((boursier, t_b), (rural, t_r)):
            attendu = min(t * k // 100, int(public.sum()))
            assert int(public[prefixe].sum()) >= attendu - tolerance
    # Dans chaque catégorie, l'ordre du tirage est gardé.
    rang = np.empty(n, dtype=np.int64)
    rang[tires] = np.arange(n)
    categorie = boursier.astype(int) + 2 * rural.astype(int)
    for c in range(4):
        dans = ordre[categorie[ordre] == c]
        assert (np.diff(rang[dans]) > 0).all()


def test_stable_chances_egales_pas_de_passe_droit():
    # Une place, un boursier et un autre élève, même distance : avec le barème par défaut,
    # le tirage au sort décide (chacun gagne selon la graine) ; en priorité absolue, le
    # boursier gagne toujours.
    session = session_test(
        [("P1", 1, 0.0)],
        [{"id": "A", "voeux": ["P1"]}, {"id": "B", "voeux": ["P1"], "boursier": True}],
    )
    gagnants = {affecter(session, "stable", g).placees.popitem()[0] for g in range(20)}
    assert gagnants == {"A", "B"}
    absolue = bareme_priorite_absolue()
    assert {
        affecter(session, "stable", g, bareme=absolue).placees.popitem()[0] for g in range(5)
    } == {"B"}


def test_optimal_equilibre_les_chances_sans_exclure_les_autres():
    # P1 : 2 places ; 2 boursiers et 2 autres ne veulent que P1. Priorité absolue : les deux
    # boursiers (100 % contre 0 %). Taux minimum : F = 2, n = 4, n_B = 2 → L_B = 1 et
    # U_B = ⌊1 + 0,03 × 2 × 2 / 4⌋ = 1 : un boursier et un autre (50 % chacun).
    eleves = [{"id": f"B{i}", "voeux": ["P1"], "boursier": True} for i in range(2)]
    eleves += [{"id": f"A{i}", "voeux": ["P1"]} for i in range(2)]
    session = session_test([("P1", 2, 0.0)], eleves)
    absolue = affecter(session, "optimal", bareme=bareme_priorite_absolue())
    assert sorted(absolue.placees) == ["B0", "B1"]
    resultat = affecter(session, "optimal")
    assert sorted(e[0] for e in resultat.placees) == ["A", "B"]
    assert resultat.indicateurs.taux_boursiers == resultat.indicateurs.taux_non_boursiers == 50
    assert resultat.sans_egalite is not None
    assert "dans la fourchette" in resultat.constats_egalite[0]
    # Le flot sans équité ne cherche pas la fourchette, et le dit.
    sans = affecter(session, "optimal", bareme=replace(bareme_defaut(), poids_egalite=0))
    assert sans.sans_egalite is None
    assert "flot sans équité" in sans.constats_egalite[0]


def _placables(session, capacites, prefere) -> int:
    """Parmi les flots maximums, le plus grand nombre d'élèves `prefere` placés : flot de
    coût minimum construit ici, indépendamment du moteur (éligibilité de référence)."""
    eligibles = eligibles_reference(session)
    cap = capacites_reference(session, capacites)
    noeud = {pid: 2 + i for i, pid in enumerate(cap)}
    flot = min_cost_flow.SimpleMinCostFlow()
    suivant = 2 + len(cap)
    for pid, c in cap.items():
        flot.add_arc_with_capacity_and_unit_cost(noeud[pid], 1, c, 0)
    offre = 0
    for eid, voeux in eligibles.items():
        if not voeux:
            continue
        flot.add_arc_with_capacity_and_unit_cost(0, suivant, 1, 0 if prefere(eid) else 1)
        for pid, _, _ in voeux:
            flot.add_arc_with_capacity_and_unit_cost(suivant, noeud[pid], 1, 0)
        suivant += 1
        offre += 1
    if offre == 0:
        return 0
    flot.set_node_supply(0, offre)
    flot.set_node_supply(1, -offre)
    assert flot.solve_max_flow_with_min_cost() == flot.OPTIMAL
    return int(flot.maximum_flow() - flot.optimal_cost())


@REGLAGES
@given(sessions(), st.integers(0, 3))
def test_optimal_dans_la_fourchette_quand_les_voeux_le_permettent(donnees, graine):
    # Sessions sans élève rural : la fourchette porte sur les seuls boursiers. Le flot
    # place la borne ; le nombre de boursiers placés est dans [L, U] autant que les voeux
    # le permettent : au moins min(L, le plus possible), au plus max(U, le moins possible),
    # ces deux extrêmes étant calculés ici par un flot indépendant.
    session, capacites = donnees
    for eleve in session.eleves.values():
        eleve.rural = False
    n = len(session.eleves)
    n_b = sum(e.boursier for e in session.eleves.values())
    resultat = affecter(session, "optimal", graine, capacites)
    borne = borne_max_flot(session, capacites)
    assert resultat.indicateurs.eleves_places == borne
    if n == 0 or n_b in (0, n):
        return
    places_b = sum(session.eleves[e].boursier for e in resultat.placees)
    basse = math.ceil(borne * n_b / n)
    haute = max(basse, (100 * borne * n_b + 3 * n_b * (n - n_b)) // (100 * n))
    boursier = {e.id for e in session.eleves.values() if e.boursier}
    plus = _placables(session, capacites, lambda e: e in boursier)
    moins = borne - _placables(session, capacites, lambda e: e not in boursier)
    assert min(basse, plus) <= places_b <= max(haute, moins)


def test_normandie_reduite_fourchette_et_premiers_voeux():
    # Une petite Normandie générée (Calvados, 3 000 élèves, 60 projets) : les deux
    # publics dans la fourchette avec `optimal`, et au plus 1 point de premiers voeux de
    # moins que le même flot sans l'égalité des chances.
    session = generer(Taille("calvados", 3_000, 60, ("14",)), 0)
    resultat = affecter(session, "optimal", 0)
    i, sans = resultat.indicateurs, resultat.sans_egalite
    assert sans is not None and sans.eleves_places == i.eleves_places
    assert 0 <= i.taux_boursiers - i.taux_non_boursiers <= 3
    assert 0 <= i.taux_ruraux - i.taux_non_ruraux <= 3
    assert i.taux_premier_voeu >= sans.taux_premier_voeu - 1
    texte = texte_rapport(resultat)
    assert "premier vœu sans l'égalité des chances" in texte
    assert texte.count("dans la fourchette") == 2
    # Priorité absolue : les publics prioritaires passent devant (l'ancien comportement).
    absolue = affecter(session, "optimal", 0, bareme=bareme_priorite_absolue()).indicateurs
    assert absolue.taux_boursiers > i.taux_boursiers
    assert bareme_defaut().ecart_max_pts == 3

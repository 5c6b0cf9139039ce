"""Cas faits main : les gains attendus sont calculés à la main dans les commentaires."""

from __future__ import annotations

import dataclasses

from moteur import referentiel
from moteur.affectation import affecter
from moteur.conseiller import appliquer, conseiller, pression_projets, pression_territoires
from moteur.modele import Point
from moteur.rotation import capacite_effective
from tests.moteur.affectation.fabrique import session_test


def placer(session, politique):
    capacites = {pid: c.capacite for pid, c in capacite_effective(session).items()}
    return affecter(session, politique, 0, capacites=capacites)


def par_projet(conseil, action):
    return {r.projet_id: r for r in conseil.recommandations if r.action == action}


def test_chaine_du_flot_a_la_main():
    # P1, P2 : une place chacun. A veut P1 puis P2, B veut P1, C veut P2. Flot maximal 2 :
    # un des trois reste sans place. Une place de plus à P1 : A ou B y va, C à P2 → 3
    # placés, gain 1 ; de même pour P2. Plus d'une place ne sert à rien (un seul non
    # placé) : quantité 1. P3 (une place, D seul la veut) n'a personne à prendre : rien.
    session = session_test(
        [("P1", 1, 0.0), ("P2", 1, 2.0), ("P3", 1, 4.0)],
        [
            {"id": "A", "voeux": ["P1", "P2"], "km": 0.5},
            {"id": "B", "voeux": ["P1"], "km": 1.0},
            {"id": "C", "voeux": ["P2"], "km": 2.0},
            {"id": "D", "voeux": ["P3"], "km": 4.0},
        ],
    )
    conseil = conseiller(session, None, "optimal")
    assert conseil.places_reference == 3
    places = par_projet(conseil, "places")
    assert set(places) == {"P1", "P2"}
    for reco in places.values():
        assert (reco.quantite, reco.gain_eleves) == (1, 1)
    assert [r.rang for r in conseil.recommandations] == list(
        range(1, len(conseil.recommandations) + 1)
    )


def test_stable_une_place_de_plus():
    # Stable : P1 (1 place) voulu par A et B, P2 (1 place) voulu par C seul. P1 refuse un
    # des deux : une place de plus à P1 le place (gain 1, et c'est son premier voeu : +1
    # premier voeu). P2 n'a aucun refusé : pas de recommandation.
    session = session_test(
        [("P1", 1, 0.0), ("P2", 1, 2.0)],
        [
            {"id": "A", "voeux": ["P1"], "km": 0.5},
            {"id": "B", "voeux": ["P1"], "km": 1.0},
            {"id": "C", "voeux": ["P2"], "km": 2.0},
        ],
    )
    conseil = conseiller(session, None, "stable")
    (reco,) = conseil.recommandations
    assert (reco.action, reco.projet_id, reco.quantite) == ("places", "P1", 1)
    assert (reco.gain_eleves, reco.gain_premiers_voeux) == (1, 1)
    apres = placer(appliquer(session, reco), "stable")
    assert len(apres.placees) == 3


def test_jour_quand_les_structures_limitent():
    # P1 annonce 4 places mais sa structure n'accueille que 2 élèves par jour : capacité
    # effective 2, quatre demandeurs, 2 placés. Un élève de plus par jour (accueil_max
    # 2 → 3) : capacité 3, gain 1. Pas de recommandation « places » (ce ne sont pas les
    # places qui manquent).
    session = session_test(
        [("P1", 4, 0.0)], [{"id": f"E{i}", "voeux": ["P1"], "km": float(i)} for i in range(4)]
    )
    session.structures["S-P1"] = dataclasses.replace(session.structures["S-P1"], accueil_max=2)
    for politique in ("stable", "optimal"):
        conseil = conseiller(session, None, politique)
        assert conseil.places_reference == 2
        assert not par_projet(conseil, "places")
        reco = par_projet(conseil, "jour")["P1"]
        assert reco.gain_eleves == 1
        assert [(m.type, m.cible, m.valeur) for m in reco.modifications] == [
            ("accueil_max", "S-P1", 1)
        ]
        assert len(placer(appliquer(session, reco), politique).placees) == 3


def _pres_de_caen(session, ids):
    caen = referentiel.commune("14118")
    assert caen is not None
    for i, eid in enumerate(ids):
        point = Point(caen.point.latitude + 0.001 * i, caen.point.longitude)
        session.eleves[eid] = dataclasses.replace(session.eleves[eid], point=point)
    return caen


def test_nouveau_projet_pour_les_eleves_sans_solution():
    # P1 est à l'origine, à ~32 km de Caen : les trois élèves de Caen qui le demandent
    # sont hors de portée (25 km). Aucun projet à portée : un projet de 3 places à Caen en
    # place exactement 3 (gain 3), tous du lycée 0140001A.
    session = session_test([("P1", 5, 0.0)], [{"id": f"E{i}", "voeux": ["P1"]} for i in range(3)])
    _pres_de_caen(session, ["E0", "E1", "E2"])
    conseil = conseiller(session, None, "stable")
    (reco,) = [r for r in conseil.recommandations if r.action == "nouveau_projet"]
    assert (reco.commune_insee, reco.quantite, reco.gain_eleves) == ("14118", 3, 3)
    assert reco.lycees == {"0140001A": 3}
    assert "Lycée (0140001A) : 3" in reco.explication
    for politique in ("stable", "optimal"):
        assert len(placer(appliquer(session, reco), politique).placees) == 3


def test_pas_de_nouveau_projet_si_une_place_libre_est_a_portee():
    # Même cas, mais P2 à Caen a des places libres (personne ne le demande) : ces élèves
    # peuvent y être dirigés sans nouveau projet.
    session = session_test(
        [("P1", 5, 0.0), ("P2", 5, 0.0)], [{"id": f"E{i}", "voeux": ["P1"]} for i in range(3)]
    )
    caen = _pres_de_caen(session, ["E0", "E1", "E2"])
    session.projets["P2"] = dataclasses.replace(session.projets["P2"], point=caen.point)
    conseil = conseiller(session, None, "stable")
    assert not [r for r in conseil.recommandations if r.action == "nouveau_projet"]


def test_pression_des_voeux():
    # P1 : 1 place, 3 demandeurs dont 2 en premier voeu → ratio 3, premiers 2.
    # P2 : 2 places, 2 demandeurs (dont 1 en premier voeu) → ratio 1.
    session = session_test(
        [("P1", 1, 0.0), ("P2", 2, 1.0)],
        [
            {"id": "A", "voeux": ["P1"]},
            {"id": "B", "voeux": ["P1", "P2"]},
            {"id": "C", "voeux": ["P2", "P1"]},
        ],
    )
    lignes = pression_projets(session)
    assert [(p.projet_id, p.demandeurs, p.premiers_voeux, p.ratio) for p in lignes] == [
        ("P1", 3, 2, 3.0),
        ("P2", 2, 1, 1.0),
    ]
    (territoire,) = pression_territoires(session)
    # Caen la Mer (14118) : 3 candidats, 3 places → 1 candidat par place.
    assert (territoire.candidats, territoire.places, territoire.ratio) == (3, 3, 1.0)
    assert territoire.epci == referentiel.commune("14118").epci

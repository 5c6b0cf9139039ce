"""Petits cas faits main : les réponses sont calculées à la main dans les commentaires."""

from __future__ import annotations

from datetime import date

import pytest

from moteur.affectation import (
    affecter,
    borne_max_flot,
    calculer_priorites,
    paires_envie_justifiee,
    premier_arrive,
)
from moteur.affectation.bareme import (
    Bareme,
    bareme_defaut,
    bareme_depuis_dict,
    bareme_priorite_absolue,
    charger_bareme,
)
from moteur.erreurs import ErreurUtilisateur
from tests.moteur.affectation.fabrique import session_test

# L'ancien barème par défaut : points d'abord, puis distance, puis tirage au sort.
ABSOLUE = bareme_priorite_absolue()


def projets_de(resultat) -> dict[str, str | None]:
    return {e: a.projet_id for e, a in resultat.affectations.items()}


def test_boursier_passe_devant_le_plus_proche():
    # P1 : 1 place. A habite à 1 km, B (boursier, 2 points) à 5 km : B passe avant A.
    # A se rabat sur P2 (son 2e voeu).
    session = session_test(
        [("P1", 1, 0.0), ("P2", 1, 10.0)],
        [
            {"id": "A", "voeux": ["P1", "P2"], "km": 1.0},
            {"id": "B", "voeux": ["P1"], "km": 5.0, "boursier": True},
        ],
    )
    resultat = affecter(session, "stable", bareme=ABSOLUE)
    assert projets_de(resultat) == {"A": "P2", "B": "P1"}
    assert resultat.affectations["A"].rang == 2
    assert resultat.affectations["B"].rang == 1


def test_a_points_egaux_le_plus_proche_passe():
    # Ni boursier ni rural : A (1 km de P1) passe avant B (3 km) ; B n'a pas d'autre voeu.
    session = session_test(
        [("P1", 1, 0.0)],
        [{"id": "B", "voeux": ["P1"], "km": 3.0}, {"id": "A", "voeux": ["P1"], "km": 1.0}],
    )
    resultat = affecter(session, "stable", bareme=ABSOLUE)
    assert projets_de(resultat) == {"B": None, "A": "P1"}
    assert "complets" in resultat.raisons["B"]


def test_premier_arrive_suit_l_ordre_du_fichier():
    # Même situation : B est en premier dans le fichier, il prend la place.
    session = session_test(
        [("P1", 1, 0.0)],
        [{"id": "B", "voeux": ["P1"], "km": 3.0}, {"id": "A", "voeux": ["P1"], "km": 1.0}],
    )
    assert projets_de(premier_arrive(session)) == {"B": "P1", "A": None}


def test_optimal_place_plus_que_stable():
    # P1 et P2 : 1 place chacun. A (à 0,5 km de P1) veut P1 puis P2 ; B (à 4 km) ne veut que P1.
    # Stable : A passe avant B pour P1 (plus proche) et le garde ; B est refusé ; P2 reste
    # vide. Optimal : A → P2 (rang 2), B → P1 : 2 placés, la borne du flot maximum.
    session = session_test(
        [("P1", 1, 0.0), ("P2", 1, 2.0)],
        [{"id": "A", "voeux": ["P1", "P2"], "km": 0.5}, {"id": "B", "voeux": ["P1"], "km": 4.0}],
    )
    assert projets_de(affecter(session, "stable", bareme=ABSOLUE)) == {"A": "P1", "B": None}
    assert projets_de(affecter(session, "optimal")) == {"A": "P2", "B": "P1"}
    assert borne_max_flot(session) == 2


def test_distance_et_age_donnent_la_raison():
    # P1 à 30 km (> 25) ; P2 demande 16 ans, C a 15 ans (né en 2011... le 2010-12-01).
    session = session_test(
        [("P1", 5, 30.0), ("P2", 5, 0.0, 16)],
        [
            {"id": "LOIN", "voeux": ["P1"]},
            {"id": "JEUNE", "voeux": ["P2"], "naissance": date(2010, 12, 1)},
            {"id": "AGE", "voeux": ["P2"], "naissance": date(2010, 1, 1)},
            {"id": "RIEN", "voeux": []},
        ],
    )
    resultat = affecter(session, "stable")
    assert projets_de(resultat) == {"LOIN": None, "JEUNE": None, "AGE": "P2", "RIEN": None}
    assert resultat.raisons["LOIN"].startswith("aucun voeu à portée")
    assert resultat.raisons["JEUNE"].startswith("aucun projet de ses voeux n'accepte son âge")
    assert resultat.raisons["RIEN"] == "aucun voeu exprimé"


def test_age_atteint_pendant_la_session_ne_suffit_pas():
    # Né le 2010-06-17 : 15 ans le 15 et le 16 juin, 16 ans à partir du 17. Un projet qui
    # demande 16 ans chaque jour le refuse ; un autre qui ouvre à 15 ans l'accepte.
    session = session_test(
        [("P16", 3, 0.0, 16), ("P15", 3, 0.0, 15)],
        [{"id": "X", "voeux": ["P16", "P15"], "naissance": date(2010, 6, 17)}],
    )
    resultat = affecter(session, "stable")
    assert resultat.affectations["X"].projet_id == "P15"
    assert resultat.affectations["X"].rang == 2


def test_capacite_effective_plus_petite_que_places():
    # 3 places annoncées mais la rotation n'en permet que 2 : 2 placés au plus.
    session = session_test(
        [("P1", 3, 0.0)],
        [{"id": f"E{i}", "voeux": ["P1"], "km": float(i)} for i in range(4)],
    )
    for politique in ("stable", "optimal", "premier-arrive"):
        resultat = affecter(session, politique, capacites={"P1": 2})
        assert resultat.indicateurs.eleves_places == 2
        # Stable et optimal : les 2 plus proches (E0, E1) — à égalité de points, l'optimal
        # ne les départage pas ; on vérifie seulement le nombre pour lui.
    resultat = affecter(session, "stable", capacites={"P1": 2}, bareme=ABSOLUE)
    assert sorted(resultat.placees) == ["E0", "E1"]
    # Une capacité effective plus grande que places ne donne pas plus que places.
    assert affecter(session, "stable", capacites={"P1": 9}).indicateurs.eleves_places == 3


def test_mixite_places_reservees_puis_liberees():
    # P1 : 10 places, demandé par les deux genres : 3 places réservées par genre.
    # 12 garçons plus proches que 3 filles : sans réserve, les 10 garçons les plus proches.
    # Avec réserve : 3 filles + 7 garçons les plus proches.
    eleves = [{"id": f"G{i:02d}", "voeux": ["P1"], "km": i * 0.1, "genre": "M"} for i in range(12)]
    eleves += [{"id": f"F{i}", "voeux": ["P1"], "km": 5 + i, "genre": "F"} for i in range(3)]
    session = session_test([("P1", 10, 0.0)], eleves)
    resultat = affecter(session, "stable", bareme=ABSOLUE)
    places = sorted(resultat.placees)
    assert places == ["F0", "F1", "F2"] + [f"G{i:02d}" for i in range(7)]
    priorites = calculer_priorites(session, bareme=ABSOLUE)
    assert priorites.reserves == {"P1": {"F": 3, "M": 3}}
    assert paires_envie_justifiee(session, resultat, priorites) == 0
    # Sans tenir compte des réserves : G07..G11 (5 garçons) envient chacune des 3 filles.
    assert paires_envie_justifiee(session, resultat, priorites, avec_reserves=False) == 15
    # Une seule fille : 1 fille + 9 garçons (les 2 places réservées libres sont libérées).
    session1 = session_test([("P1", 10, 0.0)], eleves[:12] + eleves[12:13])
    assert affecter(session1, "stable").indicateurs.eleves_places == 10
    assert affecter(session1, "optimal").indicateurs.eleves_places == 10


def test_mixite_optimal():
    # Même cas : l'optimal remplit aussi les places réservées (3 filles).
    eleves = [{"id": f"G{i:02d}", "voeux": ["P1"], "km": i * 0.1, "genre": "M"} for i in range(12)]
    eleves += [{"id": f"F{i}", "voeux": ["P1"], "km": 5 + i, "genre": "F"} for i in range(3)]
    resultat = affecter(session_test([("P1", 10, 0.0)], eleves), "optimal")
    assert sum(1 for e in resultat.placees if e.startswith("F")) == 3
    assert resultat.indicateurs.projets_mixtes == 1


def test_optimal_priorite_absolue_prefere_les_points_puis_les_rangs():
    # P1 : 1 place, demandée par A (1er voeu) et B boursier (2e voeu, P0 en 1er mais P0 a
    # 0 place). Un seul placé possible : l'optimal place le boursier B.
    session = session_test(
        [("P0", 0, 0.0), ("P1", 1, 0.0)],
        [{"id": "A", "voeux": ["P1"]}, {"id": "B", "voeux": ["P0", "P1"], "boursier": True}],
    )
    assert projets_de(affecter(session, "optimal", bareme=ABSOLUE)) == {"A": None, "B": "P1"}
    # Sans boursier : même nombre de placés et mêmes points ; le meilleur rang (A, rang 1).
    session.eleves["B"].boursier = False
    assert projets_de(affecter(session, "optimal", bareme=ABSOLUE)) == {"A": "P1", "B": None}


def test_optimal_prefere_un_premier_voeu_a_deux_deuxiemes():
    # P0 et P1 : 1 place ; P2 et P3 : 0 place. A : [P2, P1, P3, P0] ; B : [P1, P0].
    # Deux façons de placer les deux : A→P1 (rang 2), B→P0 (rang 2), somme des (rang - 1)
    # = 2, aucun premier voeu ; ou A→P0 (rang 4), B→P1 (rang 1), somme 3, un premier voeu.
    # Avec poids_premier_voeu = 10 (défaut) : 2 + 2 × 10 = 22 contre 3 + 10 = 13 → la
    # seconde ; avec 0 : la somme des rangs seule → la première.
    session = session_test(
        [("P0", 1, 0.0), ("P1", 1, 0.0), ("P2", 0, 0.0), ("P3", 0, 0.0)],
        [{"id": "A", "voeux": ["P2", "P1", "P3", "P0"]}, {"id": "B", "voeux": ["P1", "P0"]}],
    )
    assert projets_de(affecter(session, "optimal")) == {"A": "P0", "B": "P1"}
    sans_bonus = Bareme(poids_premier_voeu=0)
    assert projets_de(affecter(session, "optimal", bareme=sans_bonus)) == {"A": "P1", "B": "P0"}


def test_bareme_par_defaut_et_reserves():
    bareme = bareme_defaut()
    assert (bareme.egalite, bareme.ecart_max_pts, bareme.seuil_mixite_pct) == (
        "taux_minimum",
        3,
        30,
    )
    assert not bareme.departage_distance
    # ⌈30 % × c⌉, sans dépasser la moitié : calculé à la main.
    assert [bareme.reserve(c) for c in (1, 2, 3, 10, 11, 20)] == [0, 1, 1, 3, 4, 6]
    # Taux minimum : personne n'a de points ; priorité absolue : 2 + 1.
    assert bareme.points(boursier=True, rural=True) == 0
    assert ABSOLUE.points(boursier=True, rural=True) == 3 and ABSOLUE.departage_distance


def test_bareme_toml(tmp_path):
    chemin = tmp_path / "bareme.toml"
    chemin.write_text('nom = "essai"\npoints_boursier = 5\nseuil_mixite_pct = 40\n', "utf-8")
    bareme = charger_bareme(chemin)
    assert bareme == Bareme(nom="essai", points_boursier=5, seuil_mixite_pct=40)


@pytest.mark.parametrize(
    "brut",
    [
        {"inconnu": 1},
        {"points_boursier": "2"},
        {"seuil_mixite_pct": 70},
        {"poids_premier_voeu": -1},
        {"egalite": "quotas"},
        {"ecart_max_pts": -1},
        {"poids_egalite": True},
        [],
    ],
)
def test_bareme_invalide(brut):
    with pytest.raises(ErreurUtilisateur):
        bareme_depuis_dict(brut, "bareme.json")


def test_politique_inconnue():
    with pytest.raises(ErreurUtilisateur):
        affecter(session_test([], []), "loterie")


def test_reseau_du_flot_a_la_main():
    # Même cas que test_optimal_place_plus_que_stable : deux élèves reliés (2 arcs source →
    # élève, offre 2), trois voeux éligibles (A → P1, A → P2, B → P1) ; P1 et P2 n'ont
    # qu'une place, donc aucune place réservée : pas de nœud de genre, 2 arcs projet →
    # puits. Chaque voeu coûte l'unité de mixité plus son coût de rang : A → P2, 2e voeu,
    # coûte en plus 1 (rang - 1) + 10 (hors premier voeu). Unité = K = 11 (plus grand
    # coût de rang) × min(2 élèves, 4 nœuds non élèves) + 1 = 23.
    from moteur.affectation.eligibilite import construire_instance
    from moteur.affectation.optimal import construire_reseau

    session = session_test(
        [("P1", 1, 0.0), ("P2", 1, 2.0)],
        [{"id": "A", "voeux": ["P1", "P2"], "km": 0.5}, {"id": "B", "voeux": ["P1"], "km": 4.0}],
    )
    instance = construire_instance(session)
    reseau = construire_reseau(instance, ABSOLUE, 0)
    assert reseau is not None
    assert reseau.offre == 2 and reseau.premier_voeu == 2
    assert len(reseau.queues) == 2 + 3 + 2
    voeux = slice(reseau.premier_voeu, reseau.premier_voeu + 3)
    paires = sorted(
        zip(
            (instance.eleve_ids[e] for e in reseau.eleves),
            (instance.projet_ids[p] for p in reseau.projets),
            reseau.couts[voeux].tolist(),
            strict=True,
        )
    )
    assert paires == [("A", "P1", 23), ("A", "P2", 23 + 11), ("B", "P1", 23)]
    assert (reseau.queues[:2] == 0).all() and (reseau.tetes[-2:] == 1).all()


def test_reseau_vide_sans_voeu_eligible():
    from moteur.affectation.eligibilite import construire_instance
    from moteur.affectation.optimal import construire_reseau

    session = session_test([("P1", 1, 30.0)], [{"id": "LOIN", "voeux": ["P1"]}])
    assert construire_reseau(construire_instance(session), bareme_defaut(), 0) is None
    assert projets_de(affecter(session, "optimal")) == {"LOIN": None}


def _projet_a_deux_structures():
    """P1 : S-P1 (16 ans, tous les jours) et S2 (14 ans, 4 jours au plus sur les 5 de la
    session) ; P2 : une place ouverte à tous. JEUNE (15 ans) : S-P1 le refuse, S2 n'a que
    4 jours pour ses 5 jours de stage : aucun programme possible dans P1."""
    import dataclasses

    session = session_test(
        [("P1", 5, 0.0, 16), ("P2", 1, 0.0)],
        [
            {"id": "JEUNE", "voeux": ["P1", "P2"], "naissance": date(2010, 12, 1)},
            {"id": "GRAND", "voeux": ["P1"], "naissance": date(2010, 1, 1)},
        ],
    )
    s2 = dataclasses.replace(session.structures["S-P1"], id="S2", age_min=14, jours_max=4)
    session.structures["S2"] = s2
    session.projets["P1"] = dataclasses.replace(session.projets["P1"], structures=("S-P1", "S2"))
    return session


def test_jours_max_des_structures_qui_acceptent_son_age():
    import dataclasses

    from moteur.planificateur import planifier

    session = _projet_a_deux_structures()
    resultat = affecter(session, "optimal")
    # JEUNE n'est pas placé sur P1 (aucun programme possible) mais sur P2, son 2e voeu.
    assert projets_de(resultat) == {"JEUNE": "P2", "GRAND": "P1"}
    assert borne_max_flot(session) == 2  # le contrôle indépendant (flot OR-Tools) est d'accord
    plan = planifier(session, "optimal", limite_rotation_s=5)
    assert len(plan.tours) == 1 and not plan.retires  # la boucle n'a rien à corriger
    # Seul dans P1 : raison en clair.
    seul = dataclasses.replace(session.eleves["JEUNE"], voeux=("P1",))
    session.eleves["JEUNE"] = seul
    raison = affecter(session, "stable").raisons["JEUNE"]
    assert raison.startswith("aucun projet de ses voeux n'accepte son âge")
    assert "jours_max" in raison
    # Cinq jours au plus pour S2 : le programme redevient possible.
    session.structures["S2"] = dataclasses.replace(session.structures["S2"], jours_max=5)
    assert projets_de(affecter(session, "stable"))["JEUNE"] == "P1"


def test_programme_individuel_kuhn_contre_flot_ortools():
    """`programme_possible` (chemins augmentants) contre la référence indépendante (flot
    maximum OR-Tools), sur des projets tirés au hasard (graine fixe)."""
    import dataclasses
    import random

    from moteur.affectation.eligibilite import programme_possible
    from moteur.affectation.rapport import programme_individuel_reference

    hasard = random.Random(12)
    session = _projet_a_deux_structures()
    jours = session.jours
    modele = session.structures["S2"]
    essais = {True: 0, False: 0}
    for n in range(300):
        ids = []
        for k in range(hasard.randint(1, 4)):
            sid = f"T{n}-{k}"
            session.structures[sid] = dataclasses.replace(
                modele,
                id=sid,
                age_min=hasard.choice((14, 15, 16)),
                jours_max=hasard.choice((None, 1, 2, 3, 4)),
                jours=tuple(j for j in jours if hasard.random() < 0.7),
            )
            ids.append(sid)
        session.projets["PX"] = dataclasses.replace(session.projets["P1"], structures=tuple(ids))
        ages = tuple(hasard.choice((14, 15, 16)) for _ in jours)
        structures = [session.structures[x] for x in ids]
        chaque_jour = all(
            any(j in s.jours_possibles(jours) and a >= s.age_min for s in structures)
            for j, a in zip(jours, ages, strict=True)
        )
        # La référence suppose l'âge déjà accepté chaque jour (comme `eligibles_reference`).
        attendu = chaque_jour and programme_individuel_reference(session, "PX", ages)
        assert programme_possible(session, tuple(ids), ages) == attendu, (n, ids, ages)
        essais[attendu] += 1
    assert min(essais.values()) > 20  # les deux réponses sont bien exercées

"""Les six règles dures : chacune trouve la violation plantée, aucune sur un plan correct."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from moteur import regles
from moteur.modele import Affectation, LignePlanning, Plan
from moteur.regles import Violation, verifier


def test_plan_correct_sans_violation(session_valide, plan_valide):
    assert verifier(session_valide, plan_valide) == []
    for regle in (
        regles.regle_1_voeux,
        regles.regle_2_places,
        regles.regle_3_planning_complet,
        regles.regle_4_capacite_et_jours,
        regles.regle_5_age,
        regles.regle_6_distance,
        regles.verifier_coherence,
    ):
        assert regle(session_valide, plan_valide) == []


def test_plan_vide_sans_violation(session_valide):
    plan = Plan({e: Affectation(e, None) for e in session_valide.eleves})
    assert verifier(session_valide, plan) == []


def _remplacer_structure(plan: Plan, projet: str, groupe: str, jour: date, structure: str):
    plan.planning = [
        LignePlanning(x.projet_id, x.groupe, x.date, structure)
        if (x.projet_id, x.groupe, x.date) == (projet, groupe, jour)
        else x
        for x in plan.planning
    ]


def test_regle_1_projet_hors_voeux(session_valide, plan_valide):
    plan_valide.affectations["E07"] = Affectation("E07", "P1", 1, "B")  # E07 ne veut que P2
    violations = regles.regle_1_voeux(session_valide, plan_valide)
    assert [v.eleve_id for v in violations] == ["E07"]
    assert violations[0].regle == 1
    assert "E07" in violations[0].message
    assert "P1" in violations[0].message
    assert "(P2)" in violations[0].message


def test_regle_2_places_depassees(session_valide, plan_valide):
    session_valide.projets["P2"].places = 3
    violations = regles.regle_2_places(session_valide, plan_valide)
    assert violations == [
        Violation(
            2,
            "le projet P2 « Commerce et services à Saint-Lô » compte 4 élèves pour 3 places "
            "(1 de trop)",
            "P2",
        )
    ]


def test_regle_3_jour_manquant(session_valide, plan_valide):
    plan_valide.planning = [
        x for x in plan_valide.planning if not (x.groupe == "B" and x.date == date(2026, 6, 17))
    ]
    violations = regles.regle_3_planning_complet(session_valide, plan_valide)
    assert [(v.regle, v.projet_id, v.groupe, v.date) for v in violations] == [
        (3, "P1", "B", date(2026, 6, 17))
    ]
    assert "mercredi 2026-06-17" in violations[0].message


def test_regle_3_deux_structures_le_meme_jour(session_valide, plan_valide):
    plan_valide.planning.append(LignePlanning("P1", "B", date(2026, 6, 16), "S2"))
    violations = regles.regle_3_planning_complet(session_valide, plan_valide)
    assert len(violations) == 1
    assert "2 lignes" in violations[0].message
    assert "S1, S2" in violations[0].message


def test_regle_3_structure_hors_projet(session_valide, plan_valide):
    _remplacer_structure(plan_valide, "P2", "A", date(2026, 6, 15), "S1")
    violations = regles.regle_3_planning_complet(session_valide, plan_valide)
    assert [(v.structure_id, v.date) for v in violations] == [("S1", date(2026, 6, 15))]
    assert "n'appartient pas au projet" in violations[0].message


def test_regle_3_jour_non_ouvre_et_groupe_sans_planning(session_valide, plan_valide):
    plan_valide.planning.append(LignePlanning("P1", "B", date(2026, 6, 20), "S1"))
    plan_valide.affectations["E06"].groupe = "C"
    plan_valide.planning = [x for x in plan_valide.planning if x.groupe != "B"] + [
        LignePlanning("P1", "C", date(2026, 6, 20), "S1")
    ]
    violations = regles.regle_3_planning_complet(session_valide, plan_valide)
    messages = [v.message for v in violations]
    assert any("samedi 2026-06-20" in m and "n'est pas un jour ouvré" in m for m in messages)
    assert sum("aucune structure" in m for m in messages) == 10


def test_regle_3_groupe_sans_aucune_ligne(session_valide, plan_valide):
    plan_valide.planning = [x for x in plan_valide.planning if x.groupe != "B"]
    violations = regles.regle_3_planning_complet(session_valide, plan_valide)
    assert len(violations) == 1
    assert "aucune ligne de planning" in violations[0].message


def test_regle_4_capacite_depassee(session_valide, plan_valide):
    session_valide.structures["S1"].accueil_max = 5  # A (5) + B (1) la première semaine
    violations = regles.regle_4_capacite_et_jours(session_valide, plan_valide)
    assert [v.date for v in violations] == [date(2026, 6, d) for d in range(15, 20)]
    assert all(v.structure_id == "S1" and v.regle == 4 for v in violations)
    assert "6 élèves présents pour un accueil maximum de 5" in violations[0].message


def test_regle_4_capacite_entre_projets(session_valide, plan_valide):
    # P2 envoie son groupe (4 élèves) à S1 aussi : la règle compte tous les projets
    session_valide.projets["P2"].structures = ("S3", "S4", "S1")
    session_valide.structures["S1"].accueil_max = 9
    _remplacer_structure(plan_valide, "P2", "A", date(2026, 6, 15), "S1")
    violations = regles.regle_4_capacite_et_jours(session_valide, plan_valide)
    assert len(violations) == 1
    assert "10 élèves" in violations[0].message
    assert "projet P2" in violations[0].message


def test_regle_4_hors_jours_d_accueil(session_valide, plan_valide):
    _remplacer_structure(plan_valide, "P1", "A", date(2026, 6, 19), "S2")  # S2 : 2e semaine
    violations = regles.regle_4_capacite_et_jours(session_valide, plan_valide)
    assert len(violations) == 1
    assert violations[0].structure_id == "S2"
    assert "2026-06-19" in violations[0].message
    assert "hors de ses jours" in violations[0].message


def test_regle_4_jours_max(session_valide, plan_valide):
    _remplacer_structure(plan_valide, "P2", "A", date(2026, 6, 19), "S4")  # S4 : 5 jours max
    violations = regles.regle_4_capacite_et_jours(session_valide, plan_valide)
    assert len(violations) == 1
    assert "6 jours distincts pour un maximum de 5" in violations[0].message


def test_regle_5_age_minimum(session_valide, plan_valide):
    plan_valide.affectations["E06"].groupe = "A"  # 14 ans, S2 demande 15 ans
    plan_valide.planning = [x for x in plan_valide.planning if x.groupe != "B"]
    violations = regles.regle_5_age(session_valide, plan_valide)
    assert [(v.eleve_id, v.structure_id) for v in violations] == [("E06", "S2")] * 5
    assert "E06 (14 ans le 2026-06-22)" in violations[0].message
    assert "15 ans" in violations[0].message


def test_regle_5_anniversaire_pendant_la_session(session_valide, plan_valide):
    # E06 a 15 ans le 2026-06-24 : seules les visites des 22 et 23 sont interdites
    e06 = session_valide.eleves["E06"]
    session_valide.eleves["E06"] = dataclasses.replace(e06, date_naissance=date(2011, 6, 24))
    plan_valide.affectations["E06"].groupe = "A"
    plan_valide.planning = [x for x in plan_valide.planning if x.groupe != "B"]
    violations = regles.regle_5_age(session_valide, plan_valide)
    assert [v.date for v in violations] == [date(2026, 6, 22), date(2026, 6, 23)]


def test_regle_6_distance(session_valide, plan_valide):
    plan_valide.affectations["E08"] = Affectation("E08", "P1", 2, "A")  # Agneaux -> Caen
    violations = regles.regle_6_distance(session_valide, plan_valide)
    assert [v.eleve_id for v in violations] == ["E08"]
    assert "54,57 km" in violations[0].message
    assert "25,00 km" in violations[0].message


def test_regle_6_limite_exacte_toleree(session_valide, plan_valide):
    from moteur.distances import haversine_km

    e04 = session_valide.eleves["E04"]
    session_valide.parametres.distance_max_km = haversine_km(
        e04.point, session_valide.projets["P1"].point
    )
    assert all(v.eleve_id != "E04" for v in regles.regle_6_distance(session_valide, plan_valide))
    session_valide.parametres.distance_max_km -= 1e-6
    assert any(v.eleve_id == "E04" for v in regles.regle_6_distance(session_valide, plan_valide))


def test_coherence_eleve_absent_inconnu_rang_groupe(session_valide, plan_valide):
    del plan_valide.affectations["E10"]
    plan_valide.affectations["E99"] = Affectation("E99", "P2", 1, "A")
    plan_valide.affectations["E05"].rang = 1  # P1 est son 2e vœu
    plan_valide.affectations["E06"].groupe = ""
    plan_valide.affectations["E07"] = Affectation("E07", None, 1, "")
    violations = regles.verifier_coherence(session_valide, plan_valide)
    messages = " | ".join(v.message for v in violations)
    assert {v.regle for v in violations} == {0}
    assert "E10 n'a pas de ligne" in messages
    assert "E99 des affectations n'existe pas" in messages
    assert "E05 : rang 1 pour le projet P1, qui est son vœu n° 2" in messages
    assert "E06 est placé sur le projet P1 sans groupe" in messages
    assert "E07 n'est pas placé mais a un rang" in messages
    assert "groupe « B » : planifié mais aucun élève" in messages


def test_verifier_regroupe_toutes_les_regles(session_valide, plan_valide):
    session_valide.projets["P2"].places = 3
    plan_valide.affectations["E07"] = Affectation("E07", "P1", 1, "B")
    regles_trouvees = [v.regle for v in verifier(session_valide, plan_valide)]
    assert regles_trouvees == sorted(regles_trouvees)
    assert {1, 6} <= set(regles_trouvees)
    assert str(verifier(session_valide, plan_valide)[0]).startswith("Règle ")


def test_ne_au_plus_tard_coherent_avec_age_le():
    from datetime import timedelta

    from moteur.modele import Eleve, Point

    jours = [date(2028, 2, 29), date(2026, 6, 15), date(2026, 3, 1), date(2027, 2, 28)]
    for jour in jours:
        for age in (0, 14, 15, 16, 25):
            seuil = regles.ne_au_plus_tard(jour, age)
            for decalage in (-2, -1, 0, 1, 2):
                naissance = seuil + timedelta(days=decalage)
                eleve = Eleve("x", "0141555P", naissance, (), "14118", Point(0, 0))
                assert (eleve.age_le(jour) >= age) == (naissance <= seuil)


# --- Règle 6 avec un flux GTFS -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cache_transport(tmp_path, monkeypatch):
    """Le cache des réseaux GTFS dans le dossier du test, jamais dans ~/.cache."""
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache-transport"))


def _dossier_gtfs(fabrique_dossier, duree_max_min: int, loin: str = "E03"):
    """Le dossier valide, le petit flux de tests/moteur/transport/flux.py et : P1 au point X
    (15,4 km au nord de O), ses élèves à O sauf `loin` (13 km : aucun arrêt à 1 000 m) ;
    P2 et ses élèves au même point (marche de 0 s). Le lundi 15 juin (premier jour ouvré),
    l'express 3 circule : O 08:09:48 → A 08:15 → D 08:45 → X 08:51:56 ; arriver à 09:10
    demande donc 09:10 − 08:09:48 = 60 min 12 s → 61 min."""
    from tests.moteur.conftest import ELEVES_CSV, PROJETS_CSV
    from tests.moteur.transport.flux import LON, ecrire_flux, lat

    projets = PROJETS_CSV.replace("49.1829,-0.3707", f"{lat(15400)!r},{LON!r}").replace(
        "50502,,,5,", "50502,49.116,-1.09,5,"
    )
    lignes = ELEVES_CSV.splitlines()
    eleves = [lignes[0]]
    for ligne in lignes[1:]:
        champs = ligne.split(",")
        if "P1" in champs[7] and champs[0] != "E08":
            metres = 13000 if champs[0] == loin else 0
            champs[5:7] = [repr(lat(metres)), repr(LON)]
        else:
            champs[5:7] = ["49.116", "-1.09"]
        eleves.append(",".join(champs))
    session = json.dumps(
        {
            "nom": "GTFS",
            "date_debut": "2026-06-15",
            "date_fin": "2026-06-26",
            "distance_max_km": 25,
            "gtfs": "reseau.zip",
            "duree_max_min": duree_max_min,
            "arrivee": "09:10",
        }
    )
    dossier = fabrique_dossier(session=session, projets=projets, eleves="\n".join(eleves) + "\n")
    ecrire_flux(dossier / "reseau.zip")
    return dossier


def test_regle_6_transport_trajet_trop_long_ou_impossible(fabrique_dossier, plan_valide):
    from moteur.format import lire_session

    session = lire_session(_dossier_gtfs(fabrique_dossier, 61))
    violations = regles.regle_6_distance(session, plan_valide)
    # E03, à 13 km de tout arrêt, ne peut pas venir ; les autres en 61 min : permis.
    assert [(v.regle, v.eleve_id, v.projet_id) for v in violations] == [(6, "E03", "P1")]
    assert "n'atteint pas le point de rendez-vous du projet P1" in violations[0].message
    assert "au plus tard à 09:10, en 61 min au plus (horaires du lundi 2026-06-15)" in (
        violations[0].message
    )
    # En 60 min : plus aucun élève de P1 (61 min le lundi) ; P2 reste à 0 min de marche.
    session = lire_session(_dossier_gtfs(fabrique_dossier, 60))
    fautifs = sorted(v.eleve_id for v in regles.regle_6_distance(session, plan_valide))
    assert fautifs == ["E01", "E02", "E03", "E04", "E05", "E06"]
    assert sorted(v.eleve_id for v in verifier(session, plan_valide)) == fautifs


def test_regle_6_transport_utilise_les_durees_fournies(fabrique_dossier, plan_valide):
    from moteur.format import lire_session
    from moteur.transport.acces import atteignables

    session = lire_session(_dossier_gtfs(fabrique_dossier, 61, loin=""))
    acces = atteignables(session)
    assert acces is not None
    assert acces.durees[("E01", "P1")] == 61 and acces.durees[("E07", "P2")] == 0
    assert acces.durees[("E08", "P1")] is None  # vœu 2 d'E08, à Saint-Lô : hors d'atteinte
    # E02 et E05 (à O) voudraient aussi P2, à Saint-Lô : hors d'atteinte également.
    assert acces.hors_d_atteinte() == [("E02", "P2"), ("E05", "P2"), ("E08", "P1")]
    assert regles.regle_6_distance(session, plan_valide, acces) == []
    acces.durees[("E02", "P1")] = None  # l'appelant fait foi pour les paires qu'il donne
    assert [v.eleve_id for v in regles.regle_6_distance(session, plan_valide, acces)] == ["E02"]

"""La chaîne du planificateur : un élève sans programme possible est retiré avec sa
raison, et le reste du projet garde un programme valide."""

from __future__ import annotations

import dataclasses
from datetime import date

from moteur.modele import (
    Affectation,
    Eleve,
    Etablissement,
    ParametresSession,
    Plan,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.planificateur import _plus_grande_longueur, planifier, texte_rapport_plan
from moteur.regles import verifier

ICI = Point(49.18, -0.37)


def _session() -> Session:
    """S1 n'accueille qu'à partir de 16 ans ; S2 accueille un seul élève par jour. Deux
    élèves de 15 ans sont éligibles (S2 les accepte chaque jour), mais un seul tient en S2 :
    l'affectation les place tous les deux, la rotation ne peut en garder qu'un."""
    s = Session(ParametresSession("test", date(2026, 6, 15), date(2026, 6, 19)))
    s.etablissements["0141555P"] = Etablissement("0141555P", "Lycée", "14118", ICI)
    s.structures = {
        "S1": StructureAccueil("S1", "Usine", ("H",), "14118", ICI, 10, age_min=16),
        "S2": StructureAccueil("S2", "Atelier", ("I",), "14118", ICI, 1),
    }
    s.projets["P1"] = Projet(
        "P1", "Industrie", TypeProjet.BI_ENTREPRISES, "Club", "14118", ICI, 6, ("S1", "S2")
    )
    naissances = {"E1": date(2009, 1, 1), "E2": date(2009, 2, 1), "E3": date(2009, 3, 1)}
    naissances |= {"J1": date(2010, 12, 1), "J2": date(2010, 12, 2)}  # 15 ans en juin 2026
    for eid, naissance in naissances.items():
        s.eleves[eid] = Eleve(eid, "0141555P", naissance, ("P1",), "14118", ICI)
    return s


def test_eleve_sans_programme_possible_retire_avec_raison_et_plan_valide():
    session = _session()
    resultat = planifier(session, "stable", graine=0, limite_rotation_s=5)
    places = {e for e, a in resultat.plan.affectations.items() if a.projet_id}
    assert {"E1", "E2", "E3"} <= places
    jeunes_places = places & {"J1", "J2"}
    assert len(jeunes_places) <= 1
    retires = {"J1", "J2"} - jeunes_places
    assert retires and all("faute de programme possible" in resultat.raisons[e] for e in retires)
    assert verifier(session, resultat.plan) == []
    rapport = texte_rapport_plan(session, resultat)
    assert all(e in rapport for e in retires)


def _session_avec_autre_voeu() -> Session:
    """Comme `_session`, mais les deux jeunes demandent aussi P2 (S3, 10 places par jour) :
    celui que P1 ne peut pas tenir doit se voir proposer P2 avant l'écriture du plan."""
    s = _session()
    s.structures["S3"] = StructureAccueil("S3", "Magasin", ("D",), "14118", ICI, 10)
    s.projets["P2"] = Projet(
        "P2", "Commerce", TypeProjet.MONO_SITE, "Club", "14118", ICI, 5, ("S3",)
    )
    for eid in ("J1", "J2"):
        s.eleves[eid].voeux = ("P1", "P2")
    return s


def test_boucle_propose_les_autres_voeux_avant_d_ecrire_le_plan():
    sans_boucle = planifier(
        _session_avec_autre_voeu(), "optimal", limite_rotation_s=5, tours_boucle=1
    )
    places_sans = sum(1 for a in sans_boucle.plan.affectations.values() if a.projet_id)
    # La rotation ne tient qu'un jeune, mais son explication (« 2 élèves de moins de 16 ans
    # pour 1 place ») retire les deux : tous deux sont perdus sans la boucle.
    assert set(sans_boucle.retires) == {"J1", "J2"}

    session = _session_avec_autre_voeu()
    resultat = planifier(session, "optimal", limite_rotation_s=5)
    places = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    assert places == places_sans + 2 == 5
    assert not resultat.retires
    assert places == resultat.borne  # la borne pour les capacités que P1 tient vraiment
    # Vraie capacité de P1 : 4 (E1, E2, E3 et un jeune en S2), pas les 3 que le repli a
    # gardés. Le plus âgé des deux jeunes (J1) reste dans P1 ; seul J2 est exclu de P1 et
    # proposé à son autre voeu.
    assert len(resultat.tours) == 2 and resultat.plafonds["P1"] == 4
    assert resultat.tours[0].essais_capacite >= 1
    assert set(resultat.reorientes) == {"J2"}
    assert resultat.plan.affectations["J1"].projet_id == "P1"
    assert resultat.plan.affectations["J2"].projet_id == "P2"
    assert resultat.plan.affectations["J2"].rang == 2
    assert verifier(session, resultat.plan) == []
    rapport = texte_rapport_plan(session, resultat)
    assert "Boucle affectation ⇄ programmes" in rapport
    assert "P1 (4)" in rapport  # P1 ramené à ce que son programme tient vraiment
    assert "rotations d'essai (dichotomie)" in rapport


def test_boucle_sans_autre_voeu_l_ecart_restant_est_prouve():
    session = _session()
    resultat = planifier(session, "optimal", limite_rotation_s=5)
    places = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    assert places == resultat.borne == 4  # tour 2 : P1 à 4, le plus jeune n'a pas d'autre voeu
    assert len(resultat.tours) == 2
    assert resultat.plan.affectations["J1"].projet_id == "P1"
    assert not resultat.plan.affectations["J2"].projet_id
    assert "faute de programme possible" in resultat.raisons["J2"]
    assert verifier(session, resultat.plan) == []


def test_vraie_capacite_quatre_jeunes_pour_deux_places():
    """S2 (seule ouverte aux moins de 16 ans) accueille 2 élèves par jour : P1 tient les
    trois grands et deux jeunes sur quatre, et pas moins."""
    session = _session()
    session.structures["S2"] = dataclasses.replace(session.structures["S2"], accueil_max=2)
    naissances = {"J3": date(2010, 11, 1), "J4": date(2010, 12, 3)}
    for eid, naissance in naissances.items():
        session.eleves[eid] = Eleve(eid, "0141555P", naissance, ("P1",), "14118", ICI)
    sans_boucle = planifier(session, "optimal", limite_rotation_s=5, tours_boucle=1)
    assert sans_boucle.retires  # le repli prudent en retire plus que nécessaire
    resultat = planifier(session, "optimal", limite_rotation_s=5)
    places = {e for e, a in resultat.plan.affectations.items() if a.projet_id}
    assert {"E1", "E2", "E3"} <= places and len(places) == 5
    assert len(sans_boucle.plan.affectations) == 7
    assert sum(1 for a in sans_boucle.plan.affectations.values() if a.projet_id) < 5
    assert resultat.plafonds["P1"] == 5 == resultat.borne
    assert verifier(session, resultat.plan) == []
    # Même entrée, même graine : même plan.
    assert planifier(session, "optimal", limite_rotation_s=5).plan == resultat.plan


def test_dichotomie_de_la_vraie_capacite():
    essais: list[int] = []

    def tient(k: int) -> bool:
        essais.append(k)
        return k <= 13

    assert _plus_grande_longueur(3, 40, tient) == (13, len(essais))
    assert len(essais) <= 6  # ⌈log2(37)⌉
    assert _plus_grande_longueur(3, 4, tient) == (3, 0)  # rien à essayer


def test_rapport_commence_par_une_page_de_chiffres_au_format_francais():
    session = _session_avec_autre_voeu()
    rapport = texte_rapport_plan(session, planifier(session, "stable", limite_rotation_s=5))
    debut = rapport.split("## Boucle")[0]
    for titre in ("Élèves placés", "Premier vœu", "boursiers", "ruraux", "Mixité", "Découverte"):
        assert titre in debut, titre
    assert "100,0\u00a0%" in debut or ",0\u00a0%" in debut
    assert "composantes.csv" in debut


def test_tour_suivant_un_projet_vide_perd_aussi_son_programme():
    """Un projet qui n'a plus d'élève au tour suivant ne garde aucun groupe planifié."""
    import dataclasses

    from moteur.planificateur import _rotation_du_tour

    session = _session_avec_autre_voeu()
    premier = planifier(session, "optimal", limite_rotation_s=5)
    assert any(x.projet_id == "P2" for x in premier.plan.planning)
    suivant = Plan(
        affectations={
            e: dataclasses.replace(a, groupe="") if a.projet_id != "P2" else Affectation(e, None)
            for e, a in premier.plan.affectations.items()
        }
    )
    retires: dict[str, str] = {}
    precedent = (premier.plan, premier.rotation)
    _rotation_du_tour(session, suivant, retires, precedent, 0, 5, lambda _e, _x: None, None)
    assert all(x.projet_id != "P2" for x in suivant.planning)
    assert verifier(session, suivant) == []

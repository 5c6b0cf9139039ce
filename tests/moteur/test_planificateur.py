"""La chaîne du planificateur : un élève sans programme possible est retiré avec sa
raison, et le reste du projet garde un programme valide."""

from __future__ import annotations

from datetime import date

from moteur.modele import (
    Eleve,
    Etablissement,
    ParametresSession,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.planificateur import planifier, texte_rapport_plan
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

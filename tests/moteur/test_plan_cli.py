"""La commande `plan` de bout en bout : ce qu'elle écrit passe toujours `check`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cli import main
from moteur.format import lire_plan, lire_session
from moteur.regles import verifier


def _lignes(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_plan_ecrit_un_plan_que_check_accepte(dossier_valide, tmp_path, politique, capsys):
    sortie = tmp_path / "plan"
    assert (
        main(["plan", str(dossier_valide), "--out", str(sortie), "--policy", politique, "-q"]) == 0
    )
    affectations = _lignes(sortie / "affectations.csv")
    assert [a["eleve_id"] for a in affectations] == [f"E{i:02d}" for i in range(1, 11)]
    assert all(a["projet_id"] and a["groupe"] for a in affectations)
    planning = _lignes(sortie / "planning.csv")
    groupes = {(a["projet_id"], a["groupe"]) for a in affectations}
    assert len(planning) == 10 * len(groupes)
    assert "Rapport du planificateur" in (sortie / "rapport.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(dossier_valide), str(sortie)]) == 0
    assert "Plan valide" in capsys.readouterr().out


def test_plan_est_deterministe(dossier_valide, tmp_path):
    sorties = [tmp_path / "a", tmp_path / "b"]
    for sortie in sorties:
        assert main(["plan", str(dossier_valide), "--out", str(sortie), "--seed", "7", "-q"]) == 0
    for nom in ("affectations.csv", "planning.csv", "rapport.md"):
        assert (sorties[0] / nom).read_bytes() == (sorties[1] / nom).read_bytes(), nom


def test_eleve_sans_structure_a_son_age_n_est_pas_place_et_le_rapport_le_dit(
    fabrique_dossier, tmp_path
):
    # S1 n'accueille que 2 élèves par jour, S2 (15 ans) seulement la 2e semaine : E06
    # (14 ans) ne peut aller qu'en S1 ; les autres de P1 ne tiennent pas tous.
    structures = (
        "id,nom,domaines,commune_insee,accueil_max,jours,age_min\n"
        "S1,Atelier,H,14118,1,,16\n"
        "S2,Clinique,J,14327,8,,15\n"
        "S3,Supermarché,D,50502,10,,\n"
        "S4,EHPAD,K,50502,10,,\n"
    )
    dossier = fabrique_dossier(structures=structures)
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier), "--out", str(sortie), "-q"]) == 0
    session = lire_session(dossier)
    plan = lire_plan(sortie, session)
    assert verifier(session, plan) == []
    # E06 a 14 ans en juin 2026 : ni S1 (16 ans) ni S2 (15 ans) ne l'accueillent.
    assert plan.affectations["E06"].projet_id is None
    rapport = (sortie / "rapport.md").read_text(encoding="utf-8")
    assert "E06" in rapport


def test_plan_refuse_un_dossier_invalide_sans_rien_ecrire(fabrique_dossier, tmp_path, capsys):
    dossier = fabrique_dossier(eleves="id,uai,date_naissance,voeux\nE01,123,2010-01-01,P1\n")
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier), "--out", str(sortie), "-q"]) == 2
    erreur = capsys.readouterr().err
    assert "eleves.csv" in erreur
    assert "ligne 2" in erreur
    assert "uai" in erreur
    assert not sortie.exists()


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_plan_identique_octet_pour_octet_avec_une_autre_graine_de_hachage(tmp_path, politique):
    """Deux processus (PYTHONHASHSEED différents : autre ordre des set de chaînes), un
    budget court pour que des composantes s'arrêtent sur la limite : mêmes fichiers."""
    import os
    import subprocess
    import sys

    from benchmarks.generateur import Taille, ecrire_dossier, generer

    racine = Path(__file__).resolve().parents[2]
    dossier = tmp_path / "session"
    ecrire_dossier(generer(Taille("petite", 1500, 24, ("14",)), 3), dossier)
    sorties = [tmp_path / "a", tmp_path / "b"]
    for graine_hachage, sortie in zip(("0", "31337"), sorties, strict=True):
        env = {**os.environ, "PYTHONHASHSEED": graine_hachage, "PYTHONPATH": str(racine)}
        commande = [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]
        options = ["--policy", politique, "--seed", "5", "--rotation-limite", "0.5", "-q"]
        subprocess.run(
            [*commande, "plan", str(dossier), "--out", str(sortie), *options],
            cwd=racine,
            env=env,
            capture_output=True,
            timeout=300,
            check=True,
        )
    assert len(_lignes(sorties[0] / "planning.csv")) > 200
    for nom in ("affectations.csv", "planning.csv", "rapport.md"):
        assert (sorties[0] / nom).read_bytes() == (sorties[1] / nom).read_bytes(), nom


def test_progression_hors_terminal_quelques_lignes_sans_retour_chariot(
    dossier_valide, tmp_path, capsys
):
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier_valide), "--out", str(sortie)]) == 0
    erreur = capsys.readouterr().err
    assert "\r" not in erreur
    lignes = [x for x in erreur.splitlines() if x.startswith("plan : ")]
    assert 3 <= len(lignes) <= 12, lignes
    assert lignes[-1] == "plan : Terminé (100 %)"
    entete = (sortie / "composantes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert entete == "projets,statut,objectif,borne,ecart_pct,raisons"


def test_progression_sur_un_terminal_barre_tqdm():
    import io

    from moteur.commandes.plan import Progression

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    flux = Terminal()
    with Progression(False, flux) as signaler:
        for i in range(5):
            signaler("Affectation des élèves", i / 4)
    assert "Affectation des élèves" in flux.getvalue() and "\r" in flux.getvalue()
    assert "plan : " not in flux.getvalue()


# --- Règle 6 en temps de transport (issue 14) ---------------------------------------------


def _session_gtfs(flux: Path):
    """Sur le petit flux de tests/moteur/transport/flux.py (mardi 16 juin 2026, arrivée
    9 h, 60 min au plus) : P1 a rendez-vous en X (15,4 km au nord de O), où rien n'arrive
    avant 9 h en transport (le 2 de 08:40 arrive en D à 9 h, puis 400 m à pied) ; P2 en O.
    LOIN habite en Y (0,9 km) : P1 est à 14,5 km (à vol d'oiseau, dans les 25 km) mais hors
    de portée en transport, P2 à 16 min à pied. PRES habite à 100 m de X : P1 à pied."""
    from datetime import date, time

    from moteur.modele import (
        Eleve,
        Etablissement,
        ParametresSession,
        ParametresTransport,
        Point,
        Projet,
        Session,
        StructureAccueil,
        TypeProjet,
    )
    from tests.moteur.transport.flux import LON, lat

    # Session du mardi 16 au vendredi 19 : le jour de calcul est le mardi (l'express 3,
    # qui atteindrait X à 8 h 45, ne circule pas).
    transport = ParametresTransport(flux, "reseau.zip", 60, time(9, 0))
    parametres = ParametresSession(
        "test", date(2026, 6, 16), date(2026, 6, 19), transport=transport
    )
    s = Session(parametres)
    o, x = Point(lat(0), LON), Point(lat(15_400), LON)
    s.etablissements["0141555P"] = Etablissement("0141555P", "Lycée", "14118", o)
    s.structures = {
        "S1": StructureAccueil("S1", "Usine X", ("H",), "14118", x, 10),
        "S2": StructureAccueil("S2", "Atelier O", ("D",), "14118", o, 10),
    }
    s.projets["P1"] = Projet(
        "P1", "Industrie", TypeProjet.MONO_SITE, "Club", "14118", x, 5, ("S1",)
    )
    s.projets["P2"] = Projet("P2", "Commerce", TypeProjet.MONO_SITE, "Club", "14118", o, 5, ("S2",))
    naissance = date(2010, 1, 1)
    domiciles = {"LOIN": lat(900), "SEUL": lat(900), "PRES": lat(15_300)}
    voeux = {"LOIN": ("P1", "P2"), "SEUL": ("P1",), "PRES": ("P1",)}
    for eid, latitude in domiciles.items():
        point = Point(latitude, LON)
        s.eleves[eid] = Eleve(eid, "0141555P", naissance, voeux[eid], "14118", point)
    return s


@pytest.mark.parametrize("politique", ["stable", "optimal"])
def test_plan_avec_gtfs_voeu_hors_de_portee_en_transport(tmp_path, politique, capsys):
    from moteur.affectation import borne_max_flot
    from moteur.format import ecrire_session
    from moteur.planificateur import planifier
    from moteur.transport.acces import atteignables
    from tests.moteur.transport.flux import ecrire_flux

    dossier = tmp_path / "session"
    ecrire_session(_session_gtfs(ecrire_flux(tmp_path / "reseau.zip")), dossier)
    sortie = tmp_path / "plan"
    assert main(["plan", str(dossier), "--out", str(sortie), "--policy", politique, "-q"]) == 0
    affectations = {r["eleve_id"]: r for r in _lignes(sortie / "affectations.csv")}
    # LOIN n'atteint pas P1 en transport : pas placé sur ce voeu, mais sur P2 (rang 2).
    assert (affectations["LOIN"]["projet_id"], affectations["LOIN"]["rang"]) == ("P2", "2")
    assert affectations["PRES"]["projet_id"] == "P1"
    assert affectations["SEUL"]["projet_id"] == ""
    rapport = (sortie / "rapport.md").read_text(encoding="utf-8")
    assert "SEUL : aucun vœu atteignable en transport en commun ou à pied" in rapport
    assert "au plus tard à 09:00, en 60\u00a0min au plus (horaires du mardi 16/06/2026)" in rapport
    capsys.readouterr()
    assert main(["check", str(dossier), str(sortie)]) == 0, capsys.readouterr().out

    # Un seul calcul des trajets : affectation, borne et règle 6 lisent le même `acces`.
    session = lire_session(dossier)
    resultat = planifier(session, politique, limite_rotation_s=5)
    acces = resultat.acces
    assert acces is not None and not acces.atteint("LOIN", "P1") and acces.atteint("LOIN", "P2")
    assert resultat.borne == borne_max_flot(session, acces=acces) == 2
    assert borne_max_flot(session) == 3  # à vol d'oiseau seulement, SEUL serait plaçable
    assert verifier(session, resultat.plan, acces) == []
    # Le même plan avec LOIN sur P1 : la règle 6 le refuse, en français.
    resultat.plan.affectations["LOIN"].projet_id = "P1"
    resultat.plan.affectations["LOIN"].rang = 1
    regle_6 = [v for v in verifier(session, resultat.plan, atteignables(session)) if v.regle == 6]
    assert [v.eleve_id for v in regle_6] == ["LOIN"]
    assert "n'atteint pas le point de rendez-vous du projet P1" in regle_6[0].message

"""Réparer un plan publié sans déranger : cas faits main (désistement, arrivée tardive,
structure qui annule un jour, projet retiré). Chaque test compte les élèves déplacés sans
nécessité (0 attendu) et fait valider le plan réparé par `check`."""

from __future__ import annotations

import csv
from pathlib import Path

from cli import main
from moteur.affectation import calculer_priorites
from moteur.format import ecrire_plan, lire_plan, lire_session
from moteur.regles import verifier
from moteur.reparation import COLONNES_CHANGEMENTS, lire_plan_publie, reparer
from tests.moteur.conftest import (
    ELEVES_CSV,
    PROJETS_CSV,
    STRUCTURES_CSV,
    ecrire_dossier,
    plan_correct,
)

E11_P1 = "E11,0141555P,2010-06-01,F,14118,,,P1,,1\n"


def _publier(tmp_path: Path) -> Path:
    """Le plan publié : `plan_correct()` du dossier d'origine (P1 plein, P2 : 4 sur 5)."""
    origine = ecrire_dossier(tmp_path / "origine")
    publie = tmp_path / "publie"
    ecrire_plan(plan_correct(), lire_session(origine), publie)
    return publie


def _reparer(tmp_path: Path, **fichiers: str) -> tuple[Path, Path, dict[str, tuple[str, str]]]:
    publie = _publier(tmp_path)
    session = ecrire_dossier(tmp_path / "session", **fichiers)
    sortie = tmp_path / "repare"
    assert main(["plan", str(session), "--out", str(sortie), "--depuis", str(publie), "-q"]) == 0
    return session, sortie, _affectations(sortie)


def _affectations(dossier: Path) -> dict[str, tuple[str, str]]:
    with (dossier / "affectations.csv").open(encoding="utf-8", newline="") as f:
        return {r["eleve_id"]: (r["projet_id"], r["groupe"]) for r in csv.DictReader(f)}


def _changements(dossier: Path) -> list[dict[str, str]]:
    with (dossier / "changements.csv").open(encoding="utf-8", newline="") as f:
        lecteur = csv.DictReader(f)
        assert tuple(lecteur.fieldnames or ()) == COLONNES_CHANGEMENTS
        return list(lecteur)


def _deplaces_sans_necessite(apres: dict[str, tuple[str, str]], necessaires: set[str]) -> set[str]:
    """Élèves placés au plan publié, toujours là, dont (projet, groupe) a changé sans raison."""
    avant = {e: (a.projet_id or "", a.groupe) for e, a in plan_correct().affectations.items()}
    bouges = {e for e, pg in avant.items() if e in apres and apres[e] != pg}
    return bouges - necessaires


def _check_valide(session: Path, sortie: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["check", str(session), str(sortie)]) == 0, capsys.readouterr().out
    s = lire_session(session)
    assert verifier(s, lire_plan(sortie, s)) == []


def test_desistement_libere_une_place_donnee_a_la_liste_d_attente(tmp_path, capsys):
    eleves = ELEVES_CSV.replace("E03,0141555P,2010-11-20,F,,49.19,-0.36,P1,,\n", "") + E11_P1
    session, sortie, apres = _reparer(tmp_path, eleves=eleves)
    assert _deplaces_sans_necessite(apres, set()) == set()
    assert apres["E11"][0] == "P1"
    lignes = {c["eleve_id"]: c for c in _changements(sortie)}
    assert set(lignes) == {"E03", "E11"}
    assert lignes["E03"]["avant_projet"] == "P1" and lignes["E03"]["apres_projet"] == ""
    assert "désistement" in lignes["E03"]["raison"]
    assert lignes["E11"]["avant_projet"] == "" and "liste d'attente" in lignes["E11"]["raison"]
    rapport = (sortie / "rapport.md").read_text(encoding="utf-8")
    assert "Liste d'attente" in rapport and "| 1 | E11 | oui | placé : P1" in rapport
    _check_valide(session, sortie, capsys)


def test_arrivee_tardive_sans_place_reste_en_attente_et_personne_ne_bouge(tmp_path, capsys):
    session, sortie, apres = _reparer(tmp_path, eleves=ELEVES_CSV + E11_P1)
    assert _deplaces_sans_necessite(apres, set()) == set()
    assert apres["E11"] == ("", "")  # P1 est plein : personne n'est délogé pour elle
    assert _changements(sortie) == []
    assert "toujours en attente" in (sortie / "rapport.md").read_text(encoding="utf-8")
    _check_valide(session, sortie, capsys)


def test_arrivee_tardive_prend_la_place_libre_de_p2(tmp_path, capsys):
    e11 = "E11,0500017Z,2010-06-01,M,50502,,,P2,,0\n"
    session, sortie, apres = _reparer(tmp_path, eleves=ELEVES_CSV + e11)
    assert _deplaces_sans_necessite(apres, set()) == set()
    assert apres["E11"] == ("P2", "A")  # le groupe existant l'accueille chaque jour
    _check_valide(session, sortie, capsys)


def test_structure_qui_annule_un_jour_le_groupe_va_ailleurs_ce_jour_seulement(tmp_path, capsys):
    # S2 (2e semaine) n'accueille plus le 24/06 : le groupe P1-A passe ce jour-là en S1.
    structures = STRUCTURES_CSV.replace("2026-06-23|2026-06-24|", "2026-06-23|")
    session, sortie, apres = _reparer(tmp_path, structures=structures)
    assert _deplaces_sans_necessite(apres, set()) == set()
    assert _changements(sortie) == []
    with (sortie / "planning.csv").open(encoding="utf-8", newline="") as f:
        planning = {
            (r["projet_id"], r["groupe"], r["date"]): r["structure_id"] for r in csv.DictReader(f)
        }
    assert planning["P1", "A", "2026-06-24"] == "S1"
    publie = {
        (x.projet_id, x.groupe, x.date.isoformat()): x.structure_id for x in plan_correct().planning
    }
    differences = {k for k in publie if planning[k] != publie[k]}
    assert differences == {("P1", "A", "2026-06-24")}  # toutes les autres journées gardées
    rapport = (sortie / "rapport.md").read_text(encoding="utf-8")
    assert "P1 A, 24/06" in rapport or "24/06" in rapport
    _check_valide(session, sortie, capsys)


def test_structure_qui_annule_un_jour_sans_repli_deplace_seulement_ses_groupes(tmp_path, capsys):
    # S1 n'accueille plus le 16/06 et S2 n'ouvre qu'en 2e semaine : personne de P1 ne peut
    # être accueilli ce jour-là ; ses élèves vont à leurs autres voeux (P2, à plus de 25 km
    # de chez eux, ne l'est pas : ils restent non placés, avec la raison).
    jours = "2026-06-15|" + "|".join(f"2026-06-{j}" for j in (17, 18, 19, 22, 23, 24, 25, 26))
    debut_s1 = "S1,Atelier mécanique de Caen,12345678901234,H|I,14118,3 rue de l'Atelier,"
    structures = STRUCTURES_CSV.replace(
        debut_s1 + "49.1859,-0.37,12,,", debut_s1 + f"49.1859,-0.37,12,{jours},"
    )
    assert structures != STRUCTURES_CSV
    session, sortie, apres = _reparer(tmp_path, structures=structures)
    p1 = {"E01", "E02", "E03", "E04", "E05", "E06"}
    assert _deplaces_sans_necessite(apres, p1) == set()
    assert all(apres[e] == pg for e, pg in {"E07": ("P2", "A"), "E10": ("P2", "A")}.items())
    lignes = {c["eleve_id"]: c for c in _changements(sortie)}
    assert set(lignes) == p1
    assert all("16/06" in c["raison"] for c in lignes.values())
    assert all(apres[e] == ("", "") for e in p1)
    _check_valide(session, sortie, capsys)


def test_projet_retire_ses_eleves_seulement_changent(tmp_path, capsys):
    projets = "\n".join(x for x in PROJETS_CSV.splitlines() if not x.startswith("P2,")) + "\n"
    eleves = ELEVES_CSV.replace("P1|P2", "P1").replace("P2|P1", "P1").replace(",P2,", ",P1,")
    session, sortie, apres = _reparer(tmp_path, projets=projets, eleves=eleves)
    p2 = {"E07", "E08", "E09", "E10"}
    assert _deplaces_sans_necessite(apres, p2) == set()
    lignes = {c["eleve_id"]: c for c in _changements(sortie)}
    assert set(lignes) == p2
    assert all("projet P2 retiré" in c["raison"] for c in lignes.values())
    assert all(apres[e] == ("", "") for e in p2)  # P1 est plein
    _check_valide(session, sortie, capsys)


def test_reparation_deterministe_et_api(tmp_path):
    publie = lire_plan_publie(_publier(tmp_path))
    session = lire_session(ecrire_dossier(tmp_path / "s", eleves=ELEVES_CSV + E11_P1))
    a, b = reparer(session, publie, graine=3), reparer(session, publie, graine=3)
    assert a.plan == b.plan and a.changements == b.changements and a.attente == b.attente
    assert a.gardes == 10 and [x.eleve_id for x in a.attente] == ["E11"]


def test_plan_publie_mal_forme_message_clair(tmp_path, capsys):
    publie = _publier(tmp_path)
    (publie / "planning.csv").write_text("projet_id,groupe,date,structure_id\nP1,A,15/06,S1\n")
    session = ecrire_dossier(tmp_path / "session")
    code = main(["plan", str(session), "--out", str(tmp_path / "r"), "--depuis", str(publie), "-q"])
    assert code == 2
    erreur = capsys.readouterr().err
    assert "planning.csv" in erreur and "ligne 2" in erreur and "date" in erreur


def test_accueil_reduit_seuls_les_derniers_au_bareme_du_groupe_partent(tmp_path, capsys):
    # S3 n'accueille plus que 2 élèves et S4 a déjà ses 5 jours : le groupe P2-A (4 élèves)
    # ne tient plus en 1re semaine ; 2 élèves doivent partir (les derniers au barème en
    # vigueur : son ordre d'appel), les 2 autres gardent tout leur programme.
    structures = STRUCTURES_CSV.replace(
        "S3,Supermarché de Saint-Lô,,D,50502,,,,10,", "S3,Supermarché de Saint-Lô,,D,50502,,,,2,"
    )
    session, sortie, apres = _reparer(tmp_path, structures=structures)
    lignes = {c["eleve_id"]: c for c in _changements(sortie)}
    priorites = calculer_priorites(lire_session(session))
    groupe = ["E07", "E08", "E09", "E10"]
    derniers = sorted(groupe, key=lambda e: priorites.appel[e])[2:]
    assert set(lignes) == set(derniers)
    assert _deplaces_sans_necessite(apres, set(lignes)) == set()
    assert all("accueil_max" in c["raison"] for c in lignes.values())
    _check_valide(session, sortie, capsys)


def _tardifs(nombre: int) -> str:
    """Des arrivées tardives qui ne demandent que P1 (complet) : toutes en liste d'attente ;
    une sur trois est boursière."""
    return "".join(
        f"T{i:02d},0141555P,2010-06-01,{'FM'[i % 2]},14118,,,P1,,{int(i % 3 == 0)}\n"
        for i in range(nombre)
    )


def test_liste_d_attente_dans_l_ordre_d_appel_du_bareme(tmp_path):
    """Taux minimum : les points valent 0 ; la liste d'attente suit l'ordre d'appel public
    (`Priorites.appel`, taux minimum de boursiers vérifié sur chaque préfixe), pas le seul
    tirage. On prend une graine où les deux ordres diffèrent, pour que le test tranche."""
    publie = lire_plan_publie(_publier(tmp_path))
    session = lire_session(ecrire_dossier(tmp_path / "s", eleves=ELEVES_CSV + _tardifs(12)))
    for graine in range(50):
        priorites = calculer_priorites(session, graine=graine)
        attendus = [e for e in session.eleves if e.startswith("T")]
        par_appel = sorted(attendus, key=lambda e: priorites.appel[e])
        if par_appel != sorted(attendus, key=lambda e: priorites.tirage[e]):
            break
    else:
        raise AssertionError("aucune graine où l'ordre d'appel diffère du tirage")
    assert set(priorites.points.values()) == {0}
    reparation = reparer(session, publie, graine=graine)
    attente = [x.eleve_id for x in reparation.attente]
    assert attente == par_appel
    assert [x.position for x in reparation.attente] == list(range(1, len(attente) + 1))
    assert all(not x.projet_id for x in reparation.attente)  # P1 est complet

"""Petits dossiers de session pour les tests du moteur (format, règles, affectation, rotation).

- `FICHIERS_VALIDES` : le contenu d'un dossier valide (2 lycées normands, 4 structures,
  2 projets, 10 élèves, 2 identités), du 15 au 26 juin 2026 (10 jours ouvrés).
- `ecrire_dossier(dossier, **fichiers)` : écrit ce dossier en remplaçant des fichiers
  (`eleves="..."` remplace eleves.csv, `session="..."` session.json, `identites=None` omet
  le fichier ; une valeur `bytes` est écrite telle quelle, pour tester un encodage).
- `plan_correct()` : un plan qui respecte les six règles pour ce dossier.
- Fixtures : `fabrique_dossier` (la fonction, dans un sous-dossier neuf de tmp_path),
  `dossier_valide`, `session_valide`, `plan_valide`.

Le plan correct : P1 groupe A (E01–E05) à S1 la première semaine puis à S2 (âge minimum
15 ans, seulement la 2e semaine) ; P1 groupe B (E06, 14 ans) à S1 les dix jours ; P2
groupe A (E07–E10) à S3 puis à S4 (jours_max 5). E08 voudrait aussi P1, à 52 km de chez lui.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest

from moteur.modele import Affectation, LignePlanning, Plan, Session

SESSION_JSON = """{"nom": "Stages collectifs de seconde 2026 (test)",
 "date_debut": "2026-06-15", "date_fin": "2026-06-26",
 "jours_feries": [], "distance_max_km": 25}
"""

ETABLISSEMENTS_CSV = """\
uai,nom,commune_insee,latitude,longitude,adresse,chef_etablissement,email
0141555P,Lycée Malherbe,14118,,,14 avenue Albert Sorel,Mme Dupont,ce.0141555p@ac-normandie.fr
0500017Z,Lycée Le Verrier,50502,49.1147,-1.0855,,,
"""

STRUCTURES_CSV = """\
id,nom,siret,domaines,commune_insee,adresse,latitude,longitude,accueil_max,jours,jours_max,\
age_min,heure_debut,heure_fin,tuteur,tuteur_email,telephone,representant
S1,Atelier mécanique de Caen,12345678901234,H|I,14118,3 rue de l'Atelier,49.1859,-0.37,12,,,\
,,,M. Leroy,,02 31 00 00 00,
S2,Clinique d'Hérouville,,J,14327,,,,8,2026-06-22|2026-06-23|2026-06-24|2026-06-25|2026-06-26,\
,15,08:30,16:00,Dr Martin,tuteur@clinique.example,,Mme Roux
S3,Supermarché de Saint-Lô,,D,50502,,,,10,,,,,,,,,
S4,EHPAD de Saint-Lô,,K,50502,,49.12,-1.09,10,,5,,,,,,,
"""

PROJETS_CSV = """\
id,nom,type,porteur,commune_insee,latitude,longitude,places,structures,referent,\
referent_telephone,porteur_representant,porteur_adresse,outil_pedagogique
P1,Industrie et santé à Caen,multi-secteurs,CCI Caen Normandie,14118,49.1829,-0.3707,6,S1|S2,\
Mme Petit,06 00 00 00 00,M. Grand,1 rue René Cassin Caen,reportage
P2,Commerce et services à Saint-Lô,bi-entreprises,Ville de Saint-Lô,50502,,,5,S3|S4,,,,,
"""

ELEVES_CSV = """\
id,uai,date_naissance,genre,commune_insee,latitude,longitude,voeux,domaines,boursier
E01,0141555P,2010-03-14,F,,,,P1,H,0
E02,0141555P,2010-07-02,M,14327,,,P1|P2,J|H,1
E03,0141555P,2010-11-20,F,,49.19,-0.36,P1,,
E04,0141555P,2010-05-05,M,14341,,,P1,,0
E05,0141555P,2010-01-30,F,14118,,,P2|P1,D,1
E06,0141555P,2011-09-01,M,,,,P1,,0
E07,0500017Z,2010-04-12,F,50475,,,P2,K,1
E08,0500017Z,2010-08-08,M,50002,,,P2|P1,,0
E09,0500017Z,2010-12-24,F,,,,P2,,
E10,0500017Z,2010-02-02,M,50502,,,P2,D|K,0
"""

IDENTITES_CSV = """\
eleve_id,nom,prenom,classe,adresse,telephone,email,representant1_nom,representant1_email,\
representant2_nom,representant2_email
E01,Martin,Léa,2nde 3,,,,M. Martin,martin@example.org,,
E02,Bernard,Hugo,2nde 1,,,,,,,
"""

FICHIERS_VALIDES: dict[str, str] = {
    "session.json": SESSION_JSON,
    "etablissements.csv": ETABLISSEMENTS_CSV,
    "structures.csv": STRUCTURES_CSV,
    "projets.csv": PROJETS_CSV,
    "eleves.csv": ELEVES_CSV,
    "identites.csv": IDENTITES_CSV,
}

SEMAINE_1 = tuple(date(2026, 6, 15) + timedelta(days=i) for i in range(5))
SEMAINE_2 = tuple(date(2026, 6, 22) + timedelta(days=i) for i in range(5))


def nom_fichier(cle: str) -> str:
    """`eleves` -> `eleves.csv`, `session` -> `session.json`, un nom complet reste tel quel."""
    if "." in cle:
        return cle
    return "session.json" if cle == "session" else f"{cle}.csv"


def ecrire_dossier(dossier: Path, **fichiers: str | bytes | None) -> Path:
    """Écrit le dossier valide dans `dossier`, en remplaçant ou omettant des fichiers."""
    dossier.mkdir(parents=True, exist_ok=True)
    contenus: dict[str, str | bytes | None] = dict(FICHIERS_VALIDES)
    contenus.update({nom_fichier(cle): valeur for cle, valeur in fichiers.items()})
    for nom, contenu in contenus.items():
        if contenu is None:
            continue
        chemin = dossier / nom
        if isinstance(contenu, bytes):
            chemin.write_bytes(contenu)
        else:
            chemin.write_text(contenu, encoding="utf-8")
    return dossier


def plan_correct() -> Plan:
    """Le plan qui respecte les six règles pour `FICHIERS_VALIDES` (voir en tête)."""
    groupes = {
        ("P1", "A"): ["E01", "E02", "E03", "E04", "E05"],
        ("P1", "B"): ["E06"],
        ("P2", "A"): ["E07", "E08", "E09", "E10"],
    }
    voeux_p1 = {"E05": 2}
    plan = Plan()
    for (projet, groupe), eleves in groupes.items():
        for eleve in eleves:
            rang = voeux_p1.get(eleve, 1) if projet == "P1" else 1
            plan.affectations[eleve] = Affectation(eleve, projet, rang, groupe)
    visites = {
        ("P1", "A"): zip(SEMAINE_1 + SEMAINE_2, ["S1"] * 5 + ["S2"] * 5, strict=True),
        ("P1", "B"): zip(SEMAINE_1 + SEMAINE_2, itertools.repeat("S1")),
        ("P2", "A"): zip(SEMAINE_1 + SEMAINE_2, ["S3"] * 5 + ["S4"] * 5, strict=True),
    }
    for (projet, groupe), jours in visites.items():
        for jour, structure in jours:
            plan.planning.append(LignePlanning(projet, groupe, jour, structure))
    return plan


_compteur = itertools.count()


@pytest.fixture
def fabrique_dossier(tmp_path: Path):
    """`fabrique_dossier(**fichiers) -> Path` : un dossier neuf à chaque appel."""

    def fabriquer(**fichiers: str | bytes | None) -> Path:
        return ecrire_dossier(tmp_path / f"dossier-{next(_compteur)}", **fichiers)

    return fabriquer


@pytest.fixture
def dossier_valide(tmp_path: Path) -> Path:
    return ecrire_dossier(tmp_path / "session")


@pytest.fixture
def session_valide(dossier_valide: Path) -> Session:
    from moteur.format import lire_session

    return lire_session(dossier_valide)


@pytest.fixture
def plan_valide() -> Plan:
    return plan_correct()

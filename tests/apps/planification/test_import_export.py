"""Import d'un dossier de session en base, export, et aller-retour.

Les dossiers viennent de la fabrique du moteur (tests/moteur/conftest.py) : 2 lycées,
4 structures, 2 projets, 10 élèves, 2 identités, du 15 au 26 juin 2026.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from apps.campagnes.models import Session
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.planification import enregistrement_plan, enregistrement_session, lecture_moteur
from apps.planification.importation import exporter_dossier, importer_dossier
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Creneau, Groupe, Porteur, Projet
from apps.structures.models import StructureAccueil
from apps.territoires.models import Commune
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur
from moteur.format import lire_plan, lire_session
from moteur.modele import Point
from tests.apps.conftest import COMMUNES_DOSSIER_MOTEUR, creer_communes
from tests.moteur.conftest import ELEVES_CSV, PROJETS_CSV, ecrire_dossier, plan_correct

pytestmark = pytest.mark.django_db

MODELES = (
    Session,
    Etablissement,
    StructureAccueil,
    Porteur,
    Projet,
    Eleve,
    Voeu,
    IdentiteEleve,
    Affectation,
    Groupe,
    Creneau,
)


@pytest.fixture(autouse=True)
def communes() -> None:
    """Les communes du dossier de test, en base (le référentiel n'est donc pas rechargé)."""
    creer_communes(COMMUNES_DOSSIER_MOTEUR)


def compter() -> dict[str, int]:
    return {modele.__name__: modele.objects.count() for modele in MODELES}


def test_import_ecrit_tout_le_dossier(tmp_path: Path) -> None:
    resultat = importer_dossier(ecrire_dossier(tmp_path / "d"))

    session = resultat.session
    assert session.nom == "Stages collectifs de seconde 2026 (test)"
    assert len(session.jours_ouvres) == 10
    assert session.statut == Session.Statut.VOEUX
    assert not resultat.remplacee
    assert compter() == {
        "Session": 1,
        "Etablissement": 2,
        "StructureAccueil": 4,
        "Porteur": 2,
        "Projet": 2,
        "Eleve": 10,
        "Voeu": 13,
        "IdentiteEleve": 2,
        "Affectation": 0,
        "Groupe": 0,
        "Creneau": 0,
    }
    p1 = Projet.objects.get(session=session, identifiant="P1")
    assert p1.statut == Projet.Statut.PUBLIE
    assert p1.porteur.nom == "CCI Caen Normandie"
    assert p1.porteur.type == Porteur.Type.CLUB
    assert p1.porteur.representant == "M. Grand"
    assert sorted(p1.structures.values_list("identifiant", flat=True)) == ["S1", "S2"]
    s2 = StructureAccueil.objects.get(session=session, identifiant="S2")
    assert (s2.age_min, s2.domaines, len(s2.jours)) == (15, "J", 5)
    assert s2.heure_debut.strftime("%H:%M") == "08:30"
    e05 = Eleve.objects.get(session=session, identifiant="E05")
    assert e05.boursier and e05.ordre == 4
    assert list(e05.voeux.order_by("rang").values_list("projet__identifiant", flat=True)) == [
        "P2",
        "P1",
    ]
    assert IdentiteEleve.objects.get(eleve__identifiant="E01").prenom == "Léa"


def test_import_met_a_jour_un_etablissement_existant_par_uai(tmp_path: Path) -> None:
    lycee = Etablissement.objects.create(
        uai="0141555P",
        nom="LYCEE MALHERBE",
        commune_id="14118",
        latitude=49.19,
        longitude=-0.37,
        email="ancien@ac-normandie.fr",
    )

    importer_dossier(ecrire_dossier(tmp_path / "d"))

    lycee.refresh_from_db()
    assert lycee.nom == "Lycée Malherbe"
    assert lycee.email == "ce.0141555p@ac-normandie.fr"
    # Pas de coordonnées dans le fichier : on garde celles du référentiel des lycées.
    assert (lycee.latitude, lycee.longitude) == (49.19, -0.37)
    assert Etablissement.objects.count() == 2


def test_reimporter_remplace_la_session_et_garde_les_projets(tmp_path: Path) -> None:
    premiere = importer_dossier(ecrire_dossier(tmp_path / "a")).session
    p1 = Projet.objects.get(identifiant="P1")
    p1.description = "Écrite dans l'interface"
    p1.save(update_fields=["description"])
    enregistrement_plan.enregistrer_plan(premiere, plan_correct())
    moins_d_eleves = "\n".join(ELEVES_CSV.splitlines()[:4]) + "\n"  # E01 à E03

    resultat = importer_dossier(ecrire_dossier(tmp_path / "b", eleves=moins_d_eleves))

    assert resultat.remplacee and resultat.session.pk == premiere.pk
    assert Session.objects.count() == 1
    assert sorted(Eleve.objects.values_list("identifiant", flat=True)) == ["E01", "E02", "E03"]
    assert Affectation.objects.count() == 0 and Groupe.objects.count() == 0
    p1.refresh_from_db()
    assert p1.description == "Écrite dans l'interface"
    assert IdentiteEleve.objects.count() == 2


def test_import_sous_un_autre_nom_cree_une_deuxieme_session(tmp_path: Path) -> None:
    dossier = ecrire_dossier(tmp_path / "d")
    importer_dossier(dossier)
    autre = importer_dossier(dossier, nom="Session de rattrapage").session

    assert Session.objects.count() == 2
    assert autre.nom == "Session de rattrapage"
    assert Projet.objects.filter(session=autre).count() == 2
    assert Porteur.objects.count() == 2  # porteurs partagés, retrouvés par leur nom


def test_import_invalide_n_ecrit_rien_et_localise_l_erreur(tmp_path: Path) -> None:
    importer_dossier(ecrire_dossier(tmp_path / "a"))
    avant = compter()
    eleves = ELEVES_CSV.replace("E04,0141555P,2010-05-05", "E04,0141555P,2010-13-05")

    with pytest.raises(ErreurUtilisateur) as erreur:
        importer_dossier(ecrire_dossier(tmp_path / "b", eleves=eleves))

    assert compter() == avant
    probleme = erreur.value.problemes[0]
    assert (probleme.fichier, probleme.ligne, probleme.colonne) == (
        "eleves.csv",
        5,
        "date_naissance",
    )


def test_commune_absente_de_la_base_refusee_avec_sa_ligne(tmp_path: Path) -> None:
    Commune.objects.filter(code="50475").delete()  # la commune de E07 (ligne 8)
    avant = compter()

    with pytest.raises(ErreurUtilisateur) as erreur:
        importer_dossier(ecrire_dossier(tmp_path / "d"))

    assert compter() == avant
    (probleme,) = erreur.value.problemes
    assert (probleme.fichier, probleme.ligne, probleme.colonne) == (
        "eleves.csv",
        8,
        "commune_insee",
    )
    assert "50475" in probleme.message


# Les codes que reçoivent P1 (Caen, 14) et P2 (Saint-Lô, 50), dans l'ordre du fichier.
CODES = {"P1": "14-001", "P2": "50-002"}


def en_codes(donnees: m.Session) -> m.Session:
    """Le dossier d'origine tel que l'export le cite : chaque projet par son code."""
    donnees.projets = {CODES[i]: replace(p, id=CODES[i]) for i, p in donnees.projets.items()}
    donnees.eleves = {
        i: replace(e, voeux=tuple(CODES[v] for v in e.voeux)) for i, e in donnees.eleves.items()
    }
    return donnees


def plan_en_codes() -> m.Plan:
    plan = plan_correct()
    for a in plan.affectations.values():
        a.projet_id = CODES[a.projet_id] if a.projet_id else None
    plan.planning = [replace(ligne, projet_id=CODES[ligne.projet_id]) for ligne in plan.planning]
    return plan


def test_export_puis_import_redonne_les_memes_donnees(tmp_path: Path) -> None:
    """Aller-retour complet ; lancé aussi sur PostgreSQL (DATABASE_URL)."""
    session = importer_dossier(ecrire_dossier(tmp_path / "source")).session
    enregistrement_plan.enregistrer_plan(session, plan_correct(), {})
    origine = en_codes(lire_session(tmp_path / "source"))

    exporter_dossier(session, tmp_path / "export", avec_identites=True)
    relue = lire_session(tmp_path / "export")

    assert relue.parametres == origine.parametres
    for attribut in ("etablissements", "structures", "projets", "identites"):
        assert getattr(relue, attribut) == getattr(origine, attribut), attribut
    # Domiciles enregistrés au centre de leur commune (pas de motif de position précise).
    centres = {c.code: Point(c.latitude, c.longitude) for c in Commune.objects.all()}
    attendus = {i: replace(e, point=centres[e.commune_insee]) for i, e in origine.eleves.items()}
    assert relue.eleves == attendus
    plan = lire_plan(tmp_path / "export", relue)
    assert plan.affectations == plan_en_codes().affectations
    assert sorted(plan.planning, key=str) == sorted(plan_en_codes().planning, key=str)

    enregistrement_session.supprimer_session(session)
    reimportee = importer_dossier(tmp_path / "export").session
    codes = dict(Projet.objects.filter(session=reimportee).values_list("identifiant", "code"))
    assert codes == {"14-001": "14-001", "50-002": "50-002"}  # les codes ont survécu
    relue_base = lecture_moteur.session_moteur(reimportee, avec_identites=True, par_code=True)
    assert relue_base.eleves == relue.eleves
    assert relue_base.projets == relue.projets


def test_export_sans_identites_par_defaut(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "source")).session

    exporter_dossier(session, tmp_path / "export")

    assert not (tmp_path / "export" / "identites.csv").exists()
    assert not (tmp_path / "export" / "affectations.csv").exists()
    assert len(lire_session(tmp_path / "export").eleves) == 10


def test_session_moteur_ecarte_les_projets_non_publies_et_leurs_voeux(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "d")).session
    Projet.objects.filter(identifiant="P1").update(statut=Projet.Statut.SOUMIS)

    donnees = lecture_moteur.session_moteur(session, statuts=[Projet.Statut.PUBLIE])

    assert list(donnees.projets) == ["P2"]
    assert donnees.eleves["E02"].voeux == ("P2",)
    assert donnees.eleves["E01"].voeux == ()
    assert any("retirés" in a for a in donnees.avertissements)


def test_enregistrer_plan_refuse_un_projet_inconnu(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "d")).session
    plan = plan_correct()
    plan.affectations["E01"].projet_id = "P99"

    with pytest.raises(ErreurUtilisateur, match="P99"):
        enregistrement_plan.enregistrer_plan(session, plan)
    assert Affectation.objects.count() == 0


def test_enregistrer_plan_garde_la_raison_des_non_places(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "d")).session
    plan = plan_correct()
    plan.affectations["E06"] = type(plan.affectations["E06"])("E06", None)

    enregistrement_plan.enregistrer_plan(session, plan, {"E06": "âge minimum de S2 non atteint"})

    e06 = Affectation.objects.get(eleve__identifiant="E06")
    assert (e06.projet, e06.rang, e06.raison) == (None, None, "âge minimum de S2 non atteint")
    assert Creneau.objects.count() == 30
    relu = lecture_moteur.plan_moteur(session)
    assert relu.affectations["E06"].projet_id is None
    assert relu.affectations["E01"].groupe == "A"


def test_reimport_refuse_si_des_conventions_existent(tmp_path: Path) -> None:
    from apps.conventions.models import Convention

    importer_dossier(ecrire_dossier(tmp_path / "a"))
    Convention.objects.create(eleve=Eleve.objects.get(identifiant="E01"))
    avant = compter()

    with pytest.raises(ErreurUtilisateur, match="conventions"):
        importer_dossier(ecrire_dossier(tmp_path / "b"))

    assert compter() == avant and Convention.objects.count() == 1


# --- Les codes lisibles des projets dans le format d'échange -----------------------------------


def test_import_donne_un_code_a_chaque_nouveau_projet(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "d")).session

    codes = dict(Projet.objects.filter(session=session).values_list("identifiant", "code"))
    assert codes == CODES  # « département-numéro », dans l'ordre du fichier


def dossier_avec_ids(dossier: Path, p1: str, p2: str) -> Path:
    """Le dossier de test où P1 et P2 s'appellent `p1` et `p2` (projets.csv et vœux)."""
    projets = PROJETS_CSV.replace("\nP1,", f"\n{p1},").replace("\nP2,", f"\n{p2},")
    eleves = ELEVES_CSV.replace("P1", "§").replace("P2", p2).replace("§", p1)
    return ecrire_dossier(dossier, projets=projets, eleves=eleves)


def test_un_id_en_forme_de_code_devient_le_code(tmp_path: Path) -> None:
    session = importer_dossier(dossier_avec_ids(tmp_path / "d", "61-025", "2a-007")).session

    codes = dict(Projet.objects.filter(session=session).values_list("identifiant", "code"))
    assert codes == {"61-025": "61-025", "2a-007": "2A-007"}  # casse normalisée
    eleve = Eleve.objects.get(identifiant="E05")
    assert list(eleve.voeux.order_by("rang").values_list("projet__code", flat=True)) == [
        "2A-007",
        "61-025",
    ]


def test_un_code_deja_pris_dans_la_session_n_est_pas_repris(tmp_path: Path) -> None:
    session = importer_dossier(dossier_avec_ids(tmp_path / "d", "14-001", "14 - 001")).session

    codes = dict(Projet.objects.filter(session=session).values_list("identifiant", "code"))
    # « 14 - 001 » se normalise en 14-001, déjà pris par la première ligne : code attribué.
    assert codes == {"14-001": "14-001", "14 - 001": "50-002"}


def test_reimport_retrouve_les_projets_par_leur_code(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "source")).session
    p1 = Projet.objects.get(session=session, identifiant="P1")
    p1.description = "Écrite dans l'interface"
    p1.save(update_fields=["description"])
    exporter_dossier(session, tmp_path / "export")
    projets = (tmp_path / "export" / "projets.csv").read_text(encoding="utf-8")
    (tmp_path / "export" / "projets.csv").write_text(
        projets.replace("Industrie et santé à Caen", "Industrie à Caen").replace(
            "14-001", " 14-001"
        ),
        encoding="utf-8",
    )

    importer_dossier(tmp_path / "export")

    assert Projet.objects.count() == 2
    p1.refresh_from_db()  # même projet : description, identifiant et code gardés
    assert (p1.nom, p1.code, p1.identifiant) == ("Industrie à Caen", "14-001", "P1")
    assert p1.description == "Écrite dans l'interface"
    e05 = Eleve.objects.get(identifiant="E05")
    assert list(e05.voeux.order_by("rang").values_list("projet_id", flat=True)) == [
        Projet.objects.get(code="50-002").pk,
        p1.pk,
    ]


def test_un_projet_cite_par_son_code_et_son_identifiant_est_refuse(tmp_path: Path) -> None:
    importer_dossier(ecrire_dossier(tmp_path / "a"))
    avant = compter()
    # 14-001 est le code de P1, et P1 reste cité : le même projet deux fois.
    dossier = dossier_avec_ids(tmp_path / "b", "14-001", "P1")

    with pytest.raises(ErreurUtilisateur) as erreur:
        importer_dossier(dossier)

    assert compter() == avant
    (probleme,) = erreur.value.problemes
    assert (probleme.fichier, probleme.ligne, probleme.colonne) == ("projets.csv", 3, "id")
    assert "« P1 » est aussi cité par son code" in probleme.message


def test_l_export_cite_les_projets_par_leur_code(tmp_path: Path) -> None:
    session = importer_dossier(ecrire_dossier(tmp_path / "source")).session
    enregistrement_plan.enregistrer_plan(session, plan_correct(), {})

    exporter_dossier(session, tmp_path / "export")

    dossier = tmp_path / "export"
    projets = (dossier / "projets.csv").read_text(encoding="utf-8").splitlines()
    assert [ligne.split(",")[0] for ligne in projets[1:]] == ["14-001", "50-002"]
    eleves = (dossier / "eleves.csv").read_text(encoding="utf-8")
    assert "14-001|50-002" in eleves and "50-002|14-001" in eleves and "P1" not in eleves
    affectations = (dossier / "affectations.csv").read_text(encoding="utf-8")
    assert "E01,14-001,1,A" in affectations and "P1" not in affectations
    planning = (dossier / "planning.csv").read_text(encoding="utf-8").splitlines()
    assert {ligne.split(",")[0] for ligne in planning[1:]} == {"14-001", "50-002"}
    # Les calculs internes continuent de citer l'identifiant (plans en attente, conventions).
    assert set(lecture_moteur.session_moteur(session).projets) == {"P1", "P2"}


def test_aller_retour_garde_les_positions_exactes_et_leur_motif(tmp_path: Path) -> None:
    motif = "hameau à 9 km du bourg"
    e03 = "E03,0141555P,2010-11-20,F,,49.19,-0.36,P1,,"  # domicile précis, sans motif
    eleves = ELEVES_CSV.replace("boursier\n", "boursier,motif_position_precise\n", 1)
    eleves = eleves.replace(e03, f"{e03},{motif}")  # les autres lignes n'ont pas la colonne
    session = importer_dossier(ecrire_dossier(tmp_path / "source", eleves=eleves)).session
    assert Eleve.objects.get(identifiant="E03").motif_position_precise == motif

    exporter_dossier(session, tmp_path / "export")
    texte = (tmp_path / "export" / "eleves.csv").read_text(encoding="utf-8")
    assert texte.splitlines()[0].endswith(",motif_position_precise")
    assert texte.count(motif) == 1
    enregistrement_session.supprimer_session(session)
    importer_dossier(tmp_path / "export")

    e03 = Eleve.objects.get(identifiant="E03")
    assert (e03.latitude, e03.longitude, e03.motif_position_precise) == (49.19, -0.36, motif)
    e01 = Eleve.objects.select_related("commune").get(identifiant="E01")
    assert (e01.latitude, e01.motif_position_precise) == (e01.commune.latitude, "")

"""Espace des établissements : accès par rôle et par objet, dépôt, saisie, emploi du temps."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.campagnes.models import Session
from apps.etablissements.models import Eleve, IdentiteEleve
from apps.planification.models import Voeu
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CommuneFactory,
    CreneauFactory,
    EleveFactory,
    GroupeFactory,
    ProjetFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db


def csv_eleves(*lignes: str, entete="id,uai,date_naissance,genre,commune_insee,voeux,boursier"):
    return SimpleUploadedFile("eleves.csv", "\n".join([entete, *lignes]).encode(), "text/csv")


# --- Accès --------------------------------------------------------------------------------------


def test_anonyme_renvoye_vers_la_connexion(client, session):
    reponse = client.get(reverse("etablissements:index"))
    assert reponse.status_code == 302
    assert reverse("comptes:connexion") in reponse["Location"]


@pytest.mark.parametrize("role", ["porteur", "structure"])
def test_autres_roles_refuses(client, session, role):
    client.login(username=UtilisateurFactory(**{role: True}).username, password=MOT_DE_PASSE)
    assert client.get(reverse("etablissements:index")).status_code == 403
    assert client.get(reverse("etablissements:depot")).status_code == 403


def test_un_etablissement_ne_voit_que_ses_eleves(connecte, session, lycee, autre_lycee):
    mien = EleveFactory(session=session, etablissement=lycee, identifiant="MIEN1")
    autre = EleveFactory(session=session, etablissement=autre_lycee, identifiant="AUTRE1")
    reponse = connecte.get(reverse("etablissements:detail", args=[lycee.uai]))
    assert [e.pk for e in reponse.context["eleves"]] == [mien.pk]
    assert "AUTRE1" not in reponse.content.decode()
    assert connecte.get(reverse("etablissements:detail", args=[autre_lycee.uai])).status_code == 404
    url_autre = reverse("etablissements:emploi_du_temps", args=[autre_lycee.uai, autre.pk])
    assert connecte.get(url_autre).status_code == 404
    # même en passant par son propre établissement, l'élève d'un autre reste invisible
    url_detour = reverse("etablissements:emploi_du_temps", args=[lycee.uai, autre.pk])
    assert connecte.get(url_detour).status_code == 404
    index = connecte.get(reverse("etablissements:index"))
    assert [e.pk for e in index.context["etablissements"]] == [lycee.pk]


def test_pas_de_n_plus_un_dans_la_liste_des_eleves(
    connecte, session, lycee, projets, django_assert_num_queries
):
    for i in range(6):
        eleve = EleveFactory(session=session, etablissement=lycee)
        for rang, projet in enumerate(projets, start=1):
            Voeu.objects.create(eleve=eleve, projet=projet, rang=rang)
        if i % 2:
            AffectationFactory(eleve=eleve, projet=projets[0])
    # session (auth) + utilisateur + session active + établissement + élèves + vœux, puis
    # l'entrée du journal des accès (INSERT dans sa transaction : 4 requêtes), quel que soit
    # le nombre d'élèves
    with django_assert_num_queries(10):
        reponse = connecte.get(reverse("etablissements:detail", args=[lycee.uai]))
    assert len(reponse.context["eleves"]) == 6


# --- Dépôt --------------------------------------------------------------------------------------


def test_depot_csv_valide(connecte, session, lycee, projets):
    fichier = csv_eleves(
        "E1,0141555P,2010-03-01,F,,P01|P02,1",
        f"E2,0141555P,2009-12-31,M,{lycee.commune_id},P03,0",
    )
    identites = SimpleUploadedFile(
        "identites.csv", b"eleve_id,nom,prenom,classe\nE1,Durand,Alex,2nde 3\n", "text/csv"
    )
    reponse = connecte.post(
        reverse("etablissements:depot"), {"eleves": fichier, "identites": identites}
    )
    assert reponse.status_code == 302
    e1 = Eleve.objects.get(identifiant="E1")
    assert e1.etablissement == lycee and e1.boursier and e1.genre == "F"
    assert e1.commune_id == lycee.commune_id
    assert list(e1.voeux.order_by("rang").values_list("projet__identifiant", flat=True)) == [
        "P01",
        "P02",
    ]
    assert IdentiteEleve.objects.get(eleve=e1).nom == "Durand"
    assert Eleve.objects.get(identifiant="E2").date_naissance == date(2009, 12, 31)


def test_redepot_met_a_jour_et_remplace_les_voeux(connecte, session, lycee, projets):
    connecte.post(
        reverse("etablissements:depot"),
        {"eleves": csv_eleves("E1,0141555P,2010-03-01,F,,P01|P02,1")},
    )
    connecte.post(
        reverse("etablissements:depot"), {"eleves": csv_eleves("E1,0141555P,2010-03-01,F,,P03,0")}
    )
    eleve = Eleve.objects.get(identifiant="E1")
    assert not eleve.boursier
    assert list(eleve.voeux.values_list("projet__identifiant", flat=True)) == ["P03"]
    assert Eleve.objects.count() == 1


def test_depot_xlsx_point_virgule_et_cellules_typees(connecte, session, lycee, projets):
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "eleves"
    feuille.append(["id", "uai", "date_naissance", "voeux", "boursier"])
    feuille.append(["X1", "0141555P", date(2010, 5, 4), "P02", 1])
    tampon = io.BytesIO()
    classeur.save(tampon)
    fichier = SimpleUploadedFile("eleves.xlsx", tampon.getvalue())
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    assert reponse.status_code == 302
    eleve = Eleve.objects.get(identifiant="X1")
    assert eleve.date_naissance == date(2010, 5, 4) and eleve.boursier


def test_depot_invalide_rien_n_est_ecrit_et_problemes_localises(
    connecte, session, lycee, autre_lycee, projets
):
    fichier = csv_eleves(
        "E1,0141555P,2010-03-01,F,,P01,1",  # valide, mais rien ne doit être écrit
        "E2,0141555P,2010-13-01,F,,P01,0",  # date impossible
        "E3,0500001A,2010-03-01,M,,P02,0",  # établissement d'un autre
        "E4,0141555P,2010-03-01,X,,P99|P01,0",  # genre invalide
        "E5,0141555P,2010-03-01,M,,P01|P01,0",  # vœu en double
    )
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    assert reponse.status_code == 400
    problemes = {(p.fichier, p.ligne, p.colonne) for p in reponse.context["problemes"]}
    assert ("eleves.csv", 3, "date_naissance") in problemes
    assert ("eleves.csv", 4, "uai") in problemes
    assert ("eleves.csv", 5, "genre") in problemes
    assert ("eleves.csv", 6, "voeux") in problemes
    assert Eleve.objects.count() == 0 and Voeu.objects.count() == 0
    texte = reponse.content.decode()
    assert "n&#x27;a pas été enregistré" in texte or "n'a pas été enregistré" in texte


def test_depot_projet_inconnu_ou_non_valide(connecte, session, lycee, projets):
    ProjetFactory(session=session, identifiant="PBROUILLON")
    reponse = connecte.post(
        reverse("etablissements:depot"),
        {"eleves": csv_eleves("E1,0141555P,2010-03-01,F,,PBROUILLON,0")},
    )
    [probleme] = reponse.context["problemes"]
    assert (probleme.ligne, probleme.colonne) == (2, "voeux")
    assert "PBROUILLON" in probleme.message


def test_depot_colonne_obligatoire_absente(connecte, session, lycee, projets):
    fichier = csv_eleves("E1,0141555P,F", entete="id,uai,genre")
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    colonnes = {(p.ligne, p.colonne) for p in reponse.context["problemes"]}
    assert {(1, "date_naissance"), (1, "voeux")} <= colonnes


def test_depot_identite_d_un_eleve_inconnu(connecte, session, lycee, projets):
    identites = SimpleUploadedFile("identites.csv", b"eleve_id,nom,prenom\nZZ,Nom,Prenom\n")
    reponse = connecte.post(
        reverse("etablissements:depot"),
        {"eleves": csv_eleves("E1,0141555P,2010-03-01,F,,P01,0"), "identites": identites},
    )
    [probleme] = reponse.context["problemes"]
    assert (probleme.fichier, probleme.ligne, probleme.colonne) == ("identites.csv", 2, "eleve_id")
    assert Eleve.objects.count() == 0


def test_depot_fichier_ni_csv_ni_xlsx(connecte, session, lycee):
    fichier = SimpleUploadedFile("eleves.pdf", b"%PDF-1.4")
    reponse = connecte.post(reverse("etablissements:depot"), {"eleves": fichier})
    assert reponse.status_code == 400
    assert ".csv ou .xlsx" in reponse.context["problemes"][0].message


def test_depot_refuse_quand_la_saisie_est_close(connecte, session, lycee, projets):
    session.statut = Session.Statut.AFFECTATION
    session.save(update_fields=["statut"])
    reponse = connecte.post(
        reverse("etablissements:depot"), {"eleves": csv_eleves("E1,0141555P,2010-03-01,F,,P01,0")}
    )
    assert "close" in reponse.context["problemes"][0].message
    assert Eleve.objects.count() == 0


# --- Saisie et emploi du temps -------------------------------------------------------------


def test_saisie_d_un_eleve_par_formulaire(connecte, session, lycee, projets):
    commune = CommuneFactory()
    url = reverse("etablissements:nouvel_eleve", args=[lycee.uai])
    reponse = connecte.post(
        url,
        {
            "identifiant": "F1",
            "date_naissance": "2010-02-02",
            "genre": "M",
            "commune": commune.code,
            "domaines": ["H", "J"],
            "nom": "Martin",
            "prenom": "Léo",
            "voeu1": projets[2].code,  # la liste envoie le code du projet
            "voeu2": f" {projets[0].code.lower()} ",  # espaces et casse ignorés
            "voeu3": "P02",  # l'ancien identifiant, pour la compatibilité
        },
    )
    assert reponse.status_code == 302
    eleve = Eleve.objects.get(identifiant="F1")
    assert eleve.commune == commune and eleve.domaines == "H|J"
    assert list(eleve.voeux.order_by("rang").values_list("projet_id", flat=True)) == [
        projets[2].pk,
        projets[0].pk,
        projets[1].pk,
    ]
    assert eleve.identite.prenom == "Léo"


def test_saisie_refuse_un_voeu_en_double(connecte, session, lycee, projets):
    url = reverse("etablissements:nouvel_eleve", args=[lycee.uai])
    reponse = connecte.post(
        url,
        {
            "identifiant": "F1",
            "date_naissance": "2010-02-02",
            "nom": "M",
            "prenom": "L",
            "voeu1": projets[0].code,
            "voeu2": projets[0].identifiant,  # le même projet, par son ancien identifiant
        },
    )
    assert reponse.status_code == 200
    assert "Un même projet est choisi deux fois" in reponse.content.decode()
    assert Eleve.objects.count() == 0


def test_emploi_du_temps_apres_publication(connecte, session, lycee, projets):
    eleve = EleveFactory(session=session, etablissement=lycee)
    groupe = GroupeFactory(projet=projets[0], libelle="Groupe A")
    creneau = CreneauFactory(groupe=groupe, date=date(2026, 6, 16))
    AffectationFactory(eleve=eleve, projet=projets[0], groupe=groupe, publiee=True)
    url = reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk])
    avant = connecte.get(url)
    assert avant.context["affectation"] is None  # pas encore publié
    session.statut = Session.Statut.PUBLIEE
    session.save(update_fields=["statut"])
    apres = connecte.get(url)
    assert apres.context["creneaux"] == [creneau]
    assert creneau.structure.nom in apres.content.decode()

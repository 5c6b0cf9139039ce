"""Un établissement exporte (JSON, CSV) et supprime les données d'un de ses élèves."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from apps.conventions.models import Convention, Signature
from apps.etablissements.models import IdentiteEleve
from apps.journal.models import EntreeJournal
from apps.planification.models import Affectation, Voeu
from tests.apps.fabriques import MOT_DE_PASSE, EleveFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def _url(nom, eleve, uai=None):
    return reverse(f"donnees_personnelles:{nom}", args=[uai or eleve.etablissement.uai, eleve.pk])


def test_export_json_complet_et_consigne(monde, client_lycee):
    reponse = client_lycee.get(_url("export_json", monde.eleve))
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("application/json")
    assert 'filename="donnees-eleve-E001.json"' in reponse["Content-Disposition"]
    donnees = json.loads(reponse.content)
    assert donnees["eleve"]["identifiant"] == "E001"
    assert donnees["identite"]["nom"] == "Nom-E001"
    assert donnees["identite"]["representant1_email"] == "parent@exemple.fr"
    assert donnees["voeux"][0]["code_projet"] == "14-001"
    assert donnees["affectation"]["groupe"] == "Groupe A"
    assert len(donnees["affectation"]["emploi_du_temps"]) == 1
    assert donnees["convention"]["signatures"][0]["adresse_ip"] == "203.0.113.7"
    assert donnees["incidents"][0]["note"] == "Lou a oublié son repas"
    entree = EntreeJournal.objects.get(action="export")
    assert entree.objet == "données de l'élève E001 (JSON)"
    assert entree.identifiant_utilisateur == "lycee-malherbe" and entree.role == "etablissement"
    assert entree.session == monde.session


def test_export_csv_lisible_dans_un_tableur(monde, client_lycee):
    reponse = client_lycee.get(_url("export_csv", monde.eleve))
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/csv")
    texte = reponse.content.decode("utf-8-sig")
    lignes = dict(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes["identite.nom"] == "Nom-E001"
    assert lignes["voeux.1.projet"].startswith("Découverte")
    assert EntreeJournal.objects.filter(action="export", objet__endswith="(CSV)").count() == 1


def test_un_nom_de_fichier_hostile_est_assaini(monde, client_lycee):
    eleve = EleveFactory(session=monde.session, etablissement=monde.lycee, identifiant='../"x\r\ny')
    reponse = client_lycee.get(_url("export_json", eleve))
    assert reponse["Content-Disposition"] == 'attachment; filename="donnees-eleve-____x__y.json"'


def test_l_eleve_d_un_autre_etablissement_repond_404(monde, client):
    autre = UtilisateurFactory(etablissement=True)
    client.login(username=autre.username, password=MOT_DE_PASSE)
    for nom in ("export_json", "export_csv", "supprimer"):
        assert client.get(_url(nom, monde.eleve)).status_code == 404
    assert client.post(_url("supprimer", monde.eleve), {"confirmation": "E001"}).status_code == 404
    assert IdentiteEleve.objects.filter(eleve=monde.eleve).exists()
    assert not EntreeJournal.objects.filter(action__in=["export", "suppression"]).exists()


def test_mauvais_etablissement_dans_l_adresse_404(monde, client_lycee):
    assert client_lycee.get(_url("export_json", monde.eleve, uai="0500001A")).status_code == 404


@pytest.mark.parametrize("role", ["porteur", "structure"])
def test_les_autres_roles_sont_refuses(monde, client, role):
    compte = UtilisateurFactory(**{role: True})
    client.login(username=compte.username, password=MOT_DE_PASSE)
    assert client.get(_url("export_json", monde.eleve)).status_code == 403


def test_anonyme_vers_la_connexion(monde, client):
    reponse = client.get(_url("supprimer", monde.eleve))
    assert reponse.status_code == 302 and "/comptes/" in reponse["Location"]


def test_la_suppression_demande_confirmation(monde, client_lycee):
    page = client_lycee.get(_url("supprimer", monde.eleve))
    assert page.status_code == 200
    texte = page.content.decode()
    assert "Cette suppression est définitive" in texte
    assert "Lou Nom-E001" in texte and "sa convention" in texte
    refus = client_lycee.post(_url("supprimer", monde.eleve), {"confirmation": "E002"})
    assert refus.status_code == 400
    assert "Confirmation incorrecte" in refus.content.decode()
    assert IdentiteEleve.objects.filter(eleve=monde.eleve).exists()


def test_la_suppression_libere_la_place_et_annule_la_convention(monde, client_lycee):
    reponse = client_lycee.post(_url("supprimer", monde.eleve), {"confirmation": "E001"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("etablissements:detail", args=["0141555P"])
    assert not IdentiteEleve.objects.filter(eleve=monde.eleve).exists()
    assert not Voeu.objects.filter(eleve=monde.eleve).exists()
    assert not Affectation.objects.filter(eleve=monde.eleve).exists()
    convention = Convention.objects.get(pk=monde.convention.pk)
    assert convention.statut == Convention.Statut.ANNULEE
    signature = Signature.objects.get(pk=monde.signature.pk)
    assert (signature.email, signature.adresse_ip, signature.signe_par) == ("", None, "")
    monde.eleve.refresh_from_db()
    assert monde.eleve.latitude == monde.lycee.commune.latitude
    # L'autre élève est intact.
    assert IdentiteEleve.objects.filter(eleve=monde.autre).exists()
    assert Affectation.objects.filter(eleve=monde.autre).exists()
    entree = EntreeJournal.objects.get(action="suppression")
    assert entree.objet == "données de l'élève E001 (identité, vœux, place, convention annulée)"
    assert "Nom-E001" not in entree.objet
    suite = client_lycee.get(reponse["Location"])
    assert "Données de l&#x27;élève E001 supprimées" in suite.content.decode()

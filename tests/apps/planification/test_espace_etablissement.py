"""L'espace d'un établissement : avant publication, « résultats le … » ; après, pour chaque
élève son nom, son projet, son groupe, son emploi du temps jour par jour, le statut de sa
convention, et les chiffres de placement. Chaque consultation est consignée au journal."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.campagnes.models import Session
from apps.conventions.models import Convention
from apps.journal.models import EntreeJournal
from tests.apps.carte.navigateur import page_connectee
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    EtablissementFactory,
    GroupeFactory,
    IdentiteEleveFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
    VoeuFactory,
)
from tests.apps.navigateur import capturer

UAI = "0141555P"


def monde_publiable(statut: str) -> dict:
    session = SessionFactory(statut=statut)
    compte = UtilisateurFactory(etablissement=True, username="ce-malherbe")
    lycee = EtablissementFactory(uai=UAI, nom="Lycée Malherbe", gestionnaires=[compte])
    projet = ProjetFactory(session=session, identifiant="14-027", nom="Industrie du Bocage")
    groupe = GroupeFactory(projet=projet, libelle="Groupe 2")
    fonderie = StructureAccueilFactory(
        session=session,
        nom="Fonderie de Rai",
        adresse="3 rue des Forges",
        heure_debut=time(8, 30),
        heure_fin=time(16, 0),
    )
    tréfilerie = StructureAccueilFactory(session=session, nom="Tréfilerie", adresse="")
    CreneauFactory(groupe=groupe, structure=fonderie, date=date(2026, 6, 15))
    CreneauFactory(groupe=groupe, structure=tréfilerie, date=date(2026, 6, 16))
    places = []
    for i, (prenom, rang) in enumerate([("Lina", 1), ("Noé", 2)]):
        eleve = EleveFactory(session=session, etablissement=lycee, identifiant=f"E00{i}")
        IdentiteEleveFactory(eleve=eleve, prenom=prenom, nom=f"Martin{i}")
        VoeuFactory(eleve=eleve, projet=projet, rang=1)
        AffectationFactory(eleve=eleve, projet=projet, rang=rang, groupe=groupe)
        places.append(eleve)
    non_place = EleveFactory(session=session, etablissement=lycee, identifiant="E009")
    IdentiteEleveFactory(eleve=non_place, prenom="Jade", nom="Petit")
    AffectationFactory(eleve=non_place, projet=None, rang=None, raison="aucune place proche")
    Convention.objects.create(eleve=places[0], projet=projet, statut=Convention.Statut.SIGNEE)
    return {"session": session, "compte": compte, "lycee": lycee, "eleves": places}


def _connecte(client, compte):
    client.login(username=compte.username, password=MOT_DE_PASSE)
    return client


@pytest.mark.django_db
def test_apres_publication_chaque_eleve_et_les_chiffres(client):
    monde = monde_publiable(Session.Statut.PUBLIEE)
    reponse = _connecte(client, monde["compte"]).get(reverse("etablissements:detail", args=[UAI]))
    texte = reponse.content.decode()
    assert "Résultats publiés." in texte
    assert "Lina Martin0" in texte and "Noé Martin1" in texte and "Jade Petit" in texte
    assert "Industrie du Bocage" in texte and "Groupe 2" in texte
    assert "lun 15/06 : Fonderie de Rai, 3 rue des Forges" in texte
    assert "08h30 – 16h00" in texte
    assert "mar 16/06 : Tréfilerie" in texte
    assert "Signée" in texte and "pas encore établie" in texte
    assert "aucune place proche" in texte
    chiffres = reponse.context["chiffres"]
    assert (chiffres.inscrits, chiffres.places, chiffres.premier_voeu) == (3, 2, 1)
    assert "2 (66,7 %)" in texte and "1 (50,0 % des placés)" in texte
    assert "pas encore affecté" not in texte
    entree = EntreeJournal.objects.get()
    assert entree.objet == f"liste des élèves de l'établissement {UAI} avec leurs résultats"
    assert entree.nombre_eleves == 3 and entree.role == "etablissement"


@pytest.mark.django_db
def test_avant_publication_resultats_le(client):
    monde = monde_publiable(Session.Statut.AFFECTATION)
    Session.objects.filter(pk=monde["session"].pk).update(date_publication=date(2026, 5, 20))
    texte = (
        _connecte(client, monde["compte"])
        .get(reverse("etablissements:detail", args=[UAI]))
        .content.decode()
    )
    assert "Résultats le mercredi 20 mai 2026" in texte
    assert "Industrie du Bocage</span>" not in texte  # aucun placement révélé
    assert "Fonderie de Rai" not in texte and "Signée" not in texte
    assert "Lina Martin0" in texte  # le lycée voit toujours ses propres élèves


@pytest.mark.django_db
def test_sans_date_annoncee_le_premier_jour_de_la_session(client):
    monde = monde_publiable(Session.Statut.VOEUX)
    texte = (
        _connecte(client, monde["compte"])
        .get(reverse("etablissements:detail", args=[UAI]))
        .content.decode()
    )
    assert "Résultats le lundi 15 juin 2026" in texte


@pytest.mark.django_db
def test_la_fiche_eleve_est_consignee(client):
    monde = monde_publiable(Session.Statut.PUBLIEE)
    eleve = monde["eleves"][0]
    url = reverse("etablissements:emploi_du_temps", args=[UAI, eleve.pk])
    texte = _connecte(client, monde["compte"]).get(url).content.decode()
    assert "Lina Martin0" in texte and "Fonderie de Rai" in texte and "signée" in texte
    entree = EntreeJournal.objects.get()
    assert entree.objet == "fiche et emploi du temps de l'élève E000"
    assert "Martin" not in entree.objet


@pytest.mark.django_db
def test_un_autre_lycee_ne_voit_ni_ne_consigne_rien(client):
    monde = monde_publiable(Session.Statut.PUBLIEE)
    autre = UtilisateurFactory(etablissement=True)
    _connecte(client, autre)
    eleve = monde["eleves"][0]
    assert client.get(reverse("etablissements:detail", args=[UAI])).status_code == 404
    url = reverse("etablissements:emploi_du_temps", args=[UAI, eleve.pk])
    assert client.get(url).status_code == 404
    assert not EntreeJournal.objects.exists()


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_parcours_d_un_lycee_jusqu_a_ses_resultats(live_server, navigateur):
    monde = monde_publiable(Session.Statut.AFFECTATION)
    page = page_connectee(navigateur, live_server)
    page.goto(live_server.url + reverse("comptes:connexion"))
    page.get_by_label("Identifiant ou courriel").fill("ce-malherbe")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Mes élèves").click()
    page.get_by_role("link", name="Lycée Malherbe").click()
    expect(page.locator("#etat-resultats")).to_contain_text("Résultats le lundi 15 juin 2026")
    capturer(page, "etablissement-avant-publication")

    Session.objects.filter(pk=monde["session"].pk).update(statut=Session.Statut.PUBLIEE)
    page.reload()
    chiffres = page.locator("#chiffres").inner_text()
    assert "66,7 %" in chiffres
    ligne = page.locator("#eleves tbody tr", has_text="Lina Martin0")
    assert "Industrie du Bocage" in ligne.inner_text() and "Signée" in ligne.inner_text()
    ligne.get_by_text("2 jours").click()
    expect(ligne.get_by_text("Fonderie de Rai, 3 rue des Forges")).to_be_visible()
    capturer(page, "etablissement-resultats-publies")
    page.get_by_role("link", name="Fiche de E000").click()
    expect(page.get_by_role("heading", name="Lina Martin0")).to_be_visible()
    expect(page.locator("table caption")).to_have_text("Emploi du temps, jour par jour")
    assert page.erreurs_console == []
    assert EntreeJournal.objects.filter(identifiant_utilisateur="ce-malherbe").count() == 3

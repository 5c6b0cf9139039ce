"""Couverture du territoire, tableau de bord et exports : réservés à la coordination."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.carte.couverture import couverture
from apps.carte.indicateurs import tableau_de_bord
from apps.etablissements.models import Eleve
from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CommuneFactory,
    CreneauFactory,
    EleveFactory,
    EtablissementFactory,
    GroupeFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
    VoeuFactory,
)

pytestmark = pytest.mark.django_db

URLS = ["carte:couverture", "carte:tableau_de_bord"]


@pytest.fixture
def session():
    return SessionFactory(distance_max_km=25)


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


@pytest.mark.parametrize("nom_url", URLS)
def test_anonyme_renvoye_vers_la_connexion(client, session, nom_url):
    reponse = client.get(reverse(nom_url))
    assert reponse.status_code == 302
    assert reverse("comptes:connexion") in reponse["Location"]


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
@pytest.mark.parametrize("nom_url", [*URLS, "carte:export"])
def test_autres_roles_refuses(client, session, role, nom_url):
    utilisateur = UtilisateurFactory(**{role: True})
    client.login(username=utilisateur.username, password=MOT_DE_PASSE)
    args = ["csv"] if nom_url == "carte:export" else []
    assert client.get(reverse(nom_url, args=args)).status_code == 403


def test_couverture_distingue_les_lycees_a_portee(coordination, session):
    pres = CommuneFactory(nom="Caen", latitude=49.18, longitude=-0.37)
    loin = CommuneFactory(nom="Cherbourg", latitude=49.64, longitude=-1.62)  # ≈ 100 km
    ProjetFactory(session=session, commune=pres, statut=Projet.Statut.VALIDE, nom="Caen métiers")
    ProjetFactory(session=session, commune=loin, statut=Projet.Statut.BROUILLON)  # pas validé
    couvert = EtablissementFactory(commune=pres, nom="Lycée Malherbe")
    isole = EtablissementFactory(commune=loin, nom="Lycée Tocqueville")
    resultat = {c.etablissement.pk: c for c in couverture(session)}
    assert resultat[couvert.pk].couvert
    assert resultat[couvert.pk].distance_km == pytest.approx(0.0, abs=0.01)
    assert not resultat[isole.pk].couvert
    assert resultat[isole.pk].distance_km == pytest.approx(101, abs=5)
    reponse = coordination.get(reverse("carte:couverture"))
    assert [c.etablissement.pk for c in reponse.context["non_couverts"]] == [isole.pk]
    assert "Lycée Tocqueville" in reponse.content.decode()
    assert reponse.context["donnees"]["rayon_km"] == 25


def _session_avec_resultats(session):
    rurale = CommuneFactory(population=800)
    urbaine = CommuneFactory(population=100_000)
    s1 = StructureAccueilFactory(session=session, domaines="H|I", commune=urbaine, jours_max=4)
    s2 = StructureAccueilFactory(session=session, domaines="J", commune=urbaine)
    projet = ProjetFactory(
        session=session, places=4, statut=Projet.Statut.PUBLIE, commune=urbaine, structures=[s1, s2]
    )
    groupe = GroupeFactory(projet=projet)
    CreneauFactory(groupe=groupe, structure=s1, date=date(2026, 6, 15))
    CreneauFactory(groupe=groupe, structure=s2, date=date(2026, 6, 16))
    eleves = [
        EleveFactory(session=session, commune=rurale, boursier=True, genre="F"),
        EleveFactory(session=session, commune=rurale, boursier=False, genre="M"),
        EleveFactory(session=session, commune=urbaine, boursier=True, genre="M"),
        EleveFactory(session=session, commune=urbaine, boursier=False, genre="F"),
    ]
    for eleve in eleves:
        VoeuFactory(eleve=eleve, projet=projet)
    for eleve in eleves[:3]:
        AffectationFactory(eleve=eleve, projet=projet, groupe=groupe)
    AffectationFactory(eleve=eleves[3], projet=None, rang=None, raison="plus de place")
    return projet


def test_indicateurs_du_tableau_de_bord(session):
    _session_avec_resultats(session)
    tableau = tableau_de_bord(session)
    t = tableau.total
    assert (t.projets, t.places_offertes, t.places_pourvues) == (1, 4, 3)
    assert (t.boursiers, t.boursiers_places, t.autres, t.autres_places) == (2, 2, 2, 1)
    assert (t.ruraux, t.ruraux_places, t.urbains, t.urbains_places) == (2, 2, 2, 1)
    assert t.taux_boursiers == 100.0 and t.taux_autres == 50.0
    # 1 fille, 2 garçons placés : 33 % ≥ 30 % → mixte.
    assert (t.projets_mixtes, t.projets_mixite_evaluable) == (1, 1)
    assert t.liste_domaines == "HIJ"
    # s1 : 10 jours ouvrés plafonnés à 4 ; s2 : 10 → 14 offerts, 2 utilisés.
    assert (t.jours_offerts, t.jours_utilises) == (14, 2)
    assert tableau.domaines_par_groupe == {"H": 1, "I": 1, "J": 1}
    assert [d.code for d in tableau.departements] == ["14"]
    assert sum(e.eleves for e in tableau.epci) == Eleve.objects.count()


def test_page_du_tableau_de_bord_avec_graphiques(
    coordination, session, django_assert_max_num_queries
):
    _session_avec_resultats(session)
    with django_assert_max_num_queries(15):
        reponse = coordination.get(reverse("carte:tableau_de_bord"))
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert texte.count("<svg") == 5
    assert "Places offertes et pourvues" in texte


def test_export_csv(coordination, session):
    _session_avec_resultats(session)
    reponse = coordination.get(reverse("carte:export", args=["csv"]))
    assert reponse["Content-Type"].startswith("text/csv")
    texte = reponse.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    entete, region = lignes[0], lignes[1]
    assert entete[:3] == ["Niveau", "Code", "Territoire"]
    valeurs = dict(zip(entete, region, strict=True))
    assert valeurs["Niveau"] == "Région"
    assert valeurs["Places offertes"] == "4"
    assert valeurs["Places pourvues"] == "3"
    assert valeurs["Remplissage (%)"] == "75,0"
    assert {ligne[0] for ligne in lignes[1:]} == {"Région", "Département", "EPCI"}


def test_export_xlsx(coordination, session):
    _session_avec_resultats(session)
    reponse = coordination.get(reverse("carte:export", args=["xlsx"]))
    assert "attachment" in reponse["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(reponse.content))
    feuille = classeur["indicateurs"]
    entete = [c.value for c in feuille[1]]
    region = dict(zip(entete, [c.value for c in feuille[2]], strict=True))
    assert region["Places pourvues"] == 3
    assert region["Boursiers placés (%)"] == 100.0
    assert [c.value for c in classeur["domaines"]["A"]][1:] == ["H", "I", "J"]


def test_export_format_inconnu(coordination, session):
    assert coordination.get(reverse("carte:export", args=["pdf"])).status_code == 404

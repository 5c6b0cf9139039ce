"""Couverture de la coordination, accès en transport en commun : pour un projet choisi, les
lycées d'où il est atteignable dans la limite, quand la session a un flux GTFS.

Petit flux de tests/moteur/transport/flux.py, mardi 16/06/2026, arrivée 09:10, 90 min au
plus (réponses à la main, comme tests/apps/carte/test_isochrone.py) : rendez-vous en X
(15 400 m) ; lycée en O (0) : départ 08:04:48 → 66 min ; lycée en Y (900) : départ
07:59:36 → 71 min ; lycée près de D (15 000) : 400 m à pied = 416 s → 7 min ; lycée au sud
(−5 000) : aucun arrêt à 1 km, hors d'atteinte. Avec 60 min au plus : D seul (O 66 et
Y 71 dépassent)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.carte import couverture as module_couverture
from apps.carte import vues_coordination
from apps.carte.couverture import acces_en_transport
from apps.mobilite.models import FluxTransport
from apps.mobilite.services import changer_reglages, enregistrer_flux
from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    CommuneFactory,
    EtablissementFactory,
    ProjetFactory,
    SessionFactory,
    UtilisateurFactory,
)
from tests.apps.mobilite.test_vues import zip_du_flux
from tests.moteur.transport.flux import LON, lat

pytestmark = pytest.mark.django_db

URL = reverse("carte:couverture")


@pytest.fixture(autouse=True)
def dossiers(settings, tmp_path, monkeypatch):
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache"))


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


@pytest.fixture
def projet():
    session = SessionFactory()
    commune = CommuneFactory(nom="Bourg-Test")
    for nom, metres in (("Lycée O", 0), ("Lycée Y", 900), ("Lycée D", 15000), ("Lycée S", -5000)):
        EtablissementFactory(nom=nom, latitude=lat(metres), longitude=LON, commune=commune)
    return ProjetFactory(
        session=session,
        nom="Usine en X",
        latitude=lat(15400),
        longitude=LON,
        statut=Projet.Statut.PUBLIE,
    )


def televerser(session, tmp_path, duree_max_min: int = 90) -> FluxTransport:
    flux = enregistrer_flux(session, zip_du_flux(tmp_path), None)
    return changer_reglages(flux, date(2026, 6, 16), duree_max_min, time(9, 10))


class Compteur:
    """Enveloppe une fonction et compte ses appels (et leurs arguments)."""

    def __init__(self, fonction) -> None:
        self.fonction = fonction
        self.appels: list[tuple] = []

    def __call__(self, *args, **kwargs):
        self.appels.append(args)
        return self.fonction(*args, **kwargs)


def test_sans_gtfs_un_message_clair_et_aucun_calcul(coordination, projet, monkeypatch):
    espion = Compteur(acces_en_transport)
    monkeypatch.setattr(vues_coordination, "acces_en_transport", espion)
    for url in (URL, f"{URL}?projet={projet.pk}"):
        reponse = coordination.get(url)
        page = reponse.content.decode()
        assert 'id="sans-gtfs"' in page
        assert "Aucun flux GTFS n'est téléversé pour cette session" in page
        assert reverse("mobilite:flux", args=[projet.session.pk]) in page
        assert "<select" not in page
        assert "isochrone" not in reponse.context["donnees"]
    assert espion.appels == []


def test_avec_gtfs_le_selecteur_sans_calcul_tant_qu_aucun_projet_n_est_choisi(
    coordination, projet, tmp_path, monkeypatch
):
    ProjetFactory(session=projet.session, nom="Brouillon caché")  # pas sur la carte
    autre = ProjetFactory(session=projet.session, nom="Autre projet", statut=Projet.Statut.VALIDE)
    televerser(projet.session, tmp_path)
    espion = Compteur(acces_en_transport)
    monkeypatch.setattr(vues_coordination, "acces_en_transport", espion)
    reponse = coordination.get(URL)
    page = reponse.content.decode()
    assert 'id="sans-gtfs"' not in page
    assert '<label for="id_projet">Projet</label>' in page
    options = reponse.context["choix"].fields["projet"].queryset
    assert list(options) == [autre, projet]  # par nom ; le brouillon n'y est pas
    assert "Brouillon caché" not in page
    assert "à 09:10 au plus tard, en transport en commun ou à pied, en 90 min au plus" in page
    assert "(horaires du mardi 16/06/2026)" in page
    assert espion.appels == []  # aucun projet choisi : rien n'est calculé
    assert "isochrone" not in reponse.context["donnees"]

    coordination.get(f"{URL}?projet={projet.pk}")
    assert [a[0].pk for a in espion.appels] == [projet.pk]  # le projet choisi seulement


def test_lycees_atteignables_en_texte_et_pour_la_carte(coordination, projet, tmp_path):
    televerser(projet.session, tmp_path)
    reponse = coordination.get(URL, {"projet": projet.pk})
    page = reponse.content.decode()
    assert "Lycées d'où venir à « Usine en X »" in page
    assert "horaires du mardi 16/06/2026 : <strong>3</strong> lycées" in page
    liste = page.split('<ul class="lycees-atteignant"', 1)[1].split("</ul>", 1)[0]
    assert liste.split(">", 1)[1].strip().split("</li>")[:-1] == [
        "<li>Lycée D (Bourg-Test) — 7 min",
        "<li>Lycée O (Bourg-Test) — 66 min",
        "<li>Lycée Y (Bourg-Test) — 71 min",
    ]
    isochrone = reponse.context["donnees"]["isochrone"]
    assert isochrone["projet"] == {"nom": "Usine en X", "lat": lat(15400), "lon": LON}
    assert [(m["nom"], m["minutes"]) for m in isochrone["lycees"]] == [
        ("Lycée D", 7),
        ("Lycée O", 66),
        ("Lycée Y", 71),
    ]
    assert isochrone["lycees"][0]["lat"] == pytest.approx(lat(15000))
    assert '<script id="donnees-couverture" type="application/json">' in page
    assert "orange : lycées d'où venir en transport à « Usine en X »" in page


def test_mis_en_cache_et_recalcule_quand_le_flux_change(projet, tmp_path, monkeypatch):
    flux = televerser(projet.session, tmp_path)
    calculs = Compteur(module_couverture.lycees_atteignant)
    monkeypatch.setattr(module_couverture, "lycees_atteignant", calculs)
    premier = acces_en_transport(projet)
    assert acces_en_transport(projet) == premier  # relu du cache (objet repris, comparé)
    assert len(calculs.appels) == 1
    assert [(ly.nom, ly.minutes) for ly in premier.lycees] == [
        ("Lycée D", 7),
        ("Lycée O", 66),
        ("Lycée Y", 71),
    ]

    changer_reglages(flux, date(2026, 6, 16), 60, time(9, 10))
    apres = acces_en_transport(projet)
    assert len(calculs.appels) == 2
    assert [(ly.nom, ly.minutes) for ly in apres.lycees] == [("Lycée D", 7)]
    assert apres.duree_max_min == 60

    # Un lycée ajouté change la clé : il apparaît sans attendre l'expiration.
    EtablissementFactory(nom="Lycée D bis", latitude=lat(15000), longitude=LON)
    assert [ly.nom for ly in acces_en_transport(projet).lycees] == ["Lycée D", "Lycée D bis"]
    assert len(calculs.appels) == 3


def test_le_cache_est_propre_a_chaque_projet(projet, tmp_path):
    televerser(projet.session, tmp_path)
    au_sud = ProjetFactory(
        session=projet.session, latitude=lat(-5000), longitude=LON, statut=Projet.Statut.PUBLIE
    )
    assert len(acces_en_transport(projet).lycees) == 3
    assert [ly.nom for ly in acces_en_transport(au_sud).lycees] == ["Lycée S"]  # sur place


@pytest.mark.parametrize("valeur", ["abc", "999999", "brouillon"])
def test_choix_invalide_message_clair(coordination, projet, tmp_path, valeur):
    televerser(projet.session, tmp_path)
    if valeur == "brouillon":
        valeur = str(ProjetFactory(session=projet.session).pk)
    reponse = coordination.get(URL, {"projet": valeur})
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert 'id="erreur-projet" class="message message-error" role="alert"' in page
    assert "Projet : Ce projet n&#x27;est pas sur la carte de la session" in page
    assert 'aria-describedby="erreur-projet"' in page and 'aria-invalid="true"' in page
    assert "isochrone" not in reponse.context["donnees"]


def test_choix_vide_message_clair(coordination, projet, tmp_path):
    televerser(projet.session, tmp_path)
    page = coordination.get(URL, {"projet": ""}).content.decode()
    assert "Projet : Choisissez un projet dans la liste." in page


def test_flux_disparu_du_serveur(coordination, projet, tmp_path):
    flux = televerser(projet.session, tmp_path)
    flux.chemin.unlink()
    cache.clear()
    page = coordination.get(URL, {"projet": projet.pk}).content.decode()
    assert "Le flux GTFS « reseau.zip » est introuvable ou illisible sur le serveur" in page
    assert "Lycées d'où venir à" not in page


def test_noms_jamais_en_html(coordination, projet, tmp_path):
    EtablissementFactory(nom="<img src=x onerror=alert(1)>", latitude=lat(15000), longitude=LON)
    Projet.objects.filter(pk=projet.pk).update(nom="<b>Projet</b>")
    televerser(projet.session, tmp_path)
    page = coordination.get(URL, {"projet": projet.pk}).content.decode()
    assert "<img src=x" not in page and "<b>Projet</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in page  # json_script échappe

"""Le flux GTFS d'une session : accès (coordination seulement), téléversement validé par le
moteur (tout ou rien), couverture, jour des horaires, paramètres donnés au moteur."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.mobilite.models import FluxTransport
from apps.mobilite.services import parametres_transport
from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory
from tests.moteur.transport.flux import TABLES, ecrire_flux

pytestmark = pytest.mark.django_db


def zip_du_flux(tmp_path: Path, nom: str = "reseau.zip", **remplacements) -> SimpleUploadedFile:
    chemin = ecrire_flux(tmp_path / nom, **remplacements)
    return SimpleUploadedFile(nom, chemin.read_bytes(), content_type="application/zip")


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


@pytest.fixture
def session():
    return SessionFactory()


def televerser(client, session, fichier):
    return client.post(reverse("mobilite:televerser", args=[session.pk]), {"fichier": fichier})


def test_anonyme_vers_la_connexion_autres_roles_403(client, session, tmp_path):
    for nom, args in (("mobilite:index", []), ("mobilite:flux", [session.pk])):
        reponse = client.get(reverse(nom, args=args))
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("comptes:connexion"))
    for role in ("porteur", "structure", "etablissement"):
        client.login(username=UtilisateurFactory(**{role: True}).username, password=MOT_DE_PASSE)
        assert client.get(reverse("mobilite:flux", args=[session.pk])).status_code == 403
        assert televerser(client, session, zip_du_flux(tmp_path)).status_code == 403
    assert not FluxTransport.objects.exists()


def test_televerser_puis_lire_la_couverture(coordination, session, tmp_path):
    reponse = televerser(coordination, session, zip_du_flux(tmp_path))
    assert reponse.status_code == 302
    flux = FluxTransport.objects.get(session=session)
    # 5 arrêts (A, B, C, M, D), 4 lignes (1, 2, 3, N), du 01/06 au 31/07/2026.
    assert (flux.nb_arrets, flux.nb_lignes) == (5, 4)
    assert (flux.debut_service, flux.fin_service) == (date(2026, 6, 1), date(2026, 7, 31))
    assert flux.chemin.is_file() and flux.jour_utilise == date(2026, 6, 15)
    page = coordination.get(reverse("mobilite:flux", args=[session.pk])).content.decode()
    assert "validé et enregistré" in page
    assert "du 01/06/2026 au 31/07/2026" in page
    assert "lundi 15/06/2026 (par défaut" in page
    # Le mardi 16 juin, SCOLAIRE est retiré : un seul service (SEMAINE) ce jour-là.
    assert "<td>mardi 16/06/2026</td><td>1</td>" in page
    assert "<td>lundi 15/06/2026</td><td>2</td>" in page


def test_parametres_pour_le_moteur_et_reglages(coordination, session, tmp_path):
    assert parametres_transport(session) is None
    televerser(coordination, session, zip_du_flux(tmp_path))
    reponse = coordination.post(
        reverse("mobilite:reglages", args=[session.pk]),
        {"jour_calcul": "2026-06-16", "arrivee": "08:30", "duree_max_min": "45"},
    )
    assert reponse.status_code == 302
    parametres = parametres_transport(session)
    assert parametres is not None
    assert (parametres.jour, parametres.arrivee, parametres.duree_max_min) == (
        date(2026, 6, 16),
        time(8, 30),
        45,
    )
    assert parametres.gtfs.is_file()
    # Un jour hors des jours ouvrés de la session n'est pas proposé.
    reponse = coordination.post(
        reverse("mobilite:reglages", args=[session.pk]),
        {"jour_calcul": "2026-06-20", "arrivee": "08:30", "duree_max_min": "0"},
    )
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Sélectionnez un choix valide" in page
    assert FluxTransport.objects.get().duree_max_min == 45


def test_jour_hors_de_la_periode_du_flux_refuse(coordination, tmp_path):
    session = SessionFactory(date_debut=date(2026, 7, 27), date_fin=date(2026, 8, 7))
    televerser(coordination, session, zip_du_flux(tmp_path))
    assert FluxTransport.objects.get().jour_utilise == date(2026, 7, 27)
    reponse = coordination.post(
        reverse("mobilite:reglages", args=[session.pk]),
        {"jour_calcul": "2026-08-03", "arrivee": "09:00", "duree_max_min": "60"},
    )
    assert reponse.status_code == 400
    assert "hors de la période du flux (du 01/06/2026 au 31/07/2026)" in reponse.content.decode()
    assert FluxTransport.objects.get().jour_calcul is None


@pytest.mark.parametrize(
    ("remplacements", "attendu"),
    [
        ({"stop_times": None}, "reseau.zip : fichier obligatoire « stop_times.txt » absent"),
        (
            {"stop_times": TABLES["stop_times.txt"].replace("08:25:00,08:25:00", "8h25,8h25")},
            "reseau.zip › stop_times.txt, ligne 5, colonne « arrival_time » : heure invalide",
        ),
        (
            {"stops": TABLES["stops.txt"].replace("Arrêt B,", "Arrêt B,abc")},
            "reseau.zip › stops.txt, ligne 3, colonne « stop_lat » : nombre invalide",
        ),
    ],
)
def test_flux_casse_message_clair_et_rien_d_enregistre(
    coordination, session, tmp_path, remplacements, attendu
):
    reponse = televerser(coordination, session, zip_du_flux(tmp_path, **remplacements))
    assert reponse.status_code == 400
    page = html.unescape(reponse.content.decode())
    assert "Flux refusé, rien n'a été enregistré" in page
    assert attendu in page
    assert "Traceback" not in page
    assert not FluxTransport.objects.exists()
    assert not list((tmp_path / "gtfs").glob("*.zip"))


def test_pas_un_zip_vide_ou_trop_gros(coordination, session, settings, tmp_path):
    fichier = SimpleUploadedFile("horaires.zip", b"ceci n'est pas un zip")
    page = html.unescape(televerser(coordination, session, fichier).content.decode())
    assert "horaires.zip : ce n'est pas une archive zip lisible" in page
    settings.MOBILITE_TAILLE_MAX_GTFS = 1000
    reponse = televerser(coordination, session, zip_du_flux(tmp_path))
    assert reponse.status_code == 400
    assert "fichier trop gros" in reponse.content.decode()
    assert not FluxTransport.objects.exists()


def test_flux_qui_ne_couvre_pas_la_session(coordination, tmp_path):
    session = SessionFactory(date_debut=date(2026, 9, 7), date_fin=date(2026, 9, 18))
    reponse = televerser(coordination, session, zip_du_flux(tmp_path))
    assert reponse.status_code == 400
    assert "le flux ne couvre aucun jour ouvré de la session" in reponse.content.decode()
    assert not FluxTransport.objects.exists()


def test_remplacer_garde_un_seul_fichier_et_session_archivee(coordination, session, tmp_path):
    televerser(coordination, session, zip_du_flux(tmp_path))
    premier = FluxTransport.objects.get().chemin
    autre = TABLES["stops.txt"] + "E,Arrêt E,49.3,-0.37\n"
    televerser(coordination, session, zip_du_flux(tmp_path, "v2.zip", stops=autre))
    flux = FluxTransport.objects.get()
    assert flux.nb_arrets == 6 and flux.nom_fichier == "v2.zip"
    assert not premier.exists() and flux.chemin.exists()
    session.archivee_le, session.est_active = timezone.now(), False
    session.save()
    assert televerser(coordination, session, zip_du_flux(tmp_path)).status_code == 403


def test_zip_avec_dossier_interieur_accepte(coordination, session, tmp_path):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, contenu in TABLES.items():
            archive.writestr(f"gtfs/{nom}", contenu)
    fichier = SimpleUploadedFile("emballe.zip", tampon.getvalue())
    assert televerser(coordination, session, fichier).status_code == 302
    assert FluxTransport.objects.get().nb_lignes == 4

"""Des travaux qui ne peuvent pas se bloquer : battement de cœur, abandon des travaux
silencieux, un seul calcul actif par session et par type (contrainte en base), transitions
nommées du modèle."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from apps.planification import taches
from apps.planification.models import Affectation, Travail
from tests.apps.fabriques import MOT_DE_PASSE, SessionFactory, UtilisateurFactory
from tests.apps.planification.test_taches import session_planifiable

EN_ATTENTE, EN_COURS = Travail.Etat.EN_ATTENTE, Travail.Etat.EN_COURS
AFFECTATION, PROGRAMMES = Travail.Type.AFFECTATION, Travail.Type.PROGRAMMES


def travail_silencieux(session, secondes: float, etat=EN_COURS, type_=AFFECTATION) -> Travail:
    travail = Travail.objects.create(session=session, type=type_, etat=etat)
    Travail.objects.filter(pk=travail.pk).update(
        battement_le=timezone.now() - timedelta(seconds=secondes)
    )
    travail.refresh_from_db()
    return travail


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


# --- Transitions nommées ----------------------------------------------------------------------


@pytest.mark.django_db
def test_transitions_du_cycle_de_vie():
    travail = Travail.objects.create(session=SessionFactory(), type=AFFECTATION)
    assert travail.etat == EN_ATTENTE and travail.actif
    assert not travail.battre(0.5)  # pas encore en cours : pas de battement
    assert not travail.terminer("rapport")  # on ne termine pas un travail en attente
    assert travail.demarrer()
    assert not travail.demarrer()  # une seule fois
    travail.refresh_from_db()
    assert travail.etat == EN_COURS and travail.demarre_le is not None
    assert travail.battre(1.7, "Étape…")  # bornée à 1
    travail.refresh_from_db()
    assert travail.progression == 1.0 and travail.message == "Étape…"
    assert travail.terminer("Tout va bien.")
    travail.refresh_from_db()
    assert (travail.etat, travail.rapport, travail.progression) == (
        Travail.Etat.TERMINE,
        "Tout va bien.",
        1.0,
    )
    assert travail.termine_le is not None and not travail.actif
    assert not travail.echouer("trop tard")  # un travail terminé ne change plus
    assert not travail.battre()


@pytest.mark.django_db
def test_echouer_garde_la_raison():
    travail = Travail.objects.create(session=SessionFactory(), type=PROGRAMMES)
    assert travail.echouer("Lancez d'abord l'affectation.")
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.ECHEC
    assert travail.message == "Lancez d'abord l'affectation."
    assert not travail.demarrer()


# --- Battement de cœur ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_chaque_etape_de_progression_bat(monkeypatch):
    session, _ = session_planifiable()
    battements: list = []
    original = Travail.battre

    def espion(self, progression=None, message=None):
        avant = Travail.objects.get(pk=self.pk).battement_le
        resultat = original(self, progression, message)
        battements.append((avant, Travail.objects.get(pk=self.pk).battement_le))
        return resultat

    monkeypatch.setattr(Travail, "battre", espion)
    travail = taches.lancer(session, AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    assert len(battements) >= 4
    assert all(apres >= avant for avant, apres in battements)
    assert travail.demarre_le <= battements[0][1] <= travail.battement_le


@pytest.mark.django_db(transaction=True)
def test_le_pouls_bat_pendant_une_longue_etape():
    """Une étape du moteur sans progression (flot national : plusieurs minutes) : le fil
    du pouls bat quand même, avec sa propre connexion."""
    travail = Travail.objects.create(session=SessionFactory(), type=AFFECTATION)
    assert travail.demarrer()
    Travail.objects.filter(pk=travail.pk).update(battement_le=timezone.now() - timedelta(hours=1))
    with taches.Pouls(travail, intervalle=0.05):
        # Au moins un battement ; attente bornée (machine chargée : le fil peut tarder).
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            travail.refresh_from_db()
            if timezone.now() - travail.battement_le < timedelta(minutes=1):
                break
            time.sleep(0.05)
    travail.refresh_from_db()
    assert timezone.now() - travail.battement_le < timedelta(minutes=1)
    assert not Travail.objects.silencieux().exists()


# --- Abandon des travaux silencieux ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("etat", [EN_ATTENTE, EN_COURS])
def test_un_travail_silencieux_est_abandonne_et_ne_bloque_plus(etat):
    session, _ = session_planifiable()
    mort = travail_silencieux(session, secondes=601, etat=etat)  # délai par défaut : 600 s
    nouveau = taches.lancer(session, AFFECTATION, {"politique": "stable"})
    assert nouveau.etat == Travail.Etat.TERMINE, nouveau.message
    mort.refresh_from_db()
    assert mort.etat == Travail.Etat.ABANDONNE
    assert mort.get_etat_display().startswith("Échec")
    assert "aucun signe de vie" in mort.message and "10 minute" in mort.message
    assert mort.termine_le is not None


@pytest.mark.django_db
def test_le_delai_de_silence_se_regle(settings):
    settings.TRAVAUX_DELAI_SILENCE_S = 60
    session = SessionFactory()
    vivant = travail_silencieux(session, secondes=30)
    with pytest.raises(taches.DejaEnCours, match="déjà en cours"):
        taches.lancer(session, PROGRAMMES, {})
    assert not vivant.abandonner()
    Travail.objects.filter(pk=vivant.pk).update(battement_le=timezone.now() - timedelta(seconds=90))
    vivant.refresh_from_db()
    assert vivant.abandonner()
    assert "1 minute" in vivant.message


@pytest.mark.django_db
def test_on_n_abandonne_pas_un_travail_qui_vient_de_battre():
    """La page a lu le travail avant son dernier battement : la base a le dernier mot."""
    travail = travail_silencieux(SessionFactory(), secondes=3600)
    copie_perimee = Travail.objects.get(pk=travail.pk)
    assert travail.battre(0.3)
    assert not copie_perimee.abandonner()
    copie_perimee.refresh_from_db()
    assert copie_perimee.etat == EN_COURS


@pytest.mark.django_db
def test_la_page_du_travail_montre_l_abandon(coordination):
    travail = travail_silencieux(SessionFactory(), secondes=3600)
    texte = coordination.get(
        reverse("planification:travail", args=[travail.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Échec (abandonné" in texte and "aucun signe de vie" in texte
    assert "hx-trigger" not in texte  # plus d'interrogation
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.ABANDONNE


@pytest.mark.django_db
def test_la_page_des_travaux_abandonne_les_silencieux(coordination):
    session = SessionFactory()
    mort = travail_silencieux(session, secondes=3600)
    vivant = travail_silencieux(session, secondes=5, type_=PROGRAMMES)
    page = coordination.get(reverse("planification:travaux")).content.decode()
    mort.refresh_from_db()
    vivant.refresh_from_db()
    assert mort.etat == Travail.Etat.ABANDONNE and vivant.etat == EN_COURS
    assert "Échec (abandonné, sans nouvelles)" in page


@pytest.mark.django_db
def test_un_travail_abandonne_qui_se_reveille_n_ecrit_rien(monkeypatch):
    """Le travailleur qu'on croyait mort finit son calcul : il ne doit ni écrire son plan
    ni se déclarer terminé."""
    session, _ = session_planifiable()
    import moteur.planificateur

    original = moteur.planificateur.planifier

    def lent_puis_abandonne(*args, **kwargs):
        resultat = original(*args, **kwargs)
        vieux = timezone.now() - timedelta(hours=1)
        Travail.objects.filter(etat=EN_COURS).update(battement_le=vieux)
        assert Travail.objects.get(etat=EN_COURS).abandonner()
        return resultat

    monkeypatch.setattr(moteur.planificateur, "planifier", lent_puis_abandonne)
    travail = taches.lancer(session, AFFECTATION, {"politique": "stable"})
    assert travail.etat == Travail.Etat.ABANDONNE
    assert "aucun signe de vie" in travail.message
    assert not Affectation.objects.exists()


@pytest.mark.django_db
def test_un_travail_abandonne_en_file_n_est_jamais_execute():
    session, _ = session_planifiable()
    travail = travail_silencieux(session, secondes=3600, etat=EN_ATTENTE)
    assert travail.abandonner()
    taches.calculer_affectation.call(travail.pk)  # le travailleur le prend enfin
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.ABANDONNE
    assert not Affectation.objects.exists()


# --- Un seul calcul actif --------------------------------------------------------------------


@pytest.mark.django_db
def test_la_base_refuse_deux_travaux_actifs_du_meme_type():
    session = SessionFactory()
    Travail.objects.create(session=session, type=AFFECTATION, etat=EN_COURS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Travail.objects.create(session=session, type=AFFECTATION, etat=EN_ATTENTE)
    # les travaux finis ne comptent pas ; une autre session non plus
    for etat in (Travail.Etat.TERMINE, Travail.Etat.ECHEC, Travail.Etat.ABANDONNE):
        Travail.objects.create(session=session, type=AFFECTATION, etat=etat)
    Travail.objects.create(session=SessionFactory(), type=AFFECTATION, etat=EN_COURS)
    assert Travail.objects.filter(session=session).count() == 4


@pytest.mark.django_db
def test_le_lancement_traduit_la_contrainte_en_message(monkeypatch, coordination):
    """Même si la vérification préalable laisse passer (course perdue), la contrainte en
    base arrête le second lancement, avec un message français."""
    session = SessionFactory()
    Travail.objects.create(session=session, type=AFFECTATION, etat=EN_COURS)
    monkeypatch.setattr(taches, "CALCULS", ())  # la vérification ne voit plus rien
    with pytest.raises(taches.DejaEnCours, match="Un calcul est déjà en cours"):
        taches.lancer(session, AFFECTATION, {})
    reponse = coordination.post(
        reverse("planification:lancer"), {"type": "affectation", "politique": "stable"}, follow=True
    )
    assert "Un calcul est déjà en cours" in reponse.content.decode()
    assert Travail.objects.count() == 1


def _base_des_fils(tmp_path) -> str | None:
    """Sous SQLite, la base de test en mémoire partagée refuse tout accès concurrent
    (« table is locked », sans attente) : on la copie dans un fichier, que les fils ouvrent
    avec les réglages de production (WAL, BEGIN IMMEDIATE, délai d'attente). Sous
    PostgreSQL, les fils utilisent la base de test elle-même."""
    if connection.vendor != "sqlite":
        return None
    fichier = str(tmp_path / "concurrence.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(fichier) as copie:
        connection.connection.backup(copie)
    return fichier


def _connecter_le_fil(fichier: str | None) -> None:
    if fichier is not None:
        connexion = connections.create_connection("default")
        connexion.settings_dict = {**connexion.settings_dict, "NAME": fichier}
        connections["default"] = connexion


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("contrainte_seule", [False, True], ids=["verrou", "contrainte-seule"])
def test_deux_lancements_simultanes_un_seul_travail(monkeypatch, tmp_path, contrainte_seule):
    """Deux coordinateurs cliquent « Lancer » au même instant : un seul travail est créé ;
    « contrainte-seule » : sans la vérification sous verrou, la contrainte en base suffit."""
    session = SessionFactory()
    if contrainte_seule:
        monkeypatch.setattr(taches, "CALCULS", ())
    # Le travailleur ne passe pas : les deux lancements ne voient que la file.
    monkeypatch.setattr(taches, "calculer_affectation", SimpleNamespace(enqueue=lambda pk: None))
    fichier = _base_des_fils(tmp_path)
    depart = threading.Barrier(2)
    issues: list[str] = []
    comptes: list[int] = []

    def lancer() -> None:
        _connecter_le_fil(fichier)
        try:
            depart.wait(timeout=60)  # machine partagée et chargée : large
            taches.lancer(session, AFFECTATION, {"politique": "stable"})
            issues.append("lancé")
        except taches.DejaEnCours:
            issues.append("refusé")
        except Exception as exc:  # dit pourquoi, au lieu d'un fil mort sans trace
            issues.append(f"erreur : {exc!r}")
        finally:
            connections.close_all()

    def compter() -> None:
        _connecter_le_fil(fichier)
        try:
            comptes.append(Travail.objects.filter(session_id=session.pk).count())
        finally:
            connections.close_all()

    fils = [threading.Thread(target=lancer) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert sorted(issues) == ["lancé", "refusé"]
    fil = threading.Thread(target=compter)
    fil.start()
    fil.join(timeout=30)
    assert comptes == [1]

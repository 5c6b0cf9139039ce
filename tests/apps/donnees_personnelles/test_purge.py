"""`stages-collectifs purger` et la tâche périodique : ce qui part, ce qui reste, quand."""

from __future__ import annotations

from datetime import date

import pytest

from apps.conventions.models import Incident, Signature, VersionConvention
from apps.donnees_personnelles import purge, reglages
from apps.donnees_personnelles.taches import purger_donnees
from apps.etablissements.models import Eleve, IdentiteEleve
from apps.journal.models import EntreeJournal
from apps.planification.models import Affectation, Voeu
from cli import main
from tests.apps.donnees_personnelles.conftest import peupler_eleve
from tests.apps.fabriques import EtablissementFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=False)

# La session du monde finit le 27/06/2025 : purgeable à partir du 28/06/2026 (12 mois).
AVANT = date(2026, 6, 27)
APRES = date(2026, 6, 28)


def _etat(monde) -> dict:
    monde.eleve.refresh_from_db()
    monde.signature.refresh_from_db()
    return {
        "identites": IdentiteEleve.objects.filter(eleve__session=monde.session).count(),
        "ip": monde.signature.adresse_ip,
        "navigateur": monde.signature.navigateur,
        "courriel": monde.signature.email,
        "latitude": monde.eleve.latitude,
        "journal": EntreeJournal.objects.filter(session=monde.session).count(),
    }


def test_mois_avant_ramene_au_dernier_jour_du_mois():
    assert reglages.mois_avant(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert reglages.mois_avant(date(2026, 6, 28), 12) == date(2025, 6, 28)
    assert reglages.mois_avant(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_rien_ne_part_avant_l_echeance(monde):
    avant = _etat(monde)
    bilan = purge.purger(AVANT)
    assert bilan.sessions == []
    assert _etat(monde) == avant


def test_la_purge_efface_les_donnees_personnelles_et_garde_le_pseudonyme(monde):
    bilan = purge.purger(APRES)
    assert [b.session for b in bilan.sessions] == [monde.session]
    etat = _etat(monde)
    assert etat == {
        "identites": 0,
        "ip": None,
        "navigateur": "",
        "courriel": "",
        "latitude": monde.lycee.commune.latitude,  # centre de la commune
        "journal": 0,
    }
    assert monde.eleve.longitude == monde.lycee.commune.longitude
    assert monde.signature.signe_par == ""
    # La preuve non nominative reste : la convention a été signée, avec cette empreinte.
    assert monde.signature.signee_le is not None
    assert monde.signature.empreinte_signee == "a" * 64
    version = VersionConvention.objects.get(convention=monde.convention)
    assert version.contenu == "" and version.pdf is None and version.empreinte == "a" * 64
    assert Incident.objects.get(eleve=monde.eleve).note == ""
    # Affectations pseudonymes et statistiques gardées.
    assert Eleve.objects.filter(session=monde.session).count() == 2
    assert Affectation.objects.filter(eleve__session=monde.session, rang=1).count() == 2
    assert Voeu.objects.filter(eleve__session=monde.session).count() == 2
    # La purge elle-même est consignée, hors session, sans nom.
    trace = EntreeJournal.objects.get(session__isnull=True)
    assert trace.action == "suppression" and "Nom-" not in trace.objet
    assert trace.identifiant_utilisateur == "(commande)"


def test_les_comptes_par_categorie(monde):
    bilan = purge.purger(APRES, simuler=True)
    comptes = bilan.sessions[0].comptes
    assert list(comptes.values()) == [2, 1, 1, 1, 2, 1]
    assert bilan.total(purge.CATEGORIE_JOURNAL) == 1


def test_dry_run_ne_touche_a_rien(monde):
    avant = _etat(monde)
    bilan = purge.purger(APRES, simuler=True)
    assert bilan.total(purge.CATEGORIES[0][0]) == 2
    assert _etat(monde) == avant
    assert not EntreeJournal.objects.filter(session__isnull=True).exists()


def test_une_deuxieme_purge_ne_trouve_plus_rien(monde):
    purge.purger(APRES)
    bilan = purge.purger(APRES, simuler=True)
    assert all(b.total == 0 for b in bilan.sessions)


def test_retention_configurable(monde, settings):
    settings.RETENTION_MOIS = 24
    assert purge.purger(APRES).sessions == []
    assert _etat(monde)["identites"] == 2
    assert purge.purger(date(2027, 6, 28)).sessions[0].session == monde.session


def test_une_session_recente_est_epargnee(monde):
    recente = SessionFactory(nom="Stages 2026", date_fin=date(2026, 6, 26))
    eleve = peupler_eleve(recente, EtablissementFactory(), "R001")
    purge.purger(APRES)
    assert IdentiteEleve.objects.filter(eleve=eleve).exists()
    assert _etat(monde)["identites"] == 0


def test_tout_ou_rien(monde, monkeypatch):
    """Une erreur au milieu de la purge annule tout ce qui a déjà été effacé."""

    def panne(eleves, simuler):
        raise RuntimeError("panne de la base")

    categories = (*purge.CATEGORIES[:2], ("panne", panne))
    monkeypatch.setattr(purge, "CATEGORIES", categories)
    with pytest.raises(RuntimeError):
        purge.purger(APRES)
    assert _etat(monde)["identites"] == 2
    assert Signature.objects.get(pk=monde.signature.pk).adresse_ip == "203.0.113.7"


def test_la_tache_periodique_purge(monde):
    resultat = purger_donnees.enqueue(date_iso=APRES.isoformat())
    assert resultat.return_value[purge.CATEGORIES[0][0]] == 2
    assert _etat(monde)["identites"] == 0


def test_la_commande_dry_run_puis_purge(monde, capsys):
    assert main(["purger", "--date", APRES.isoformat(), "--dry-run"]) == 0
    sortie = capsys.readouterr().out
    assert "Stages 2025" in sortie and "identités d'élèves" in sortie
    assert "rien n'a été modifié" in sortie
    assert _etat(monde)["identites"] == 2
    assert main(["purger", "--date", APRES.isoformat()]) == 0
    assert "supprimées" in capsys.readouterr().out
    assert _etat(monde)["identites"] == 0


def test_la_commande_refuse_une_date_invalide(capsys):
    with pytest.raises(SystemExit) as sortie:
        main(["purger", "--date", "31/12/2026"])
    assert sortie.value.code == 2
    assert "date invalide « 31/12/2026 » : attendu AAAA-MM-JJ" in capsys.readouterr().err

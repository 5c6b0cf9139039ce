"""Publication sur le serveur de test de l'API v2 : tout accepté, idempotence, PATCH d'un
projet changé, dépublication, 429, reprises sur 5xx, 409, refus nommés en français."""

from __future__ import annotations

import json

import pytest

from apps.promotion.client import ErreurConnexion
from apps.promotion.models import PublicationNationale
from apps.promotion.offres import verifier_offre
from apps.promotion.publication import publier, simuler
from tests.apps.fabriques import PorteurFactory, SessionFactory
from tests.apps.promotion.conftest import URL_SITE
from tests.apps.promotion.serveur_api import valider

pytestmark = pytest.mark.django_db
# Codes lisibles des trois projets de `session_promo` (Caen, Calvados) : 14-001, 14-002…
A, B, C = "14-001", "14-002", "14-003"


def _uuid(etat, nom: str) -> str:
    return next(u for u, n in etat.secteurs.items() if n == nom)


def test_tout_est_accepte_une_offre_par_projet(session_promo, etat_api, fabrique_client):
    session, projets = session_promo
    bilan = publier(session, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert sorted(bilan.creees) == [A, B, C]
    assert sorted(etat_api.offres) == [A, B, C]
    assert etat_api.requetes("POST") == [201, 201, 201]
    offre = etat_api.offres[A]
    assert valider(offre, etat_api, creation=True) == {}
    assert offre["title"] == "Stage collectif de seconde : Découvrir les métiers 1"
    assert offre["grades"] == ["seconde"]
    assert offre["weeks"] == ["2026-W25", "2026-W26"]
    assert offre["zipcode"] == "14000"
    assert offre["city"] == "Caen"
    assert offre["max_candidates"] == 10
    assert offre["permalink"] == f"{URL_SITE}/carte/projets/{projets[0].pk}/"
    assert offre["sector_uuid"] == _uuid(etat_api, "Industrie, ingénierie industrielle")
    assert etat_api.offres[C]["sector_uuid"] == _uuid(etat_api, "Santé")
    assert offre["daily_hours"]["lundi"] == ["9:00", "16:30"]
    assert "Ana Lopez" in offre["description"]
    assert "jour par jour" in offre["description"]
    fiche = PublicationNationale.objects.get(projet=projets[0])
    assert fiche.publiee and fiche.publiee_le is not None
    assert fiche.remote_id == A and len(fiche.empreinte) == 64
    assert fiche.derniere_erreur == ""


def test_seconde_execution_ne_cree_ni_ne_modifie_rien(session_promo, etat_api, fabrique_client):
    session, _ = session_promo
    publier(session, fabrique_client(), URL_SITE)
    avant = len(etat_api.journal)

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert sorted(bilan.inchangees) == [A, B, C]
    assert bilan.creees == [] and bilan.mises_a_jour == []
    nouvelles = [(m, p) for m, p, _ in etat_api.journal[avant:]]
    assert nouvelles == [("POST", "/auth/login"), ("GET", "/sectors")]
    assert len(etat_api.offres) == 3


def test_projet_modifie_est_mis_a_jour_par_patch(session_promo, etat_api, fabrique_client):
    session, projets = session_promo
    publier(session, fabrique_client(), URL_SITE)
    projets[1].places = 14
    projets[1].nom = "Santé et industrie à Caen"
    projets[1].save()

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert bilan.mises_a_jour == [B]
    assert bilan.creees == []
    assert etat_api.requetes("POST") == [201, 201, 201]
    assert etat_api.requetes("PATCH") == [200]
    assert etat_api.offres[B]["max_candidates"] == 14
    titre = etat_api.offres[B]["title"]
    assert titre == "Stage collectif de seconde : Santé et industrie à Caen"
    assert len(etat_api.offres) == 3


def test_projet_retire_ou_supprime_est_depublie_puis_republie(
    session_promo, etat_api, fabrique_client
):
    session, projets = session_promo
    publier(session, fabrique_client(), URL_SITE)
    projets[0].statut = "renvoye"
    projets[0].save()
    projets[2].delete()

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert sorted(bilan.depubliees) == [A, C]
    assert etat_api.offres[A]["published_at"] is None
    assert etat_api.offres[C]["published_at"] is None
    assert etat_api.offres[B]["published_at"] is not None
    fiche = PublicationNationale.objects.get(remote_id=A)
    assert not fiche.publiee and fiche.depubliee_le is not None
    assert not PublicationNationale.objects.get(remote_id=C).publiee

    # Une troisième exécution ne renvoie rien ; republié, le projet repart par PATCH.
    assert publier(session, fabrique_client(), URL_SITE).depubliees == []
    projets[0].statut = "publie"
    projets[0].save()
    bilan = publier(session, fabrique_client(), URL_SITE)
    assert bilan.mises_a_jour == [A]
    assert etat_api.offres[A]["published_at"] is not None
    assert len(etat_api.offres) == 3
    assert etat_api.requetes("POST") == [201, 201, 201]


def test_429_respecte_retry_after_sans_doublon(session_promo, etat_api, fabrique_client, attentes):
    session, _ = session_promo
    attentes.reelles = True
    etat_api.appels_max = 3
    etat_api.fenetre_s = 1.0
    etat_api.retry_after = "1"

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert 429 in [code for _, _, code in etat_api.journal]
    assert 1.0 in attentes
    assert len(etat_api.offres) == 3
    assert [c for c in etat_api.requetes("POST") if c != 429] == [201, 201, 201]


def test_debit_client_au_plus_n_appels_par_minute(
    session_promo, etat_api, fabrique_client, attentes
):
    session, _ = session_promo
    horloge = iter(range(0, 10_000))  # une seconde par appel lu
    client = fabrique_client(appels_par_minute=2, horloge=lambda: float(next(horloge)))

    publier(session, client, URL_SITE)

    # Login, secteurs, 3 POST : au-delà de 2 appels dans la minute, le client attend.
    assert len(attentes) >= 2
    assert all(0 < a <= 60 for a in attentes)
    assert 429 not in [code for _, _, code in etat_api.journal]


def test_erreur_5xx_reprise_avec_attente_croissante(
    session_promo, etat_api, fabrique_client, attentes
):
    session, _ = session_promo
    etat_api.pannes = [503, 502, 500]

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert attentes[:3] == [0.01, 0.02, 0.04]
    assert len(etat_api.offres) == 3


def test_api_indisponible_interrompt_sans_doublon(session_promo, etat_api, fabrique_client):
    session, projets = session_promo
    etat_api.pannes = [503] * 50
    etat_api.pannes_sur = "/internship_offers"

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert "ne répond pas correctement après 5 essais" in bilan.interrompu
    assert not bilan.reussi
    assert etat_api.requetes("POST") == [503] * 5  # arrêt au premier projet
    assert etat_api.offres == {}
    fiche = PublicationNationale.objects.get(projet=projets[0])
    assert "réessayez plus tard" in fiche.derniere_erreur


def test_409_offre_deja_presente_reprise_par_patch(session_promo, etat_api, fabrique_client):
    session, _ = session_promo
    publier(session, fabrique_client(), URL_SITE)
    PublicationNationale.objects.all().delete()  # réponse perdue : la plateforme ne sait rien

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert sorted(bilan.mises_a_jour) == [A, B, C]
    assert etat_api.requetes("POST")[-3:] == [409, 409, 409]
    assert len(etat_api.offres) == 3
    assert PublicationNationale.objects.filter(publiee=True).count() == 3


def test_refus_local_nomme_projet_et_champ_sans_arreter_les_autres(
    session_promo, etat_api, fabrique_client
):
    session, projets = session_promo
    projets[1].porteur = PorteurFactory(nom="Communauté " + "très " * 30 + "longue")
    projets[1].save()

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert sorted(bilan.creees) == [A, C]
    assert len(bilan.refus) == 1
    message = bilan.refus[0]
    assert f"projet {B} « Découvrir les métiers 2 »" in message
    assert "champ « nom du porteur » (employer_name)" in message
    assert "150 au plus" in message
    assert B not in etat_api.offres
    fiche = PublicationNationale.objects.get(projet=projets[1])
    assert not fiche.publiee and fiche.derniere_erreur == message


def test_refus_du_serveur_nomme_le_champ_en_francais(etat_api, fabrique_client, session_promo):
    _, projets = session_promo
    # Une session de la seule semaine 25 : l'API exige les deux semaines de seconde.
    courte = SessionFactory(date_debut=projets[0].session.date_debut, date_fin="2026-06-19")
    projets[0].session = courte
    projets[0].save()

    bilan = publier(courte, fabrique_client(), URL_SITE)

    assert len(bilan.refus) == 1
    assert f"projet {A}" in bilan.refus[0]
    assert "champ « semaines » (weeks)" in bilan.refus[0]
    assert "HTTP 422" in bilan.refus[0]
    assert etat_api.offres == {}


def test_identifiants_refuses(session_promo, etat_api, fabrique_client):
    session, _ = session_promo
    client = fabrique_client()
    etat_api.mot_de_passe = "autre"
    with pytest.raises(ErreurConnexion, match="UN_ELEVE_UN_STAGE_EMAIL"):
        publier(session, client, URL_SITE)
    assert etat_api.offres == {}


def test_dry_run_ecrit_les_charges_sans_appel(session_promo, etat_api, tmp_path):
    session, _ = session_promo
    PublicationNationale.objects.create(
        projet=None, session=session, remote_id="P99", publiee=True, empreinte="x" * 64
    )

    bilan = simuler(session, tmp_path / "charges", URL_SITE)

    assert bilan.reussi and len(bilan.fichiers) == 4
    assert etat_api.journal == []
    noms = sorted(p.name for p in (tmp_path / "charges").iterdir())
    assert noms == [f"{A}.json", f"{B}.json", f"{C}.json", "depublications.json"]
    charge = json.loads((tmp_path / "charges" / f"{B}.json").read_text("utf-8"))
    assert verifier_offre(charge["internship_offer"], simulation=True) == []
    assert charge["internship_offer"]["remote_id"] == B
    assert charge["_secteur"] == {
        "domaine_rome": "H",
        "noms_recherches": ["Industrie, ingénierie industrielle", "Mécanique"],
    }
    retraits = json.loads((tmp_path / "charges" / "depublications.json").read_text("utf-8"))
    assert retraits == [{"remote_id": "P99", "internship_offer": {"published_at": None}}]
    assert PublicationNationale.objects.get(remote_id="P99").publiee  # rien de modifié


def test_code_change_ancienne_offre_depubliee_nouvelle_creee(
    session_promo, etat_api, fabrique_client
):
    session, projets = session_promo
    publier(session, fabrique_client(), URL_SITE)
    type(projets[0]).objects.filter(pk=projets[0].pk).update(code="14-009")

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert bilan.creees == ["14-009"]
    assert bilan.depubliees == [A]
    assert etat_api.offres[A]["published_at"] is None
    assert etat_api.offres["14-009"]["published_at"] is not None
    assert PublicationNationale.objects.get(projet=projets[0]).remote_id == "14-009"

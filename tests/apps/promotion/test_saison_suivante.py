"""D'une saison à l'autre sur « 1 élève, 1 stage » : les codes de projet repartent de 1 à
chaque session et un projet reconduit garde le sien. Le projet de la saison nouvelle reprend
l'offre nationale de même code (PATCH, semaines de la nouvelle saison), sans doublon ; la
saison passée ne la reprend pas et ne la dépublie pas ; seuls deux projets de la même
session au même code sont refusés.

Saison 2027 ouverte comme le fait la coordination (`ouvrir_saison_suivante` : signal
`saison_suivante`, projets copiés en brouillons avec leur code), copies soumises, validées
et publiées sur la carte par les transitions du modèle ; serveur de test de l'API v2."""

from __future__ import annotations

import json

import pytest

from apps.campagnes.saison import ouvrir_saison_suivante, proposition
from apps.projets.models import Projet
from apps.promotion.models import PublicationNationale
from apps.promotion.publication import publier, simuler
from tests.apps.fabriques import (
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.promotion.conftest import URL_SITE

pytestmark = pytest.mark.django_db
# Codes lisibles des trois projets de `session_promo` (Caen, Calvados), gardés en 2027.
A, B, C = "14-001", "14-002", "14-003"
SEMAINES_2026 = ["2026-W25", "2026-W26"]
# 15-26 juin 2026 + 52 semaines : du lundi 14 au vendredi 25 juin 2027.
SEMAINES_2027 = ["2027-W24", "2027-W25"]


@pytest.fixture
def saison_2026(session_promo, etat_api, fabrique_client):
    """La saison 2026 publiée nationalement : trois offres créées."""
    session, projets = session_promo
    bilan = publier(session, fabrique_client(), URL_SITE)
    assert bilan.reussi and sorted(bilan.creees) == [A, B, C], bilan.lignes()
    assert all(etat_api.offres[code]["weeks"] == SEMAINES_2026 for code in (A, B, C))
    return session, projets


def ouvrir_2027(ancienne, archiver: bool = True):
    """La saison 2027, ouverte comme par la coordination ; le calendrier national de
    l'année exige alors les semaines de seconde de 2027."""
    return ouvrir_saison_suivante(ancienne, proposition(ancienne), archiver=archiver).nouvelle


def copie_de(projet: Projet, nouvelle) -> Projet:
    return Projet.objects.get(session=nouvelle, reconduit_de=projet)


def publier_sur_la_carte(projet: Projet) -> None:
    """Le porteur relit et soumet, la coordination valide puis publie sur la carte."""
    projet.soumettre()
    projet.valider(par=UtilisateurFactory(coordinateur=True))
    projet.publier()


def publier_les_copies(projets: list[Projet], nouvelle) -> list[Projet]:
    copies = [copie_de(p, nouvelle) for p in projets]
    for copie in copies:
        publier_sur_la_carte(copie)
    return copies


def nouvelles_requetes(etat_api, avant: int) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in etat_api.journal[avant:]]


@pytest.mark.parametrize("archiver", [True, False], ids=["archivee", "non-archivee"])
def test_projets_reconduits_reprennent_leur_offre_sans_doublon(
    saison_2026, etat_api, fabrique_client, archiver
):
    ancienne, projets = saison_2026
    nouvelle = ouvrir_2027(ancienne, archiver=archiver)
    copies = publier_les_copies(projets, nouvelle)
    assert [c.code for c in copies] == [A, B, C]  # la reconduction garde le code
    etat_api.semaines_obligatoires = tuple(SEMAINES_2027)

    bilan = publier(nouvelle, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert bilan.creees == [] and bilan.depubliees == []
    assert sorted(bilan.mises_a_jour) == [A, B, C]
    assert sorted(bilan.reprises) == [A, B, C]
    assert f"3 offre(s) d'une saison précédente reprise(s) (même code) : {A}, {B}, {C}." in (
        bilan.lignes()
    )
    # Aucune offre en double : aucun nouveau POST, trois PATCH sur les offres de 2026.
    assert sorted(etat_api.offres) == [A, B, C]
    assert etat_api.requetes("POST") == [201, 201, 201]
    assert etat_api.requetes("PATCH") == [200, 200, 200]
    for projet, copie in zip(projets, copies, strict=True):
        offre = etat_api.offres[copie.code]
        assert offre["weeks"] == SEMAINES_2027
        assert offre["permalink"] == f"{URL_SITE}/carte/projets/{copie.pk}/"
        assert "du 14 juin 2027 au 25 juin 2027" in offre["description"]
        assert offre["published_at"] is not None
        fiche = PublicationNationale.objects.get(remote_id=copie.code)
        assert (fiche.projet, fiche.session) == (copie, nouvelle)
        assert fiche.publiee and fiche.derniere_erreur == ""
        assert not PublicationNationale.objects.filter(projet=projet).exists()

    # Un deuxième passage ne change rien.
    avant = len(etat_api.journal)
    bilan = publier(nouvelle, fabrique_client(), URL_SITE)
    assert bilan.reussi and sorted(bilan.inchangees) == [A, B, C], bilan.lignes()
    assert bilan.creees == bilan.mises_a_jour == bilan.depubliees == bilan.reprises == []
    assert nouvelles_requetes(etat_api, avant) == [("POST", "/auth/login"), ("GET", "/sectors")]

    # La saison 2026, republiée (commande --session), ne reprend ni ne dépublie les offres.
    offres_2027 = json.loads(json.dumps(etat_api.offres))
    avant = len(etat_api.journal)
    bilan = publier(ancienne, fabrique_client(), URL_SITE)
    assert bilan.reussi, bilan.lignes()
    assert bilan.mises_a_jour == bilan.creees == bilan.depubliees == bilan.refus == []
    assert len(bilan.cedees) == 3
    assert (
        "Non envoyé : projet 14-001 « Découvrir les métiers 1 » : son offre nationale "
        f"« 14-001 » est désormais celle du projet « Découvrir les métiers 1 » de la session "
        f"plus récente « {nouvelle.nom} »"
    ) in bilan.lignes()
    assert nouvelles_requetes(etat_api, avant) == [("POST", "/auth/login"), ("GET", "/sectors")]
    assert etat_api.offres == offres_2027
    assert set(PublicationNationale.objects.values_list("projet", flat=True)) == {
        c.pk for c in copies
    }


def test_offre_depubliee_l_an_passe_republiee_puis_depubliee_par_la_nouvelle_saison(
    session_promo, etat_api, fabrique_client
):
    ancienne, projets = session_promo
    publier(ancienne, fabrique_client(), URL_SITE)
    projets[2].statut = Projet.Statut.RENVOYE  # retiré de la carte en 2026
    projets[2].save()
    assert publier(ancienne, fabrique_client(), URL_SITE).depubliees == [C]
    assert etat_api.offres[C]["published_at"] is None
    nouvelle = ouvrir_2027(ancienne)
    copies = publier_les_copies(projets, nouvelle)
    etat_api.semaines_obligatoires = tuple(SEMAINES_2027)

    bilan = publier(nouvelle, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert sorted(bilan.mises_a_jour) == [A, B, C] and bilan.creees == []
    assert etat_api.offres[C]["published_at"] is not None  # republiée
    assert etat_api.offres[C]["weeks"] == SEMAINES_2027
    assert etat_api.offres[C]["permalink"] == f"{URL_SITE}/carte/projets/{copies[2].pk}/"
    fiche = PublicationNationale.objects.get(remote_id=C)
    assert fiche.publiee and fiche.projet == copies[2]
    assert len(etat_api.offres) == 3

    # Le projet 2027 retiré : c'est la session 2027 qui dépublie l'offre reprise…
    Projet.objects.filter(pk=copies[0].pk).update(statut=Projet.Statut.RENVOYE)
    bilan = publier(nouvelle, fabrique_client(), URL_SITE)
    assert bilan.depubliees == [A] and sorted(bilan.inchangees) == [B, C]
    assert etat_api.offres[A]["published_at"] is None
    fiche = PublicationNationale.objects.get(remote_id=A)
    assert not fiche.publiee and fiche.projet_id == copies[0].pk
    # … et la session 2026, où le projet est toujours publié, ne la republie pas.
    bilan = publier(ancienne, fabrique_client(), URL_SITE)
    assert bilan.mises_a_jour == bilan.creees == bilan.depubliees == []
    assert etat_api.offres[A]["published_at"] is None
    assert PublicationNationale.objects.get(remote_id=A).projet_id == copies[0].pk


def test_nouveau_projet_au_code_d_un_projet_non_reconduit_reprend_l_offre_perimee(
    saison_2026, etat_api, fabrique_client, tmp_path
):
    ancienne, projets = saison_2026
    nouvelle = ouvrir_2027(ancienne)
    # Le porteur du troisième projet renonce : sa copie est supprimée, et le code le plus
    # grand de la session 2027 redevient libre.
    copie_de(projets[2], nouvelle).delete()
    copies = publier_les_copies(projets[:2], nouvelle)
    caen = projets[0].commune
    nouveau = ProjetFactory(
        session=nouvelle,
        identifiant="P-NEUF",
        nom="Les métiers de la mer",
        commune=caen,
        porteur=PorteurFactory(),
        structures=[
            StructureAccueilFactory(session=nouvelle, domaines="J", commune=caen) for _ in range(2)
        ],
        referent="Léa Martin",
    )
    assert nouveau.code == C and nouveau.reconduit_de is None
    publier_sur_la_carte(nouveau)
    etat_api.semaines_obligatoires = tuple(SEMAINES_2027)

    bilan = publier(nouvelle, fabrique_client(), URL_SITE)

    assert bilan.reussi, bilan.lignes()
    assert sorted(bilan.mises_a_jour) == [A, B, C] and bilan.creees == []
    assert sorted(bilan.reprises) == [A, B, C]
    offre = etat_api.offres[C]
    assert offre["title"] == "Stage collectif de seconde : Les métiers de la mer"
    assert offre["permalink"] == f"{URL_SITE}/carte/projets/{nouveau.pk}/"
    assert offre["weeks"] == SEMAINES_2027 and offre["published_at"] is not None
    assert sorted(etat_api.offres) == [A, B, C]
    assert etat_api.requetes("POST") == [201, 201, 201]
    fiche = PublicationNationale.objects.get(remote_id=C)
    assert (fiche.projet, fiche.session) == (nouveau, nouvelle)
    # L'ancien projet n'a plus d'offre à son nom, ni aucun projet de 2026.
    assert not PublicationNationale.objects.filter(projet=projets[2]).exists()
    assert not PublicationNationale.objects.filter(projet__session=ancienne).exists()
    assert {f.projet_id for f in PublicationNationale.objects.all()} == {
        copies[0].pk,
        copies[1].pk,
        nouveau.pk,
    }

    # La simulation de 2027 ne voit plus rien à dépublier ni en conflit.
    bilan = simuler(nouvelle, tmp_path / "charges", URL_SITE)
    assert bilan.reussi and bilan.cedees == [] and len(bilan.fichiers) == 4
    retraits = json.loads((tmp_path / "charges" / "depublications.json").read_text("utf-8"))
    assert retraits == []


def test_meme_code_dans_la_meme_session_refus_clair_l_autre_publie(
    session_promo, etat_api, fabrique_client, tmp_path
):
    session, projets = session_promo
    # Forcé en base : le 2e projet perd son code (comme après un `bulk_create`) et son
    # identifiant, qui sert alors de code, est celui du 1er.
    Projet.objects.filter(pk=projets[1].pk).update(code="", identifiant=A)

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert not bilan.reussi
    assert bilan.creees == [A, C]  # le 2e projet (identifiant « 14-001 », trié en premier)
    assert etat_api.offres[A]["title"] == "Stage collectif de seconde : Découvrir les métiers 2"
    assert sorted(etat_api.offres) == [A, C]
    assert bilan.refus == [
        "projet 14-001 « Découvrir les métiers 1 » : champ « code du projet » (remote_id) : "
        "« 14-001 » est déjà le code du projet 14-001 « Découvrir les métiers 2 », dans la "
        "même session ; une offre nationale par code : faites corriger l'un des deux codes"
    ]
    assert f"Refus : {bilan.refus[0]}" in bilan.lignes()
    assert PublicationNationale.objects.get(remote_id=A).projet_id == projets[1].pk
    assert not PublicationNationale.objects.filter(projet=projets[0]).exists()

    # Deuxième passage : même refus, rien d'envoyé.
    avant = len(etat_api.journal)
    bilan = publier(session, fabrique_client(), URL_SITE)
    assert sorted(bilan.inchangees) == [A, C] and len(bilan.refus) == 1
    assert nouvelles_requetes(etat_api, avant) == [("POST", "/auth/login"), ("GET", "/sectors")]

    # La simulation refuse de même, sans écraser la charge de l'autre projet.
    bilan = simuler(session, tmp_path / "charges", URL_SITE)
    assert len(bilan.refus) == 1 and "« Découvrir les métiers 1 »" in bilan.refus[0]
    charge = json.loads((tmp_path / "charges" / f"{A}.json").read_text("utf-8"))
    assert charge["internship_offer"]["title"].endswith("Découvrir les métiers 2")


def test_code_devenu_doublon_dans_la_session_garde_l_offre_du_premier(
    session_promo, etat_api, fabrique_client
):
    session, projets = session_promo
    publier(session, fabrique_client(), URL_SITE)
    Projet.objects.filter(pk=projets[1].pk).update(code="", identifiant=A)

    bilan = publier(session, fabrique_client(), URL_SITE)

    assert sorted(bilan.inchangees) == [A, C] and bilan.mises_a_jour == []
    assert len(bilan.refus) == 1
    message = bilan.refus[0]
    assert message.startswith("projet 14-001 « Découvrir les métiers 2 » : champ « code du ")
    assert "déjà le code du projet 14-001 « Découvrir les métiers 1 », dans la même session" in (
        message
    )
    assert etat_api.offres[A]["title"].endswith("Découvrir les métiers 1")
    # Sa fiche (ancien code, offre inchangée) dit pourquoi ; rien n'est dépublié.
    fiche = PublicationNationale.objects.get(projet=projets[1])
    assert fiche.remote_id == B and fiche.derniere_erreur == message
    assert bilan.depubliees == [] and etat_api.offres[B]["published_at"] is not None


def test_deux_sessions_du_meme_jour_au_meme_code_refus_sans_reprise(
    saison_2026, etat_api, fabrique_client
):
    ancienne, projets = saison_2026
    parallele = SessionFactory(nom="Stages collectifs de seconde 2026 (bis)")
    autre = ProjetFactory(
        session=parallele,
        nom="Autre session",
        commune=projets[0].commune,
        structures=[StructureAccueilFactory(session=parallele, commune=projets[0].commune)],
        statut=Projet.Statut.PUBLIE,
        etape=Projet.Etape.VALIDATION,
    )
    assert autre.code == A

    bilan = publier(parallele, fabrique_client(), URL_SITE)

    assert bilan.creees == bilan.mises_a_jour == []
    assert bilan.refus == [
        "projet 14-001 « Autre session » : champ « code du projet » (remote_id) : « 14-001 » "
        "est déjà le code du projet 14-001 « Découvrir les métiers 1 », de la session "
        f"« {ancienne.nom} », qui commence le même jour ; une offre nationale par code : "
        "faites corriger l'un des deux codes"
    ]
    assert PublicationNationale.objects.get(remote_id=A).projet == projets[0]
    assert etat_api.offres[A]["title"].endswith("Découvrir les métiers 1")


def test_offre_de_l_an_passe_sans_reprise_depubliee_une_fois_la_saison_archivee(
    saison_2026, etat_api, fabrique_client
):
    """Seul le premier projet est reconduit et publié en 2027 : les offres 2026 des deux
    autres (semaines passées) sont dépubliées par l'envoi de 2027, la saison 2026 étant
    archivée ; l'offre reprise reste en ligne. Sans archivage, rien n'est dépublié."""
    ancienne, projets = saison_2026
    nouvelle = ouvrir_2027(ancienne, archiver=False)
    publier_sur_la_carte(copie_de(projets[0], nouvelle))
    etat_api.semaines_obligatoires = tuple(SEMAINES_2027)

    bilan = publier(nouvelle, fabrique_client(), URL_SITE)
    assert bilan.reussi and bilan.reprises == [A] and bilan.depubliees == [], bilan.lignes()
    assert all(etat_api.offres[code]["published_at"] is not None for code in (A, B, C))

    ancienne.refresh_from_db()
    ancienne.archiver()  # la coordination clôt la saison 2026
    bilan = publier(nouvelle, fabrique_client(), URL_SITE)
    assert bilan.reussi and sorted(bilan.depubliees) == [B, C], bilan.lignes()
    assert etat_api.offres[A]["published_at"] is not None
    assert etat_api.offres[B]["published_at"] is None
    assert etat_api.offres[C]["published_at"] is None
    assert not PublicationNationale.objects.filter(remote_id__in=[B, C], publiee=True).exists()
    assert PublicationNationale.objects.get(remote_id=A).projet.session == nouvelle

    # Un deuxième envoi ne renvoie rien.
    bilan = publier(nouvelle, fabrique_client(), URL_SITE)
    assert bilan.depubliees == [] and bilan.inchangees == [A], bilan.lignes()

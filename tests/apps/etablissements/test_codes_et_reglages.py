"""Vœux cités par le code lisible des projets (dépôt et formulaire), codes affichés dans
l'espace de l'établissement, réglages du chef d'établissement signataire, lien vers les
conventions à signer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.conventions.models import Convention, Signature, VersionConvention
from apps.etablissements.models import Eleve, Etablissement
from apps.planification.models import Voeu
from apps.projets.models import Projet
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    EleveFactory,
    ProjetFactory,
    UtilisateurFactory,
    VoeuFactory,
)

pytestmark = pytest.mark.django_db

ENTETE = "id,uai,date_naissance,genre,commune_insee,voeux,boursier"


def csv_eleves(*lignes: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("eleves.csv", "\n".join([ENTETE, *lignes]).encode(), "text/csv")


@pytest.fixture
def codes(session) -> dict[str, Projet]:
    """Trois projets publiés aux codes connus ; le premier garde un ancien identifiant."""
    return {
        code: ProjetFactory(
            session=session, identifiant=ident, code=code, statut=Projet.Statut.PUBLIE
        )
        for code, ident in (("61-025", "P-ANCIEN"), ("14-003", "14-003"), ("2A-010", "2A-010"))
    }


def voeux_de(identifiant: str) -> list[str]:
    eleve = Eleve.objects.get(identifiant=identifiant)
    return list(eleve.voeux.order_by("rang").values_list("projet__code", flat=True))


def deposer(client, fichier) -> object:
    return client.post(reverse("etablissements:depot"), {"eleves": fichier})


# --- Dépôt : les vœux sont des codes --------------------------------------------------------------


def test_depot_les_voeux_sont_des_codes_normalises(connecte, session, lycee, codes):
    reponse = deposer(
        connecte,
        csv_eleves(
            "E1,0141555P,2010-03-01,F,,61-025|14-003,1",
            "E2,0141555P,2010-03-01,M,, 2a-010 | 61 - 025 ,0",  # espaces et casse
        ),
    )

    assert reponse.status_code == 302
    assert voeux_de("E1") == ["61-025", "14-003"]
    assert voeux_de("E2") == ["2A-010", "61-025"]


def test_depot_l_ancien_identifiant_reste_accepte(connecte, session, lycee, codes):
    reponse = deposer(connecte, csv_eleves("E1,0141555P,2010-03-01,F,,P-ANCIEN|14-003,0"))
    assert reponse.status_code == 302
    assert voeux_de("E1") == ["61-025", "14-003"]


def test_depot_code_inconnu_message_localise_et_rien_d_ecrit(connecte, session, lycee, codes):
    reponse = deposer(
        connecte,
        csv_eleves(
            "E1,0141555P,2010-03-01,F,,61-025,0",  # valide, mais tout-ou-rien
            "E2,0141555P,2010-03-01,F,,14-003|61-999,0",
        ),
    )

    assert reponse.status_code == 400
    [probleme] = reponse.context["problemes"]
    assert (probleme.fichier, probleme.ligne, probleme.colonne) == ("eleves.csv", 3, "voeux")
    assert probleme.message == "code de projet « 61-999 » inconnu dans la session"
    assert str(probleme) == (
        "eleves.csv, ligne 3, colonne « voeux » : code de projet « 61-999 » inconnu dans la session"
    )
    assert "61-999" in reponse.content.decode()
    assert Eleve.objects.count() == 0 and Voeu.objects.count() == 0


def test_depot_meme_projet_par_code_et_par_identifiant(connecte, session, lycee, codes):
    reponse = deposer(connecte, csv_eleves("E1,0141555P,2010-03-01,F,,61-025|P-ANCIEN,0"))

    [probleme] = reponse.context["problemes"]
    assert probleme.colonne == "voeux"
    assert "« P-ANCIEN » apparaît deux fois" in probleme.message
    assert Eleve.objects.count() == 0


def test_depot_projet_pas_encore_valide(connecte, session, lycee, codes):
    ProjetFactory(session=session, code="50-004", statut=Projet.Statut.SOUMIS)

    reponse = deposer(connecte, csv_eleves("E1,0141555P,2010-03-01,F,,50-004,0"))

    [probleme] = reponse.context["problemes"]
    assert (
        probleme.message
        == "le projet « 50-004 » n'est pas encore validé : il ne reçoit pas de vœux"
    )


def test_depot_code_d_une_autre_session_inconnu(connecte, session, lycee, codes):
    ProjetFactory(code="50-777", statut=Projet.Statut.PUBLIE)  # autre session

    reponse = deposer(connecte, csv_eleves("E1,0141555P,2010-03-01,F,,50-777,0"))

    [probleme] = reponse.context["problemes"]
    assert probleme.message == "code de projet « 50-777 » inconnu dans la session"


# --- Formulaire d'un élève ------------------------------------------------------------------------


def saisir(client, lycee, **voeux: str):
    donnees = {"identifiant": "F1", "date_naissance": "2010-02-02", "nom": "Roy", "prenom": "Lou"}
    url = reverse("etablissements:nouvel_eleve", args=[lycee.uai])
    return client.post(url, {**donnees, **voeux})


def test_formulaire_la_liste_montre_et_envoie_les_codes(connecte, session, lycee, codes):
    reponse = connecte.get(reverse("etablissements:nouvel_eleve", args=[lycee.uai]))

    texte = reponse.content.decode()
    nom = codes["61-025"].nom
    assert f'<option value="61-025">61-025 · {nom}</option>' in texte
    # Trié par code : on retrouve un projet en tapant son code dans la liste.
    assert (
        texte.index('value="14-003"')
        < texte.index('value="2A-010"')
        < texte.index('value="61-025"')
    )


def test_formulaire_code_inconnu_refuse(connecte, session, lycee, codes):
    reponse = saisir(connecte, lycee, voeu1="61-999")

    assert reponse.status_code == 200
    assert "code de projet « 61-999 » inconnu parmi les projets validés" in reponse.content.decode()
    assert Eleve.objects.count() == 0


def test_formulaire_code_saisi_a_la_main(connecte, session, lycee, codes):
    assert saisir(connecte, lycee, voeu1=" 2a-010", voeu2="P-ANCIEN").status_code == 302
    assert voeux_de("F1") == ["2A-010", "61-025"]


# --- L'espace : codes affichés, conventions à signer ----------------------------------------------


def test_la_liste_des_eleves_montre_le_code_a_cote_du_nom(connecte, session, lycee, codes):
    eleve = EleveFactory(session=session, etablissement=lycee)
    projet = codes["61-025"]
    VoeuFactory(eleve=eleve, projet=projet, rang=1)
    AffectationFactory(eleve=eleve, projet=projet, rang=1)
    session.statut = session.Statut.PUBLIEE
    session.save(update_fields=["statut"])

    texte = connecte.get(reverse("etablissements:detail", args=[lycee.uai])).content.decode()

    assert f'<span class="code-projet">61-025</span> {projet.nom}' in texte
    assert f"61-025 · {projet.nom}</span> (vœu n° 1)" in texte
    assert "P-ANCIEN" not in texte  # l'ancien identifiant n'est plus montré
    fiche = reverse("etablissements:emploi_du_temps", args=[lycee.uai, eleve.pk])
    assert f"61-025 · {projet.nom}</a>" in connecte.get(fiche).content.decode()


def _signature_en_attente(lycee, projet) -> None:
    eleve = EleveFactory(session=projet.session, etablissement=lycee)
    convention = Convention.objects.create(eleve=eleve, projet=projet)
    version = VersionConvention.objects.create(
        convention=convention, numero=1, empreinte="a" * 64, contenu="{}", pdf=b"%PDF-1.7"
    )
    Signature.objects.create(
        version=version,
        cle=f"etablissement:{lycee.uai}",
        role=Signature.Role.ETABLISSEMENT,
        signataire_prevu="Chef d'établissement",
        email="ce@exemple.fr",
    )


def test_lien_conventions_a_signer_pour_le_chef_d_etablissement(connecte, session, lycee, codes):
    _signature_en_attente(lycee, codes["14-003"])

    texte = connecte.get(reverse("etablissements:index")).content.decode()

    assert f'<a href="{reverse("conventions:a_signer")}">Conventions à signer</a>' in texte
    assert "1 en attente" in texte
    detail = connecte.get(reverse("etablissements:detail", args=[lycee.uai])).content.decode()
    assert reverse("conventions:a_signer") in detail


def test_la_coordination_n_a_pas_de_conventions_a_signer(client, session, lycee):
    coordination = UtilisateurFactory(coordinateur=True)
    EleveFactory(session=session, etablissement=lycee)
    client.login(username=coordination.username, password=MOT_DE_PASSE)

    texte = client.get(reverse("etablissements:index")).content.decode()

    assert "Lycée Malherbe" in texte
    assert "Conventions à signer" not in texte


# --- Réglages de l'établissement ------------------------------------------------------------------


def url_reglages(lycee: Etablissement) -> str:
    return reverse("etablissements:reglages", args=[lycee.uai])


def test_reglages_formulaire_accessible(connecte, session, lycee):
    texte = connecte.get(url_reglages(lycee)).content.decode()

    for champ, autocomplete in (("chef_etablissement", "name"), ("email", "email")):
        assert f'<label for="id_{champ}">' in texte
        assert f'autocomplete="{autocomplete}"' in texte
        assert f'aria-describedby="id_{champ}_helptext"' in texte
    assert "(obligatoire)" in texte
    assert 'type="email"' in texte


def test_reglages_enregistres(connecte, session, lycee):
    reponse = connecte.post(
        url_reglages(lycee),
        {"chef_etablissement": "  Mme   Claire Martin, proviseure ", "email": "ce@ac-normandie.fr"},
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("etablissements:detail", args=[lycee.uai])
    lycee.refresh_from_db()
    assert lycee.chef_etablissement == "Mme Claire Martin, proviseure"
    assert lycee.email == "ce@ac-normandie.fr"
    detail = connecte.get(reponse["Location"]).content.decode()
    assert "Mme Claire Martin, proviseure (ce@ac-normandie.fr)" in detail


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"chef_etablissement": "", "email": "ce@ac-normandie.fr"}, "chef_etablissement",
         "Indiquez le nom du chef d&#x27;établissement, qui signe les conventions."),
        ({"chef_etablissement": "Mme Martin", "email": "pas-un-courriel"}, "email",
         "Saisissez une adresse de courriel valide"),
        ({"chef_etablissement": "Mme Martin", "email": ""}, "email",
         "Indiquez le courriel où le chef d&#x27;établissement reçoit ses liens"),
        ({"chef_etablissement": "12", "email": "ce@ac-normandie.fr"}, "chef_etablissement",
         "Indiquez un nom (au moins deux lettres)."),
    ],
)  # fmt: skip
def test_reglages_invalides_rien_n_est_enregistre(
    connecte, session, lycee, donnees, champ, message
):
    avant = (lycee.chef_etablissement, lycee.email)

    reponse = connecte.post(url_reglages(lycee), donnees)

    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert message in texte
    assert f'id="id_{champ}_erreur"' in texte and 'aria-invalid="true"' in texte
    assert 'role="alert"' in texte
    lycee.refresh_from_db()
    assert (lycee.chef_etablissement, lycee.email) == avant


def test_reglages_d_un_autre_etablissement_404(connecte, session, lycee, autre_lycee):
    avant = (autre_lycee.chef_etablissement, autre_lycee.email)

    assert connecte.get(url_reglages(autre_lycee)).status_code == 404
    reponse = connecte.post(
        url_reglages(autre_lycee), {"chef_etablissement": "Intrus", "email": "intrus@exemple.fr"}
    )

    assert reponse.status_code == 404
    autre_lycee.refresh_from_db()
    assert (autre_lycee.chef_etablissement, autre_lycee.email) == avant


def test_un_signataire_manquant_est_signale(connecte, session, lycee):
    Etablissement.objects.filter(pk=lycee.pk).update(chef_etablissement="", email="")

    index = connecte.get(reverse("etablissements:index")).content.decode()
    detail = connecte.get(reverse("etablissements:detail", args=[lycee.uai])).content.decode()

    assert "signataire des conventions à renseigner" in index
    assert url_reglages(lycee) in index and url_reglages(lycee) in detail
    assert (
        'Signataire des conventions : <span class="pastille pastille-alerte">à renseigner' in detail
    )

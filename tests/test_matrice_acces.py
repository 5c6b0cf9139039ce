"""La matrice des accès : chaque nom d'URL de la configuration, pour chaque rôle (anonyme,
coordination, porteur, structure, établissement) et pour un objet à soi / à un autre, répond
le code écrit dans la table ci-dessous. Un nom d'URL sans ligne fait échouer le test.

Règles de la maison (apps/comptes/acces.py) que la table traduit :
- anonyme sur une page réservée : redirection vers la connexion (C) ;
- compte connecté dont le rôle n'ouvre pas l'espace : 403 ;
- objet hors du périmètre du compte : 404, jamais 403 (on ne révèle pas qu'il existe) ;
- méthode refusée : 405 ; toute redirection reste sur ce site (R).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from apps.campagnes.models import Session
from apps.conventions.models import Convention, Signature, VersionConvention
from apps.planification.models import Travail
from tests.apps.fabriques import (
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    EtablissementFactory,
    GroupeFactory,
    IdentiteEleveFactory,
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
    VoeuFactory,
)

C = "connexion"  # 302 vers la page de connexion du site
R = "redirection"  # 302 vers une autre page de ce site
A = "connexion admin"  # 302 vers la connexion de l'administration

ROLES = ("anonyme", "coordination", "porteur", "structure", "etablissement")
Code = int | str
Attendu = Code | tuple[Code, Code]  # un seul code, ou (objet à soi, objet d'un autre)


@dataclass(frozen=True)
class Ligne:
    objet: str | None  # le genre d'objet désigné par les paramètres de l'URL
    methode: str  # "get" ou "post" (la méthode que la page accepte)
    anonyme: Attendu
    coordination: Attendu
    porteur: Attendu
    structure: Attendu
    etablissement: Attendu
    autre_methode: int | None = None  # la méthode refusée, essayée par la coordination


L = Ligne
FICHE = (200, 404)
# fmt: off
MATRICE: dict[str, Ligne] = {
    # nom d'URL: L(objet, méthode, anonyme, coordination, porteur, structure, établissement)
    "ui:accueil": L(None, "get", 200, 200, 200, 200, 200),
    "comptes:connexion": L(None, "get", 200, R, R, R, R),
    "comptes:deconnexion": L(None, "post", R, R, R, R, R, 405),
    "comptes:espace": L(None, "get", C, R, R, R, R),
    "comptes:activer": L("activation", "get", 200, 200, 200, 200, 200),
    # Carte publique et tableaux de la coordination
    "carte:carte": L(None, "get", 200, 200, 200, 200, 200, 405),
    "carte:liste": L(None, "get", 200, 200, 200, 200, 200, 405),
    # (objet à soi : un projet publié ; d'un autre : un brouillon, jamais public)
    "carte:fiche": L("projet_carte", "get", FICHE, FICHE, FICHE, FICHE, FICHE, 405),
    "carte:marqueurs": L(None, "get", 200, 200, 200, 200, 200, 405),
    "carte:contours": L("niveau", "get", 200, 200, 200, 200, 200, 405),
    "carte:couverture": L(None, "get", C, 200, 403, 403, 403, 405),
    "carte:tableau_de_bord": L(None, "get", C, 200, 403, 403, 403, 405),
    "carte:export": L("format", "get", C, 200, 403, 403, 403, 405),
    # Parcours du porteur (brouillons) et décisions de la coordination
    "projets:liste": L(None, "get", C, 200, 200, 403, 403, 405),
    "projets:creer": L(None, "get", C, 200, 200, 403, 403),
    "projets:detail": L("projet", "get", C, 200, (200, 404), 403, 403, 405),
    "projets:zone": L("projet", "get", C, 200, (200, 404), 403, 403),
    "projets:zone_geojson": L("projet", "get", C, 200, (200, 404), 403, 403, 405),
    "projets:structures": L("projet", "get", C, 200, (200, 404), 403, 403),
    "projets:porteur": L("projet", "get", C, 200, (200, 404), 403, 403),
    "projets:programme": L("projet", "get", C, 200, (200, 404), 403, 403),
    "projets:proposer": L("projet", "post", C, R, (R, 404), 403, 403, 405),
    # (envoi vide : aucun groupe désigné, donc 404 même sur son propre projet)
    "projets:case": L("projet", "post", C, 404, 404, 403, 403, 405),
    "projets:grille": L("projet", "post", C, R, (R, 404), 403, 403, 405),
    "projets:soumission": L("projet", "get", C, 200, (200, 404), 403, 403),
    "projets:valider": L("projet", "post", C, R, 403, 403, 403, 405),
    "projets:renvoyer": L("projet", "post", C, R, 403, 403, 403, 405),
    "projets:publier": L("projet", "post", C, R, 403, 403, 403, 405),
    # Espace des structures d'accueil
    "structures:mes_structures": L(None, "get", C, 200, 403, R, 403, 405),
    "structures:fiche": L("structure", "get", C, 200, 403, (200, 404), 403),
    "structures:qui_vient": L("structure", "get", C, 200, 403, (200, 404), 403, 405),
    "structures:accueil_suivant": L("structure", "post", C, 200, 403, (200, 404), 403, 405),
    # Référentiel et sessions
    "territoires:communes": L(None, "get", 200, 200, 200, 200, 200, 405),
    "campagnes:liste": L(None, "get", C, 200, 403, 403, 403, 405),
    "campagnes:ouvrir": L(None, "get", C, 200, 403, 403, 403),
    "campagnes:configurer": L("session", "get", C, 200, 403, 403, 403),
    "campagnes:suivante": L("session", "get", C, 200, 403, 403, 403),
    "campagnes:archiver": L("session", "get", C, 200, 403, 403, 403),
    "promotion:tableau": L(None, "get", C, 200, 403, 403, 403, 405),
    "promotion:publier": L(None, "post", C, R, 403, 403, 403, 405),
    # Mobilité (H13) : flux GTFS d'une session, coordination seulement ; envoi vide : 400
    # (aucun fichier), 404 pour les réglages d'une session sans flux.
    "mobilite:index": L(None, "get", C, R, 403, 403, 403, 405),
    "mobilite:flux": L("session", "get", C, 200, 403, 403, 403, 405),
    "mobilite:televerser": L("session", "post", C, 400, 403, 403, 403, 405),
    "mobilite:reglages": L("session", "post", C, 404, 403, 403, 403, 405),
    # Où recruter ? (H21) : conseiller de recrutement, coordination seulement
    "conseil:index": L(None, "get", C, R, 403, 403, 403, 405),
    "conseil:recruter": L("session", "get", C, 200, 403, 403, 403, 405),
    "conseil:export": L("session", "get", C, 200, 403, 403, 403, 405),
    # Établissements (H6 : apps/planification/vues_etablissements.py)
    "etablissements:index": L(None, "get", C, 200, 403, 403, 200),
    "etablissements:depot": L(None, "get", C, 200, 403, 403, 200),
    "etablissements:detail": L("uai", "get", C, 200, 403, 403, (200, 404)),
    "etablissements:reglages": L("uai", "get", C, 200, 403, 403, (200, 404)),
    # (résultats publiés : plus d'ajout d'élève, retour à la liste de l'établissement)
    "etablissements:nouvel_eleve": L("uai", "get", C, R, 403, 403, (R, 404)),
    "etablissements:emploi_du_temps": L("eleve", "get", C, 200, 403, 403, (200, 404)),
    # Planification (H5)
    "planification:travaux": L(None, "get", C, 200, 403, 403, 403, 405),
    "planification:lancer": L(None, "post", C, R, 403, 403, 403, 405),
    "planification:travail": L("travail", "get", C, 200, 403, 403, 403, 405),
    "planification:resultats": L(None, "get", C, 200, 403, 403, 403, 405),
    "planification:export": L("format", "get", C, 200, 403, 403, 403, 405),
    "planification:publier": L(None, "post", C, R, 403, 403, 403, 405),
    # Réparation du plan publié (H22) : aperçu, lancement et confirmation, coordination seule
    "planification:reparation": L(None, "get", C, 200, 403, 403, 403, 405),
    "planification:reparer": L(None, "post", C, R, 403, 403, 403, 405),
    "planification:confirmer_reparation": L(None, "post", C, R, 403, 403, 403, 405),
    # Conventions (H3) : le périmètre d'un compte est celui de ses élèves (établissement) ou
    # de ses projets (porteur) ; une structure n'a pas de convention à elle (404 : hors de
    # son périmètre). Envoi vide : 400 quand la date manque (présence).
    "conventions:tableau": L(None, "get", C, 200, 200, 403, 200, 405),
    "conventions:synchroniser": L(None, "post", C, R, 403, 403, 403, 405),
    "conventions:relancer": L(None, "post", C, R, R, 403, R, 405),
    "conventions:a_signer": L(None, "get", C, 200, 200, 403, 200),
    "conventions:detail": L("convention", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:pdf": L("convention", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:calendrier": L("convention", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:attestation": L("convention", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:presence": L("convention", "post", C, 400, (400, 404), 404, (400, 404), 405),
    "conventions:incident": L("convention", "post", C, R, (R, 404), 404, (R, 404), 405),
    "conventions:restitution": L("convention", "post", C, R, (R, 404), 404, (R, 404), 405),
    # (la signature désignée est celle du chef d'établissement : pas celle du porteur)
    "conventions:hors_plateforme": L("signature", "post", C, R, 404, 404, (R, 404), 405),
    "conventions:scan": L("scan", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:lot": L("uai", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:feuille_de_route": L("groupe", "get", C, 200, (200, 404), 404, (200, 404), 405),
    "conventions:attendus": L("structure", "get", C, 200, 404, (200, 404), 404, 405),
    "conventions:presence_structure": L("structure", "post", C, 400, 404, (400, 404), 404, 405),
    "conventions:signer": L("jeton", "get", 404, 404, 404, 404, 404),
    "conventions:signer_pdf": L("jeton", "get", 404, 404, 404, 404, 404, 405),
    # Données personnelles (H6)
    "donnees_personnelles:notice": L(None, "get", 200, 200, 200, 200, 200),
    "donnees_personnelles:journal": L(None, "get", C, 200, 403, 403, 403),
    "donnees_personnelles:export_json": L("eleve", "get", C, 200, 403, 403, (200, 404)),
    "donnees_personnelles:export_csv": L("eleve", "get", C, 200, 403, 403, (200, 404)),
    "donnees_personnelles:supprimer": L("eleve", "get", C, 200, 403, 403, (200, 404)),
}
# fmt: on

# L'administration de Django, traitée comme un bloc : aucun de nos rôles n'est « staff » ;
# toute page renvoie vers la connexion de l'administration, sauf celles-ci.
ADMIN_EXCEPTIONS: dict[str, Code] = {"admin:login": 200, "admin:logout": R}


# --- Les noms d'URL de la configuration ----------------------------------------------------


def _motifs(resolveur: URLResolver, espace: str = "") -> list[tuple[str, URLPattern]]:
    trouves = []
    for motif in resolveur.url_patterns:
        if isinstance(motif, URLResolver):
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            trouves += _motifs(motif, sous_espace)
        elif motif.name:
            trouves.append((f"{espace}{motif.name}", motif))
        else:
            trouves.append((f"{espace}<sans nom : {motif.pattern}>", motif))
    return trouves


def noms_d_url() -> dict[str, URLPattern]:
    return dict(_motifs(get_resolver()))


def test_chaque_nom_d_url_a_sa_ligne():
    noms = noms_d_url()
    manquants = sorted(n for n in noms if n not in MATRICE and not n.startswith("admin:"))
    assert not manquants, (
        "Ces noms d'URL n'ont pas de ligne dans la matrice des accès "
        f"(tests/test_matrice_acces.py, MATRICE) : {', '.join(manquants)}. Ajoutez pour chacun "
        "une ligne L(objet, méthode, anonyme, coordination, porteur, structure, établissement) "
        "avec le code attendu de chaque rôle (C, R, 200, 403, 404…), (soi, autre) si l'URL "
        "désigne un objet."
    )
    perimes = sorted(set(MATRICE) - set(noms))
    assert not perimes, (
        f"Ces lignes de la matrice des accès ne correspondent plus à aucune URL : "
        f"{', '.join(perimes)}. Retirez-les de MATRICE (tests/test_matrice_acces.py)."
    )


# --- Un seul jeu de données pour tout le module ---------------------------------------------

LUNDI = date(2026, 6, 15)


def _convention(eleve, projet, numero: int) -> tuple[Convention, Signature, Signature]:
    convention = Convention.objects.create(eleve=eleve, projet=projet)
    version = VersionConvention.objects.create(
        convention=convention,
        numero=1,
        empreinte=f"{numero}" * 64,
        contenu="{}",
        pdf=b"%PDF-1.7 matrice",
    )
    attente = Signature.objects.create(
        version=version,
        cle="etablissement",
        role=Signature.Role.ETABLISSEMENT,
        signataire_prevu="Chef d'établissement",
        email=f"ce{numero}@exemple.fr",
    )
    scan = Signature.objects.create(
        version=version,
        cle="porteur",
        role=Signature.Role.PORTEUR,
        signe_par="Claude Président",
        signee_le=timezone.now(),
        mode=Signature.Mode.HORS_PLATEFORME,
        scan=b"%PDF-1.7 scan",
        scan_type="application/pdf",
        ordre=1,
    )
    return convention, attente, scan


def _creer_monde() -> dict:
    session = SessionFactory(statut=Session.Statut.PUBLIEE)
    comptes = {"anonyme": None, "coordination": UtilisateurFactory(coordinateur=True)}
    objets: dict[str, list] = {}
    for i in (1, 2):
        porteur = UtilisateurFactory(porteur=True, username=f"matrice-porteur-{i}")
        structure_u = UtilisateurFactory(structure=True, username=f"matrice-structure-{i}")
        lycee_u = UtilisateurFactory(etablissement=True, username=f"matrice-lycee-{i}")
        if i == 1:
            comptes.update(porteur=porteur, structure=structure_u, etablissement=lycee_u)
        organisme = PorteurFactory(gestionnaires=[porteur])
        structure = StructureAccueilFactory(session=session, gestionnaires=[structure_u])
        publie = ProjetFactory(
            session=session, porteur=organisme, structures=[structure], statut="publie"
        )
        brouillon = ProjetFactory(
            session=session, porteur=organisme, gestionnaires=[porteur], structures=[structure]
        )
        groupe = GroupeFactory(projet=publie)
        CreneauFactory(groupe=groupe, structure=structure, date=LUNDI)
        lycee = EtablissementFactory(gestionnaires=[lycee_u])
        eleve = EleveFactory(session=session, etablissement=lycee)
        IdentiteEleveFactory(eleve=eleve)
        VoeuFactory(eleve=eleve, projet=publie)
        AffectationFactory(eleve=eleve, projet=publie, groupe=groupe, publiee=True)
        convention, attente, scan = _convention(eleve, publie, i)
        travail = Travail.objects.create(
            session=session, type=Travail.Type.AFFECTATION, etat=Travail.Etat.TERMINE
        )
        autre_session = SessionFactory(est_active=False) if i == 2 else session
        parametres = {
            "projet": {"pk": brouillon.pk},
            # la carte : un projet publié à soi, le brouillon d'un autre (jamais public)
            "projet_carte": {"pk": publie.pk if i == 1 else brouillon.pk},
            "structure": {"pk": structure.pk},
            "uai": {"uai": lycee.uai},
            "eleve": {"uai": lycee.uai, "pk": eleve.pk},
            "convention": {"pk": convention.pk},
            "signature": {"pk": attente.pk},
            "scan": {"pk": convention.pk, "signature_pk": scan.pk},
            "groupe": {"pk": groupe.pk},
            "travail": {"pk": travail.pk},
            "session": {"pk": autre_session.pk},
            "jeton": {"jeton": f"jeton-forge-{i}"},
            "activation": {"uidb64": "MTIz", "token": f"jeton-forge-{i}"},
            "niveau": {"niveau": "departements"},
            "format": {"format": "csv"},
        }
        for genre, kwargs in parametres.items():
            objets.setdefault(genre, []).append(kwargs)
    return {"comptes": comptes, "objets": objets}


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    """Créé une fois pour le module, dans une transaction annulée à la fin ; chaque requête
    du test tourne dans un point de sauvegarde annulé (rien ne fuit d'un cas à l'autre)."""
    with django_db_blocker.unblock(), transaction.atomic():
        donnees = _creer_monde()
        yield donnees
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(monde, django_db_blocker):
    with django_db_blocker.unblock():
        resultat = {}
        for role, compte in monde["comptes"].items():
            client = Client()
            if compte is not None:
                client.force_login(compte)
            resultat[role] = client
        return resultat


# --- Les requêtes et leur verdict -----------------------------------------------------------


def _obtenu(reponse) -> Code:
    """Le code de la réponse, en C / R / A pour une redirection (qui doit rester sur le site)."""
    if reponse.status_code not in (301, 302, 303, 307, 308):
        return reponse.status_code
    cible = reponse.headers["Location"]
    if not url_has_allowed_host_and_scheme(cible, allowed_hosts={"testserver"}):
        return f"redirection hors du site ({cible})"
    chemin = cible.split("?")[0]
    if chemin == reverse("admin:login"):
        return A
    if chemin == reverse("comptes:connexion"):
        return C
    return R


def _requete(client: Client, methode: str, url: str) -> Code:
    """Une requête dont tout l'effet est annulé : la base (point de sauvegarde) et les
    témoins du client (une déconnexion ne déconnecte pas les cas suivants)."""
    temoins = {nom: morceau.value for nom, morceau in client.cookies.items()}
    with transaction.atomic():
        reponse = getattr(client, methode)(url)
        transaction.set_rollback(True)
    client.cookies.clear()
    for nom, valeur in temoins.items():
        client.cookies[nom] = valeur
    return _obtenu(reponse)


def _attendus(ligne: Ligne, role: str) -> tuple[Code, Code]:
    valeur = getattr(ligne, role)
    return valeur if isinstance(valeur, tuple) else (valeur, valeur)


@pytest.mark.django_db
@pytest.mark.parametrize("nom", sorted(MATRICE))
def test_matrice_des_acces(nom, monde, clients):
    ligne = MATRICE[nom]
    objets = monde["objets"].get(ligne.objet, [{}, {}]) if ligne.objet else [{}, {}]
    urls = {cote: reverse(nom, kwargs=objets[i]) for i, cote in enumerate(("soi", "autre"))}
    ecarts = []
    for role in ROLES:
        for cote, attendu in zip(("soi", "autre"), _attendus(ligne, role), strict=True):
            if ligne.objet is None and cote == "autre":
                continue
            obtenu = _requete(clients[role], ligne.methode, urls[cote])
            if obtenu != attendu:
                ecarts.append(
                    f"{role}, objet {cote} ({urls[cote]}) : obtenu {obtenu}, attendu {attendu}"
                )
    if ligne.autre_methode is not None:
        autre = "post" if ligne.methode == "get" else "get"
        obtenu = _requete(clients["coordination"], autre, urls["soi"])
        if obtenu != ligne.autre_methode:
            ecarts.append(
                f"coordination en {autre.upper()} : obtenu {obtenu}, attendu {ligne.autre_methode}"
            )
    assert not ecarts, f"{nom} ({ligne.methode.upper()}) :\n" + "\n".join(ecarts)


# --- L'administration, en bloc ----------------------------------------------------------------


def _parametres_admin(motif: URLPattern) -> dict[str, str]:
    """Des paramètres qui résolvent : la première application permise, sinon « 1 »."""
    application = re.search(r"\(\?P<app_label>([^|)]+)", motif.pattern.regex.pattern)
    valeurs = {"app_label": application.group(1) if application else ""}
    return {cle: valeurs.get(cle) or "1" for cle in motif.pattern.regex.groupindex}


@pytest.mark.django_db
def test_administration_fermee_a_tous_nos_roles(monde, clients):
    motifs = {n: m for n, m in noms_d_url().items() if n.startswith("admin:") and m.name}
    assert "admin:index" in motifs and len(motifs) > 10
    ecarts = []
    for nom, motif in sorted(motifs.items()):
        url = reverse(nom, kwargs=_parametres_admin(motif))
        attendu = ADMIN_EXCEPTIONS.get(nom, A)
        for role in ROLES:
            obtenu = _requete(clients[role], "get", url)
            if obtenu != attendu:
                ecarts.append(f"{nom} ({url}), {role} : obtenu {obtenu}, attendu {attendu}")
    assert not ecarts, "Administration :\n" + "\n".join(ecarts)

"""Publier les projets d'une session sur « 1 élève, 1 stage », ou l'écrire (--dry-run).

Une offre par projet publié sur la carte (statut « publié », donc validé), identifiée par le
code du projet (`remote_id`). Idempotent : une offre dont l'empreinte n'a pas changé n'est
pas renvoyée ; une offre changée est modifiée (PATCH) ; une offre inconnue est créée (POST),
et si elle existe déjà là-bas (409), elle est reprise par PATCH — jamais de doublon. Un
projet retiré de la carte, plus validé ou supprimé voit son offre dépubliée
(`published_at: null`). Le refus d'un projet n'arrête pas les autres ; seule une API
indisponible (après les reprises) interrompt l'envoi.

D'une saison à l'autre, un projet garde son code (reconduction) et les numéros repartent de
1 dans chaque session : un code déjà porté par l'offre d'un projet d'une saison passée est
REPRIS par le projet de la nouvelle saison (même offre, mise à jour, fiche et session
transférées), jamais dupliqué ; le projet d'une saison passée laisse l'offre à celui de la
saison plus récente. Seuls deux projets de la même session (ou de sessions qui commencent le
même jour) au même code sont refusés. Voir `_fiche` et `_arbitrer`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.campagnes.models import Session
from apps.projets.models import Projet
from apps.promotion.client import ClientUnEleveUnStage, ServiceIndisponible
from apps.promotion.code import code_du_projet
from apps.promotion.models import PublicationNationale
from apps.promotion.offres import (
    OffreConstruite,
    Refus,
    construire_offre,
    secteurs_recherches,
    verifier_offre,
)
from apps.promotion.secteurs import index_des_secteurs


@dataclass(slots=True)
class Bilan:
    creees: list[str] = field(default_factory=list)
    mises_a_jour: list[str] = field(default_factory=list)
    inchangees: list[str] = field(default_factory=list)
    depubliees: list[str] = field(default_factory=list)
    refus: list[str] = field(default_factory=list)
    # Codes dont l'offre d'une saison passée a été reprise par un projet de cette session.
    reprises: list[str] = field(default_factory=list)
    # Projets d'une saison passée dont l'offre est passée à une saison plus récente (messages).
    cedees: list[str] = field(default_factory=list)
    fichiers: list[Path] = field(default_factory=list)
    interrompu: str = ""

    @property
    def reussi(self) -> bool:
        return not self.refus and not self.interrompu

    def resume(self) -> str:
        return (
            f"{len(self.creees)} offre(s) créée(s), {len(self.mises_a_jour)} mise(s) à jour, "
            f"{len(self.inchangees)} inchangée(s), {len(self.depubliees)} dépubliée(s), "
            f"{len(self.refus)} refusée(s)."
        )

    def lignes(self) -> list[str]:
        lignes = [f"Refus : {r}" for r in self.refus]
        if self.fichiers:
            lignes.append(f"{len(self.fichiers)} fichier(s) JSON écrit(s), aucun appel à l'API.")
        else:
            lignes.append(self.resume())
        if self.reprises:
            lignes.append(
                f"{len(self.reprises)} offre(s) d'une saison précédente reprise(s) (même code) : "
                + ", ".join(self.reprises)
                + "."
            )
        lignes.extend(f"Non envoyé : {c}" for c in self.cedees)
        if self.interrompu:
            lignes.append(f"Envoi interrompu : {self.interrompu}")
        return lignes


def projets_a_publier(session: Session) -> QuerySet[Projet]:
    return (
        Projet.objects.de_la_session(session)
        .publies()
        .select_related("porteur", "commune", "session")
        .prefetch_related("structures")
        .order_by("identifiant", "pk")
    )


def nommer(projet: Projet) -> str:
    return f"projet {code_du_projet(projet)} « {projet.nom} »"


def _a_depublier(session: Session) -> QuerySet[PublicationNationale]:
    """Offres publiées dont le projet, de cette session, n'est plus publié (retiré, renvoyé),
    offres orphelines (projet supprimé) de toute session, et offres périmées : celles des
    projets d'une AUTRE session archivée qu'aucun projet de la saison n'a reprises (leurs
    semaines sont passées ; les reprises ont lieu avant, dans le même envoi). La session est
    lue sur le projet : une offre reprise par le projet d'une autre saison n'est plus
    l'affaire de l'ancienne session (ni dépubliée par elle à tort), mais de celle de son
    projet."""
    perimees = Q(projet__session__archivee_le__isnull=False) & ~Q(projet__session=session)
    return (
        PublicationNationale.objects.filter(publiee=True)
        .filter(Q(projet__session=session) | Q(projet__isnull=True) | perimees)
        .exclude(projet__in=Projet.objects.de_la_session(session).publies())
        .select_related("projet")
    )


# --- Simulation (--dry-run) ---------------------------------------------------------------


def _nom_de_fichier(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("._") or "projet"


def simuler(session: Session, dossier: Path, url_site: str) -> Bilan:
    """Écrit dans `dossier` la charge JSON de chaque offre, sans aucun appel réseau.
    `sector_uuid` reste vide (il faudrait GET /sectors) ; `_secteur` dit lequel sera cherché."""
    bilan = Bilan()
    dossier.mkdir(parents=True, exist_ok=True)
    deja: dict[str, Projet] = {}  # code -> premier projet de la session qui le porte
    for projet in projets_a_publier(session):
        construite = construire_offre(projet, url_site, None)
        if construite.code in deja:
            bilan.refus.append(_conflit(projet, construite.code, deja[construite.code]))
            continue
        deja[construite.code] = projet
        autre = _titulaire(projet, construite.code)
        if autre is not None:
            decision, message = _arbitrer(projet, construite.code, autre)
            if decision == CEDER:
                bilan.cedees.append(message)
                continue
            if decision == CONFLIT:
                bilan.refus.append(message)
                continue
            if autre.projet_id is not None:
                bilan.reprises.append(construite.code)
        refus = verifier_offre(construite.offre, simulation=True)
        if refus:
            bilan.refus.append(_message(projet, refus))
            continue
        charge: dict[str, Any] = {
            "internship_offer": construite.offre,
            "_secteur": {
                "domaine_rome": construite.domaine,
                "noms_recherches": secteurs_recherches(construite.domaine),
            },
        }
        chemin = dossier / f"{_nom_de_fichier(construite.code)}.json"
        chemin.write_text(json.dumps(charge, ensure_ascii=False, indent=2) + "\n", "utf-8")
        bilan.fichiers.append(chemin)
    retraits = [
        {"remote_id": f.remote_id, "internship_offer": {"published_at": None}}
        for f in _a_depublier(session)
        if f.remote_id not in deja  # offre orpheline qu'un projet de la session reprendrait
    ]
    chemin = dossier / "depublications.json"
    chemin.write_text(json.dumps(retraits, ensure_ascii=False, indent=2) + "\n", "utf-8")
    bilan.fichiers.append(chemin)
    return bilan


# --- Envoi ---------------------------------------------------------------------------------


def publier(session: Session, client: ClientUnEleveUnStage, url_site: str) -> Bilan:
    """Publie, met à jour et dépublie les offres de la session. `ErreurConnexion` si les
    identifiants sont refusés ; `ServiceIndisponible` est noté dans le bilan (interrompu)."""
    bilan = Bilan()
    try:
        client.connecter()
        index = index_des_secteurs(client.secteurs())
        for projet in projets_a_publier(session):
            _publier_projet(projet, client, index, url_site, bilan)
        for fiche in _a_depublier(session):
            _depublier(fiche, client, bilan)
    except ServiceIndisponible as exc:
        bilan.interrompu = str(exc)
    return bilan


def _message(projet: Projet, refus: list[Refus]) -> str:
    return f"{nommer(projet)} : " + " ; ".join(str(r) for r in refus)


def _noter_erreur(fiche: PublicationNationale | None, message: str) -> None:
    if fiche is None:
        return
    fiche.derniere_erreur = message
    fiche.derniere_tentative_le = timezone.now()
    fiche.save()


# Quand le code d'un projet est déjà porté par l'offre d'un autre projet : le projet la
# reprend, la laisse (elle appartient à une saison plus récente), ou c'est un conflit.
REPRENDRE, CEDER, CONFLIT = "reprendre", "céder", "conflit"


@dataclass(slots=True)
class Attribution:
    """L'offre (fiche) qu'un projet publie, ou pourquoi il n'en publie pas."""

    fiche: PublicationNationale | None
    refus: str = ""  # vrai conflit de codes : refus nommé (projet, champ)
    cedee: str = ""  # l'offre est passée à une saison plus récente : rien à envoyer
    reprise: bool = False  # offre reprise d'un projet d'une saison précédente


def _titulaire(projet: Projet, code: str) -> PublicationNationale | None:
    """La fiche d'un AUTRE projet (ou d'un projet supprimé) qui porte déjà ce code."""
    return (
        PublicationNationale.objects.filter(remote_id=code)
        .exclude(projet=projet)
        .select_related("projet__session")
        .first()
    )


def _ancetres(projet: Projet) -> set[int]:
    """Les projets dont `projet` est la reconduction, de saison en saison (`reconduit_de`)."""
    vus: set[int] = set()
    courant = projet.reconduit_de_id
    while courant is not None and courant not in vus:
        vus.add(courant)
        courant = (
            Projet.objects.filter(pk=courant).values_list("reconduit_de_id", flat=True).first()
        )
    return vus


def _entre_saisons(projet: Projet, titulaire: Projet) -> str:
    """`titulaire`, d'une autre session, porte le code de `projet` : la saison la plus
    récente garde l'offre. Ancêtre (reconduction) ou session antérieure (ou archivée, à
    date égale) : REPRENDRE ; descendant ou session plus récente : CEDER ; deux sessions
    vivantes qui commencent le même jour : CONFLIT."""
    if titulaire.pk in _ancetres(projet):
        return REPRENDRE
    if projet.pk in _ancetres(titulaire):
        return CEDER
    sienne, notre = titulaire.session, projet.session
    cle_sienne = (sienne.date_debut, not sienne.est_archivee)
    cle_notre = (notre.date_debut, not notre.est_archivee)
    if cle_sienne < cle_notre:
        return REPRENDRE
    if cle_sienne > cle_notre:
        return CEDER
    return CONFLIT


def _conflit(projet: Projet, code: str, titulaire: Projet) -> str:
    if titulaire.session_id == projet.session_id:
        ou = "dans la même session"
    else:
        ou = f"de la session « {titulaire.session.nom} », qui commence le même jour"
    return _message(
        projet,
        [
            Refus(
                "remote_id",
                f"« {code} » est déjà le code du {nommer(titulaire)}, {ou} ; une offre "
                "nationale par code : faites corriger l'un des deux codes",
            )
        ],
    )


def _arbitrer(projet: Projet, code: str, autre: PublicationNationale) -> tuple[str, str]:
    """(décision, message) quand `autre`, la fiche d'un autre projet, porte déjà `code`."""
    titulaire = autre.projet
    if titulaire is None:  # offre d'un projet supprimé, de même code
        return REPRENDRE, ""
    if titulaire.session_id == projet.session_id:
        return CONFLIT, _conflit(projet, code, titulaire)
    decision = _entre_saisons(projet, titulaire)
    if decision == CONFLIT:
        return CONFLIT, _conflit(projet, code, titulaire)
    if decision == CEDER:
        return CEDER, (
            f"{nommer(projet)} : son offre nationale « {code} » est désormais celle du projet "
            f"« {titulaire.nom} » de la session plus récente « {titulaire.session.nom} »"
        )
    return REPRENDRE, ""


def _fiche(projet: Projet, code: str) -> Attribution:
    """La fiche du projet (créée au besoin, ou reprise d'une saison précédente), ou pourquoi
    il n'en a pas. Une fiche reprise change aussitôt de projet ET de session : l'ancienne
    session ne la dépublie plus, la nouvelle la dépubliera si son projet est retiré."""
    fiche = PublicationNationale.objects.filter(projet=projet).first()
    if fiche is not None and fiche.remote_id == code:
        return Attribution(fiche)
    autre = _titulaire(projet, code)
    if autre is not None:
        decision, message = _arbitrer(projet, code, autre)
        if decision == CONFLIT:
            return Attribution(fiche, refus=message)
        if decision == CEDER:
            return Attribution(None, cedee=message)
    if fiche is not None:
        # Le code du projet a changé : l'ancienne offre, détachée, sera dépubliée à part.
        fiche.projet = None
        fiche.save(update_fields=["projet"])
    if autre is None:
        return Attribution(PublicationNationale(projet=projet, remote_id=code))
    reprise = autre.projet_id is not None
    autre.projet = projet
    autre.session = projet.session
    autre.save(update_fields=["projet", "session"])
    return Attribution(autre, reprise=reprise)


def _publier_projet(
    projet: Projet,
    client: ClientUnEleveUnStage,
    index: dict[str, str],
    url_site: str,
    bilan: Bilan,
) -> None:
    construite = construire_offre(projet, url_site, index)
    attribution = _fiche(projet, construite.code)
    if attribution.cedee:
        bilan.cedees.append(attribution.cedee)
        return
    if attribution.refus:
        bilan.refus.append(attribution.refus)
        _noter_erreur(attribution.fiche, attribution.refus)
        return
    fiche = attribution.fiche
    assert fiche is not None
    fiche.session = projet.session
    refus = verifier_offre(construite.offre)
    if refus:
        message = _message(projet, refus)
        bilan.refus.append(message)
        _noter_erreur(fiche, message)
        return
    if fiche.publiee and fiche.empreinte == construite.empreinte:
        bilan.inchangees.append(construite.code)
        if attribution.reprise:
            bilan.reprises.append(construite.code)
        if fiche.derniere_erreur:
            fiche.derniere_erreur = ""
            fiche.save()
        return
    try:
        reponse, cree = _envoyer(fiche, construite, client)
    except ServiceIndisponible as exc:
        _noter_erreur(fiche, str(exc))
        raise
    if reponse.status_code in (200, 201):
        maintenant = timezone.now()
        fiche.publiee = True
        fiche.publiee_le = maintenant
        fiche.derniere_tentative_le = maintenant
        fiche.empreinte = construite.empreinte
        fiche.derniere_erreur = ""
        fiche.save()
        (bilan.creees if cree else bilan.mises_a_jour).append(construite.code)
        if attribution.reprise:
            bilan.reprises.append(construite.code)
        return
    message = _message(projet, refus_de_la_reponse(reponse))
    bilan.refus.append(message)
    _noter_erreur(fiche, message)


def _champs_a_modifier(offre: dict, republier: bool) -> dict:
    champs = {k: v for k, v in offre.items() if k != "remote_id"}
    if republier:
        champs["published_at"] = timezone.now().replace(microsecond=0).isoformat()
    return champs


def _envoyer(
    fiche: PublicationNationale, construite: OffreConstruite, client: ClientUnEleveUnStage
) -> tuple[httpx.Response, bool]:
    """(réponse, créée ?) : POST pour une offre jamais acceptée, PATCH sinon ; 409 sur POST
    -> PATCH de l'offre existante ; 404 sur PATCH -> POST."""
    code, offre = construite.code, construite.offre
    if not fiche.empreinte:
        reponse = client.creer(offre)
        if reponse.status_code != 409:
            return reponse, True
        return client.modifier(code, _champs_a_modifier(offre, republier=True)), False
    reponse = client.modifier(code, _champs_a_modifier(offre, republier=not fiche.publiee))
    if reponse.status_code == 404:
        return client.creer(offre), True
    return reponse, False


def _depublier(fiche: PublicationNationale, client: ClientUnEleveUnStage, bilan: Bilan) -> None:
    try:
        reponse = client.modifier(fiche.remote_id, {"published_at": None})
    except ServiceIndisponible as exc:
        _noter_erreur(fiche, str(exc))
        raise
    if reponse.status_code in (200, 404):  # 404 : l'offre n'existe plus là-bas
        maintenant = timezone.now()
        fiche.publiee = False
        fiche.depubliee_le = maintenant
        fiche.derniere_tentative_le = maintenant
        fiche.derniere_erreur = ""
        fiche.save()
        bilan.depubliees.append(fiche.remote_id)
        return
    quoi = f"projet {fiche.remote_id}" + (f" « {fiche.projet.nom} »" if fiche.projet else "")
    message = f"dépublication du {quoi} refusée : " + " ; ".join(
        str(r) for r in refus_de_la_reponse(reponse)
    )
    bilan.refus.append(message)
    _noter_erreur(fiche, message)


def refus_de_la_reponse(reponse: httpx.Response) -> list[Refus]:
    """Les champs refusés par l'API ({"error": {champ: [messages]}} ou {"error": "…"})."""
    try:
        donnees = reponse.json()
    except ValueError:
        donnees = {}
    erreur = donnees.get("error") if isinstance(donnees, dict) else None
    prefixe = f"refusé par 1 élève, 1 stage (HTTP {reponse.status_code})"
    if isinstance(erreur, dict) and erreur:
        return [
            Refus(str(champ), f"{prefixe} : " + "; ".join(str(m) for m in _liste(messages)))
            for champ, messages in erreur.items()
        ]
    texte = str(erreur or "") or reponse.reason_phrase
    champ = next((c for c in _CHAMPS_CONNUS if re.search(rf"\b{c}\b", texte, re.I)), "")
    return [Refus(champ, f"{prefixe} : {texte}")]


def _liste(valeur: Any) -> list:
    return valeur if isinstance(valeur, list) else [valeur]


_CHAMPS_CONNUS = (
    "weeks",
    "grades",
    "sector_uuid",
    "sector",
    "remote_id",
    "permalink",
    "zipcode",
    "coordinates",
    "title",
    "description",
    "max_candidates",
)

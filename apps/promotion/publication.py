"""Publier les projets d'une session sur « 1 élève, 1 stage », ou l'écrire (--dry-run).

Une offre par projet publié sur la carte (statut « publié », donc validé), identifiée par le
code du projet (`remote_id`). Idempotent : une offre dont l'empreinte n'a pas changé n'est
pas renvoyée ; une offre changée est modifiée (PATCH) ; une offre inconnue est créée (POST),
et si elle existe déjà là-bas (409), elle est reprise par PATCH — jamais de doublon. Un
projet retiré de la carte, plus validé ou supprimé voit son offre dépubliée
(`published_at: null`). Le refus d'un projet n'arrête pas les autres ; seule une API
indisponible (après les reprises) interrompt l'envoi.
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
    libelle,
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
    """Offres publiées de la session dont le projet n'est plus publié (retiré, renvoyé,
    supprimé), et offres orphelines de toute session."""
    return (
        PublicationNationale.objects.filter(publiee=True)
        .filter(Q(session=session) | Q(projet__isnull=True))
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
    for projet in projets_a_publier(session):
        construite = construire_offre(projet, url_site, None)
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


def _fiche(projet: Projet, code: str) -> tuple[PublicationNationale | None, str]:
    """La fiche du projet (créée au besoin), ou un message si le code est déjà pris par
    l'offre d'un autre projet."""
    fiche = PublicationNationale.objects.filter(projet=projet).first()
    if fiche is not None and fiche.remote_id == code:
        return fiche, ""
    autre = PublicationNationale.objects.filter(remote_id=code).exclude(projet=projet).first()
    if autre is not None and autre.projet_id is not None:
        return fiche, (
            f"{nommer(projet)} : {libelle('remote_id')} « {code} » déjà utilisé par "
            f"l'offre d'un autre projet (« {autre.projet} ») ; rendez les codes uniques"
        )
    if fiche is None:
        if autre is not None:  # offre d'un projet supprimé, de même code : reprise
            autre.projet = projet
            return autre, ""
        return PublicationNationale(projet=projet, remote_id=code), ""
    # Le code du projet a changé : l'ancienne offre sera dépubliée à part.
    if autre is not None:
        autre.delete()
    nouvelle = PublicationNationale(projet=projet, remote_id=code)
    fiche.projet = None
    fiche.save()
    return nouvelle, ""


def _publier_projet(
    projet: Projet,
    client: ClientUnEleveUnStage,
    index: dict[str, str],
    url_site: str,
    bilan: Bilan,
) -> None:
    construite = construire_offre(projet, url_site, index)
    fiche, conflit = _fiche(projet, construite.code)
    if conflit:
        bilan.refus.append(conflit)
        _noter_erreur(fiche, conflit)
        return
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

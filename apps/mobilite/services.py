"""Téléverser un flux GTFS (validé par le moteur, tout ou rien) et le donner au moteur.

API pour les autres apps (adaptateurs vers le moteur) :

    parametres_transport(session) -> ParametresTransport | None
    avec_transport(session.parametres(), parametres_transport(session))  # moteur.transport
    horaires(session) -> Horaires | None      # le réseau du jour, prêt pour les calculs
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.campagnes.models import Session
from apps.mobilite.models import FluxTransport, dossier_des_flux, premier_jour_couvert
from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.transport.cache import charger
from moteur.transport.couverture import Couverture, couverture, valider, verifier_jour
from moteur.transport.parametres import ParametresTransport
from moteur.transport.reseau import Reseau

journal = logging.getLogger(__name__)

TAILLE_MAX_DEFAUT = 200 * 1024 * 1024  # l'agrégat normand compressé : quelques dizaines de Mo


def taille_max() -> int:
    return int(getattr(settings, "MOBILITE_TAILLE_MAX_GTFS", TAILLE_MAX_DEFAUT))


def parametres_transport(session: Session) -> ParametresTransport | None:
    """Les paramètres du moteur pour la session, ou None (pas de flux téléversé)."""
    flux = FluxTransport.objects.filter(session=session).select_related("session").first()
    return flux.parametres() if flux is not None else None


@dataclass(frozen=True, slots=True)
class Horaires:
    """Les paramètres du flux d'une session et le réseau de son jour de calcul."""

    parametres: ParametresTransport
    reseau: Reseau

    @property
    def jour(self) -> date:
        assert self.parametres.jour is not None  # toujours fixé par FluxTransport.parametres
        return self.parametres.jour


def horaires(session: Session) -> Horaires | None:
    """Le réseau du jour des horaires de la session, ou None : pas de flux, fichier disparu,
    ou flux devenu illisible (noté dans le journal, sans trace pour l'utilisateur : les
    pages retombent alors sur les distances à vol d'oiseau et le disent)."""
    parametres = parametres_transport(session)
    if parametres is None or parametres.jour is None or not parametres.gtfs.is_file():
        return None
    try:
        return Horaires(parametres, _reseau(parametres.gtfs, parametres.jour))
    except ErreurUtilisateur as erreur:
        journal.warning("flux GTFS de la session %s illisible : %s", session.pk, erreur)
        return None


@lru_cache(maxsize=4)
def _reseau(chemin: Path, jour: date) -> Reseau:
    """Le réseau du jour, gardé en mémoire : le zip est rangé par empreinte (un autre
    contenu a un autre chemin), et le prétraitement est aussi gardé sur disque."""
    return charger(chemin, jour, dossier_cache())[0]


def dossier_cache() -> Path:
    """Le prétraitement des flux (un fichier par empreinte et jour), à côté des zip."""
    return dossier_des_flux() / "cache"


def enregistrer_flux(session: Session, fichier: UploadedFile, utilisateur) -> FluxTransport:
    """Valide le zip (lecture complète des horaires du jour de calcul) puis l'enregistre.
    Lève ErreurUtilisateur (message en français) ; en cas d'erreur rien n'est gardé."""
    if fichier.size is not None and fichier.size > taille_max():
        raise ErreurUtilisateur(
            Probleme(f"fichier trop gros ({_mo(fichier.size)} ; au plus {_mo(taille_max())})")
        )
    dossier = dossier_des_flux()
    dossier.mkdir(parents=True, exist_ok=True)
    # Un dossier temporaire à soi : le zip y garde le nom donné par l'utilisateur, que les
    # messages du moteur citent (« reseau.zip › stop_times.txt, ligne 12 … »).
    attente = Path(tempfile.mkdtemp(dir=dossier, prefix=".televersement-"))
    try:
        temporaire = attente / _nom_sur(fichier.name)
        empreinte = _copier(fichier, temporaire)
        cov = couverture(temporaire)
        ancien = FluxTransport.objects.filter(session=session).first()
        jour = _jour_de_validation(session, cov, ancien)
        valider(temporaire, jour, dossier_cache())  # le réseau du jour, prêt pour les pages
        final = dossier / f"{empreinte}.zip"
        os.replace(temporaire, final)
    finally:
        shutil.rmtree(attente, ignore_errors=True)
    with transaction.atomic():
        flux, _ = FluxTransport.objects.update_or_create(
            session=session,
            defaults={
                "nom_fichier": (fichier.name or "gtfs.zip")[:200],
                "empreinte": empreinte,
                "taille": final.stat().st_size,
                "nb_arrets": cov.nb_arrets,
                "nb_lignes": cov.nb_lignes,
                "debut_service": cov.debut,
                "fin_service": cov.fin,
                "jour_calcul": ancien.jour_calcul
                if ancien and jour == ancien.jour_calcul
                else None,
                "televerse_par": utilisateur,
            },
        )
    if ancien is not None and ancien.empreinte != empreinte:
        _oublier_fichier(ancien.empreinte)
    return flux


def _copier(fichier: UploadedFile, cible: Path) -> str:
    """Copie le fichier téléversé (borné en taille) ; rend son empreinte SHA-256."""
    h = hashlib.sha256()
    ecrits = 0
    with cible.open("wb") as sortie:
        for morceau in fichier.chunks():
            ecrits += len(morceau)
            if ecrits > taille_max():
                raise ErreurUtilisateur(
                    Probleme(f"fichier trop gros (au plus {_mo(taille_max())})")
                )
            h.update(morceau)
            sortie.write(morceau)
    if not ecrits:
        raise ErreurUtilisateur(Probleme("fichier vide"))
    return h.hexdigest()


def _nom_sur(nom: str | None) -> str:
    """Le nom donné par le navigateur, réduit à des caractères sûrs pour un fichier."""
    base = Path(nom or "gtfs.zip").name
    sur = "".join(c if c.isalnum() or c in "-_." else "_" for c in base)[:80]
    return sur or "gtfs.zip"


def _jour_de_validation(session: Session, cov: Couverture, ancien: FluxTransport | None) -> date:
    """Le jour choisi s'il est encore couvert, sinon le premier jour ouvré couvert."""
    jours = session.jours_ouvres
    if ancien is not None and ancien.jour_calcul and cov.debut <= ancien.jour_calcul <= cov.fin:
        return ancien.jour_calcul
    if not any(cov.debut <= j <= cov.fin for j in jours):
        raise ErreurUtilisateur(
            Probleme(
                f"le flux ne couvre aucun jour ouvré de la session : il va du "
                f"{cov.debut:%d/%m/%Y} au {cov.fin:%d/%m/%Y}, la session du "
                f"{session.date_debut:%d/%m/%Y} au {session.date_fin:%d/%m/%Y}"
            )
        )
    return premier_jour_couvert(jours, cov.debut, cov.fin)


def _oublier_fichier(empreinte: str) -> None:
    if not FluxTransport.objects.filter(empreinte=empreinte).exists():
        with contextlib.suppress(OSError):
            (dossier_des_flux() / f"{empreinte}.zip").unlink()


def changer_reglages(
    flux: FluxTransport, jour: date | None, duree_max_min: int, arrivee
) -> FluxTransport:
    """Change le jour des horaires, la durée maximale, l'heure d'arrivée ; le jour doit
    être dans la période du flux (ErreurUtilisateur sinon)."""
    if jour is not None:
        cov = couverture(flux.chemin)
        verifier_jour(Path(flux.nom_fichier), cov, jour)
        charger(flux.chemin, jour, dossier_cache())  # prétraité ici, pas à la première page
    flux.jour_calcul, flux.duree_max_min, flux.arrivee = jour, duree_max_min, arrivee
    flux.save(update_fields=["jour_calcul", "duree_max_min", "arrivee", "televerse_le"])
    return flux


def _mo(octets: int) -> str:
    return f"{octets / 1024 / 1024:.1f} Mo".replace(".", ",")

"""`stages-collectifs publier --api URL [--session ID] [--dry-run DOSSIER]` : publie les
projets de la session sur « 1 élève, 1 stage » (API v2). Identifiants du compte opérateur
dans l'environnement : UN_ELEVE_UN_STAGE_EMAIL et UN_ELEVE_UN_STAGE_MOT_DE_PASSE.
Code 0 si tout est accepté, 1 si un projet est refusé ou l'envoi interrompu, 2 sur une
entrée invalide (identifiants absents ou refusés, session inconnue, adresse invalide)."""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from apps.planification.commandes import demarrer_django
from moteur.erreurs import ErreurUtilisateur

AIDE = (
    "Publie chaque projet publié sur la carte comme une offre de « 1 élève, 1 stage » "
    "(création, mise à jour, dépublication des projets retirés) ; --dry-run écrit les charges "
    "JSON sans rien appeler."
)


def _url(texte: str) -> str:
    morceaux = urlsplit(texte)
    if morceaux.scheme not in ("http", "https") or not morceaux.netloc:
        raise argparse.ArgumentTypeError(
            f"adresse invalide « {texte} » : attendu http(s)://hôte/chemin, par exemple "
            "https://1eleve1stage.education.gouv.fr/api/v2"
        )
    return texte


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api", type=_url, required=True, metavar="URL", help="adresse de l'API v2"
    )
    parser.add_argument(
        "--session", type=int, default=None, metavar="ID", help="session (défaut : l'active)"
    )
    parser.add_argument(
        "--dry-run",
        type=Path,
        default=None,
        metavar="DOSSIER",
        help="écrit une charge JSON par offre dans DOSSIER, sans aucun appel réseau",
    )


def _session(identifiant: int | None):
    from apps.campagnes.models import Session

    if identifiant is None:
        session = Session.objects.active()
        if session is None:
            raise ErreurUtilisateur("aucune session active : précisez --session ID")
        return session
    session = Session.objects.filter(pk=identifiant).first()
    if session is None:
        raise ErreurUtilisateur(f"--session {identifiant} : session inconnue")
    return session


def executer(args: argparse.Namespace) -> int:
    demarrer_django()
    from apps.promotion.client import ErreurConnexion
    from apps.promotion.publication import publier, simuler
    from apps.promotion.reglages import URL_SITE_PAR_DEFAUT, lire_reglages

    session = _session(args.session)
    reglages = lire_reglages(args.api)
    url_site = reglages.url_site or URL_SITE_PAR_DEFAUT
    if args.dry_run is not None:
        if args.dry_run.exists() and not args.dry_run.is_dir():
            raise ErreurUtilisateur(f"{args.dry_run} : n'est pas un dossier")
        bilan = simuler(session, args.dry_run, url_site)
    else:
        try:
            with reglages.client() as client:
                bilan = publier(session, client, url_site)
        except ErreurConnexion as exc:
            raise ErreurUtilisateur(str(exc)) from None
    print(f"Session « {session.nom} » :")
    for ligne in bilan.lignes():
        print(ligne)
    return 0 if bilan.reussi else 1

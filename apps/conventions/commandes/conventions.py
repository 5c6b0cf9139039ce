"""`stages-collectifs conventions IN_DIR PLAN_DIR --out DIR` : les conventions en masse.

Pour chaque élève placé : `DIR/<eleve_id>.pdf` (la convention et ses annexes, identité
prise dans `identites.csv` s'il existe, blancs à compléter sinon) et `DIR/<eleve_id>.ics`
(un événement par jour) ; puis un ZIP par établissement (`DIR/<uai>.zip`). Aucune base de
données ; aucune donnée personnelle n'est imprimée à l'écran.
Code de sortie : 0 documents écrits, 1 aucun élève placé, 2 entrée invalide.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

AIDE = (
    "Écrit la convention (PDF) et le calendrier (.ics) de chaque élève placé, "
    "et un ZIP par établissement."
)


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dossier_session",
        metavar="IN_DIR",
        type=Path,
        help="dossier de session (session.json, eleves.csv, identites.csv…)",
    )
    parser.add_argument(
        "dossier_plan",
        metavar="PLAN_DIR",
        type=Path,
        help="dossier du plan (affectations.csv, planning.csv)",
    )
    parser.add_argument(
        "--out",
        dest="sortie",
        metavar="DIR",
        type=Path,
        required=True,
        help="dossier où écrire les documents (créé au besoin)",
    )
    parser.add_argument(
        "--signature-structures",
        action="store_true",
        help="chaque structure d'accueil signe aussi la convention",
    )


def executer(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from apps.conventions.lots import ecrire_lot
    from moteur.documents import OptionsConvention, eleves_places
    from moteur.erreurs import ErreurUtilisateur
    from moteur.format import lire_plan, lire_session

    session = lire_session(args.dossier_session)
    plan = lire_plan(args.dossier_plan, session)
    for avertissement in session.avertissements:
        print(f"Avertissement : {avertissement}", file=sys.stderr)
    nombre = len(eleves_places(session, plan))
    if nombre == 0:
        print("Aucun élève placé : aucune convention à écrire.")
        return 1
    try:
        args.sortie.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ErreurUtilisateur(
            f"impossible de créer le dossier {args.sortie} : {exc.strerror}"
        ) from exc
    options = OptionsConvention(signature_par_structures=args.signature_structures)

    def progression(ids):
        return tqdm(
            ids, total=nombre, desc="Conventions", unit="élève", file=sys.stderr, disable=None
        )

    bilan = ecrire_lot(session, plan, args.sortie, options, progression)
    print(
        f"{bilan.eleves} conventions et calendriers écrits dans {args.sortie} ; "
        f"{len(bilan.par_etablissement)} archive(s) ZIP, une par établissement."
    )
    return 0

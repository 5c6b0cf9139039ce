"""`stages-collectifs conseiller IN_DIR [PLAN_DIR] --out OUT_DIR [--policy stable|optimal]
[--seed N]`.

Sans base de données. Avec PLAN_DIR (sortie de `stages-collectifs plan`) : écrit
`recommandations.csv` (du meilleur au moins bon) et `eleves_concernes.csv` (élèves que
chaque nouveau projet placerait). Toujours : `pression_projets.csv` et
`pression_territoires.csv`, calculés à partir des seuls voeux (avant l'affectation).
Voir docs/conseiller.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from moteur.commandes.options import ajouter_politique_et_graine
from moteur.erreurs import ErreurUtilisateur

AIDE = "Conseille où recruter : places, jours ou projets qui placent le plus d'élèves."


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dossier_session", metavar="IN_DIR", type=Path, help="dossier de session")
    parser.add_argument(
        "plan",
        metavar="PLAN_DIR",
        type=Path,
        nargs="?",
        help="plan écrit par `stages-collectifs plan` (affectations.csv) ; sans lui, seulement "
        "la pression des voeux",
    )
    parser.add_argument("--out", dest="sortie", metavar="OUT_DIR", type=Path, required=True)
    ajouter_politique_et_graine(
        parser,
        aide_politique="politique de l'affectation du plan (défaut : stable, comme `plan`)",
        aide_graine="graine du plan (défaut : 0)",
    )
    parser.add_argument(
        "--bareme",
        dest="bareme",
        type=Path,
        help="barème JSON (défaut : le barème par défaut, comme `plan`)",
    )


def executer(args: argparse.Namespace) -> int:
    from moteur.affectation import charger_bareme
    from moteur.conseiller import (
        conseiller,
        ecrire_concernes,
        ecrire_pression,
        ecrire_recommandations,
        pression_projets,
        pression_territoires,
    )
    from moteur.format import lire_plan, lire_session

    if args.sortie.exists() and not args.sortie.is_dir():
        raise ErreurUtilisateur(f"{args.sortie} existe et n'est pas un dossier.")
    session = lire_session(args.dossier_session)
    bareme = charger_bareme(args.bareme) if args.bareme is not None else None
    plan = lire_plan(args.plan, session) if args.plan is not None else None
    args.sortie.mkdir(parents=True, exist_ok=True)
    ecrire_pression(args.sortie, pression_projets(session), pression_territoires(session))
    if plan is None:
        print(f"Pression des voeux écrite dans {args.sortie}.")
        return 0
    conseil = conseiller(session, plan, args.politique, args.graine, bareme)
    for avertissement in conseil.avertissements:
        print(f"Avertissement : {avertissement}", file=sys.stderr)
    ecrire_recommandations(args.sortie / "recommandations.csv", conseil.recommandations)
    ecrire_concernes(args.sortie / "eleves_concernes.csv", conseil.recommandations)
    durees = ", ".join(f"{k} {v:.2f} s" for k, v in conseil.durees.items())
    print(f"Durées : {durees}.", file=sys.stderr)
    print(
        f"{len(conseil.recommandations)} recommandations ({conseil.places_reference} élèves "
        f"placés sur {conseil.eleves}) écrites dans {args.sortie / 'recommandations.csv'}."
    )
    return 0

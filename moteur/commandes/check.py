"""`stages-collectifs check IN_DIR PLAN_DIR` : un plan respecte-t-il les six règles ?

Lit le dossier de session et le plan, imprime chaque violation en français puis un
résumé. Code de sortie : 0 plan valide, 1 violations trouvées, 2 entrée invalide.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from moteur.format import lire_plan, lire_session
from moteur.regles import TITRES_REGLES, verifier

AIDE = "Vérifie qu'un plan (affectations.csv, planning.csv) respecte les six règles."


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dossier_session",
        metavar="IN_DIR",
        type=Path,
        help="dossier de session (session.json, eleves.csv…)",
    )
    parser.add_argument(
        "dossier_plan",
        metavar="PLAN_DIR",
        type=Path,
        help="dossier du plan (affectations.csv, planning.csv)",
    )


def executer(args: argparse.Namespace) -> int:
    session = lire_session(args.dossier_session)
    plan = lire_plan(args.dossier_plan, session)
    for avertissement in session.avertissements:
        print(f"Avertissement : {avertissement}", file=sys.stderr)
    violations = verifier(session, plan)
    for violation in violations:
        print(violation)
    places = sum(1 for a in plan.affectations.values() if a.projet_id is not None)
    bilan = (
        f"{len(session.eleves)} élèves, {places} placés, {len(session.projets)} projets, "
        f"{len(plan.planning)} lignes de planning"
    )
    if not violations:
        print(f"Plan valide : les six règles sont respectées ({bilan}).")
        return 0
    par_regle = Counter(v.regle for v in violations)
    detail = " ; ".join(
        f"règle {r} ({TITRES_REGLES[r]}) : {n}" for r, n in sorted(par_regle.items())
    )
    pluriel = "s" if len(violations) > 1 else ""
    print(f"Plan invalide : {len(violations)} violation{pluriel} ({detail}) — {bilan}.")
    return 1

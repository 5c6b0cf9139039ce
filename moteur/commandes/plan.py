"""`stages-collectifs plan IN_DIR --out OUT_DIR [--policy stable|optimal] [--seed N]
[--depuis PLAN_DIR]`.

Sans base de données : lit le dossier de session, place les élèves, construit les
programmes, écrit `affectations.csv`, `planning.csv`, `rapport.md` et `composantes.csv`
dans OUT_DIR. Avec `--depuis PLAN_DIR` (plan publié), répare ce plan sans déranger :
`affectations.csv`, `planning.csv`, `changements.csv` et `rapport.md`.
Même entrée et même graine : même sortie.

Progression : une barre sur un terminal ; sinon quelques lignes de journal (une par étape),
jamais de flot de retours chariot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moteur.commandes.options import ajouter_politique_et_graine
from moteur.erreurs import ErreurUtilisateur

AIDE = "Affecte les élèves aux projets et construit les programmes (sans base de données)."


def ajouter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dossier_session",
        metavar="IN_DIR",
        type=Path,
        help="dossier de session (session.json, eleves.csv…)",
    )
    parser.add_argument(
        "--out",
        dest="sortie",
        metavar="OUT_DIR",
        type=Path,
        required=True,
        help="dossier où écrire affectations.csv, planning.csv et rapport.md",
    )
    ajouter_politique_et_graine(
        parser,
        aide_politique="politique d'affectation (défaut : stable)",
        aide_graine="graine du tirage au sort (défaut : 0)",
    )
    parser.add_argument(
        "--rotation-limite",
        dest="limite",
        type=float,
        default=60.0,
        metavar="SECONDES",
        help=(
            "budget du solveur des programmes, en temps déterministe de CP-SAT (≈ secondes, "
            "défaut : 60), réparti à l'avance entre les groupes de projets liés (résolus en "
            "parallèle sur les cœurs de la machine, même résultat quel qu'en soit le nombre) ; "
            "un groupe que le glouton résout de façon prouvée optimale ne coûte rien"
        ),
    )
    parser.add_argument(
        "--sans-rotation", action="store_true", help="affectation seule : planning.csv reste vide"
    )
    parser.add_argument(
        "--depuis",
        dest="depuis",
        metavar="PLAN_DIR",
        type=Path,
        help=(
            "plan publié (affectations.csv, planning.csv) à réparer sans déranger : "
            "désistements, arrivées tardives, jours ou accueil des structures modifiés, "
            "projets retirés"
        ),
    )
    parser.add_argument(
        "--tours",
        dest="tours",
        type=int,
        default=4,
        metavar="N",
        help="tours de la boucle affectation ⇄ programmes (défaut : 4 ; 1 = sans boucle)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="sans barre de progression")


def executer(args: argparse.Namespace) -> int:
    from moteur.format import ecrire_plan, lire_session
    from moteur.planificateur import planifier, texte_rapport_plan
    from moteur.rapport import ecrire_composantes_csv

    if args.sortie.exists() and not args.sortie.is_dir():
        raise ErreurUtilisateur(f"{args.sortie} existe et n'est pas un dossier.")
    if args.tours < 1:
        raise ErreurUtilisateur("--tours : il faut au moins 1 tour.")
    session = lire_session(args.dossier_session)
    for avertissement in session.avertissements:
        print(f"Avertissement : {avertissement}", file=sys.stderr)
    if args.depuis is not None:
        return _reparer(args, session)
    with Progression(args.quiet) as signaler:
        resultat = planifier(
            session,
            args.politique,
            args.graine,
            limite_rotation_s=args.limite,
            avec_rotation=not args.sans_rotation,
            progression=signaler,
            tours_boucle=args.tours,
        )
    ecrire_plan(resultat.plan, session, args.sortie)
    rapport = texte_rapport_plan(session, resultat)
    (args.sortie / "rapport.md").write_text(rapport, encoding="utf-8")
    ecrire_composantes_csv(args.sortie / "composantes.csv", resultat.rotation)
    durees = ", ".join(f"{etape} {duree:.2f} s" for etape, duree in resultat.durees.items())
    print(f"Durées : {durees}.", file=sys.stderr)
    places = sum(1 for a in resultat.plan.affectations.values() if a.projet_id)
    print(
        f"{places} élèves placés sur {len(session.eleves)} (borne max-flot : {resultat.borne} ; "
        f"affectation : {len(resultat.affectation.placees)}) ; "
        f"plan écrit dans {args.sortie} (rapport : {args.sortie / 'rapport.md'})."
    )
    return 0


def _reparer(args: argparse.Namespace, session: Any) -> int:
    from moteur.reparation import ecrire_reparation, lire_plan_publie, reparer

    publie = lire_plan_publie(args.depuis)
    reparation = reparer(session, publie, args.graine)
    ecrire_reparation(reparation, session, args.sortie)
    places = sum(1 for a in reparation.plan.affectations.values() if a.projet_id)
    print(
        f"Plan réparé : {places} élèves placés sur {len(session.eleves)}, "
        f"{reparation.gardes} affectations gardées, {len(reparation.changements)} changements "
        f"(changements.csv), {len(reparation.journees)} journées reportées ; écrit dans "
        f"{args.sortie}."
    )
    return 0


class Progression:
    """Sur un terminal : barre tqdm (sortie d'erreur). Sinon : une ligne de journal par
    étape, sans retour chariot. Rien avec --quiet."""

    def __init__(self, silencieux: bool, flux: Any = None) -> None:
        self.silencieux = silencieux
        self.flux = flux if flux is not None else sys.stderr
        self.barre: Any = None  # tqdm (sans annotations de types)

    def __enter__(self) -> Callable[[str, float], None]:
        if self.silencieux:
            return lambda _etape, _x: None
        terminal = bool(getattr(self.flux, "isatty", lambda: False)())
        if not terminal:
            return self._journal()
        from tqdm import tqdm  # type: ignore[import-untyped]

        barre = tqdm(
            total=100,
            file=self.flux,
            unit="%",
            leave=False,
            mininterval=0.5,
            bar_format="{desc} {bar} {percentage:3.0f} %",
        )
        self.barre = barre

        def signaler(etape: str, avancement: float) -> None:
            # Redessinée à chaque nouvelle étape, sinon au plus toutes les 0,5 s.
            barre.set_description_str(etape, refresh=etape != barre.desc)
            barre.update(max(0, round(100 * avancement) - barre.n))

        return signaler

    def _journal(self) -> Callable[[str, float], None]:
        vue: list[str] = []

        def signaler(etape: str, avancement: float) -> None:
            if vue and vue[-1] == etape:
                return
            vue.append(etape)
            print(f"plan : {etape} ({round(100 * avancement)} %)", file=self.flux, flush=True)

        return signaler

    def __exit__(self, *exc: object) -> None:
        if self.barre is not None:
            self.barre.close()

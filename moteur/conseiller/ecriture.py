"""Écriture des fichiers du conseiller (CSV UTF-8, séparateur virgule, comme le format)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from moteur.conseiller.modele import COLONNES, Recommandation
from moteur.conseiller.pression import PressionProjet, PressionTerritoire
from moteur.format.ecriture import ecrire_csv


def _ratio(valeur: float | None) -> str:
    return "" if valeur is None else f"{valeur:.2f}"


def ligne(r: Recommandation) -> tuple[object, ...]:
    premiers = "" if r.gain_premiers_voeux is None else r.gain_premiers_voeux
    return (
        r.rang,
        r.action,
        r.projet_id,
        r.commune_insee,
        r.quantite,
        r.gain_eleves,
        premiers,
        r.explication,
    )


def ecrire_recommandations(chemin: Path, recos: Iterable[Recommandation]) -> None:
    ecrire_csv(chemin, COLONNES, (ligne(r) for r in recos))


def ecrire_concernes(chemin: Path, recos: Iterable[Recommandation]) -> None:
    """Pour chaque nouveau projet : les élèves (identifiants pseudonymes) qui l'ajoutent
    en dernier voeu quand on applique la recommandation."""
    lignes = (
        (r.rang, m.cible, eid)
        for r in recos
        for m in r.modifications
        if m.type == "nouveau_projet"
        for eid in m.eleves
    )
    ecrire_csv(chemin, ("rang", "projet_id", "eleve_id"), lignes)


def ecrire_pression(
    dossier: Path, projets: Iterable[PressionProjet], territoires: Iterable[PressionTerritoire]
) -> None:
    ecrire_csv(
        dossier / "pression_projets.csv",
        (
            "projet_id",
            "commune_insee",
            "places",
            "demandeurs",
            "premiers_voeux",
            "ratio",
            "ratio_premiers_voeux",
        ),
        (
            (
                p.projet_id,
                p.commune_insee,
                p.places,
                p.demandeurs,
                p.premiers_voeux,
                _ratio(p.ratio),
                _ratio(p.ratio_premiers),
            )
            for p in projets
        ),
    )
    ecrire_csv(
        dossier / "pression_territoires.csv",
        ("epci", "candidats", "places", "projets", "candidats_par_place"),
        ((t.epci, t.candidats, t.places, t.projets, _ratio(t.ratio)) for t in territoires),
    )

"""Trouver les tableaux d'un dossier : un CSV par fichier, ou une feuille de `session.xlsx`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from moteur.erreurs import ErreurUtilisateur
from moteur.format.schema import schema
from moteur.format.sources import (
    Classeur,
    FichierIllisible,
    Table,
    fichiers_du_dossier,
    ouvrir_csv,
)
from moteur.format.validation import (
    Collecteur,
    Paquet,
    lignes_validees,
    paquets_valides,
    verifier_entete,
)

T = TypeVar("T")

CLASSEUR = "session.xlsx"


class DossierSession:
    """Accès aux tableaux d'un dossier ; les problèmes vont dans le collecteur."""

    def __init__(self, dossier: Path, collecteur: Collecteur, avertissements: list[str]) -> None:
        if not dossier.is_dir():
            raise ErreurUtilisateur(f"dossier introuvable : {dossier}")
        self.dossier = dossier
        self.collecteur = collecteur
        self.avertissements = avertissements
        try:
            self.fichiers = fichiers_du_dossier(dossier)
        except OSError as exc:
            raise ErreurUtilisateur(f"dossier illisible : {dossier} ({exc.strerror})") from None
        self.classeur: Classeur | None = None
        if CLASSEUR in self.fichiers:
            try:
                self.classeur = Classeur(self.fichiers[CLASSEUR])
            except FichierIllisible as exc:
                collecteur.ajouter_probleme(exc.probleme)

    def fermer(self) -> None:
        if self.classeur is not None:
            self.classeur.fermer()

    def __enter__(self) -> DossierSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fermer()

    def fichier(self, nom: str) -> Path | None:
        return self.fichiers.get(nom.lower())

    def table(self, nom: str, requis: bool = True) -> Table | None:
        """Le tableau `nom` (sans `.csv`), ou None s'il est absent ou illisible."""
        chemin = self.fichiers.get(f"{nom}.csv")
        feuille = self.classeur is not None and nom in self.classeur.feuilles
        try:
            if chemin is not None:
                if feuille:
                    self.avertissements.append(
                        f"{nom}.csv et la feuille « {nom} » de {CLASSEUR} existent tous deux : "
                        f"{nom}.csv est utilisé"
                    )
                return ouvrir_csv(chemin, chemin.name)
            if self.classeur is not None and feuille:
                return self.classeur.table(nom)
        except FichierIllisible as exc:
            self.collecteur.ajouter_probleme(exc.probleme)
            return None
        except OSError as exc:
            self.collecteur.ajouter(f"fichier illisible ({exc.strerror})", f"{nom}.csv")
            return None
        if requis:
            ou = f" ni feuille « {nom} » dans {CLASSEUR}" if self.classeur is not None else ""
            self.collecteur.ajouter(
                f"fichier obligatoire absent (pas de {nom}.csv{ou})", nom + ".csv"
            )
        return None

    def _schema_accepte(self, nom: str, requis: bool) -> Table | None:
        table = self.table(nom, requis)
        if table is None:
            return None
        if not verifier_entete(table, schema(nom), self.collecteur):
            table.paquets.close()  # type: ignore[attr-defined]
            return None
        return table

    def paquets(self, nom: str, requis: bool = True) -> tuple[str, Iterator[Paquet]] | None:
        """Les lignes validées du tableau `nom` par paquets, ou None s'il est inutilisable."""
        table = self._schema_accepte(nom, requis)
        if table is None:
            return None
        paquets = paquets_valides(table, schema(nom), self.collecteur)
        return table.fichier, _proteger(paquets, self.collecteur)

    def lignes(
        self, nom: str, requis: bool = True
    ) -> tuple[str, Iterator[tuple[int, dict[str, Any], bool]]] | None:
        """Les lignes validées du tableau `nom` une à une, ou None s'il est inutilisable."""
        table = self._schema_accepte(nom, requis)
        if table is None:
            return None
        lignes = lignes_validees(table, schema(nom), self.collecteur)
        return table.fichier, _proteger(lignes, self.collecteur)


def _proteger(elements: Iterator[T], collecteur: Collecteur) -> Iterator[T]:
    """Un fichier qui devient illisible en cours de route : noter et s'arrêter là."""
    try:
        yield from elements
    except FichierIllisible as exc:
        collecteur.ajouter_probleme(exc.probleme)

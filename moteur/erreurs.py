"""Erreurs destinées aux utilisateurs : toujours en français, jamais de trace Python."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Probleme:
    """Un problème localisé : fichier, ligne (1 = ligne d'en-tête) et colonne."""

    message: str
    fichier: str = ""
    ligne: int | None = None
    colonne: str = ""

    def __str__(self) -> str:
        lieu = []
        if self.fichier:
            lieu.append(self.fichier)
        if self.ligne is not None:
            lieu.append(f"ligne {self.ligne}")
        if self.colonne:
            lieu.append(f"colonne « {self.colonne} »")
        return f"{', '.join(lieu)} : {self.message}" if lieu else self.message


class ErreurUtilisateur(Exception):
    """Entrée refusée. Porte un ou plusieurs problèmes localisés ; code de sortie 2."""

    def __init__(self, problemes: list[Probleme] | Probleme | str) -> None:
        if isinstance(problemes, str):
            problemes = [Probleme(problemes)]
        elif isinstance(problemes, Probleme):
            problemes = [problemes]
        self.problemes = problemes
        super().__init__("\n".join(str(p) for p in problemes))

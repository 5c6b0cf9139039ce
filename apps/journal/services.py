"""L'unique point d'entrée du journal : chaque vue qui montre, exporte, modifie ou supprime
des données personnelles d'élèves appelle `journaliser` (une ligne, jamais de nom)."""

from __future__ import annotations

from typing import Any

from apps.journal.models import Action, EntreeJournal

__all__ = ["Action", "journaliser"]


def journaliser(
    utilisateur: Any,
    action: str,
    objet: str,
    *,
    session: Any = None,
    nombre_eleves: int = 1,
    acteur: str | None = None,
) -> EntreeJournal:
    """Consigne un accès. `utilisateur` est `request.user` (ou None pour une commande) ;
    `objet` décrit les données sans nom d'élève (« convention de l'élève E042 (PDF) »).
    `acteur` nomme qui agit sans compte connecté (« lien de signature ») ; à défaut,
    « (commande) »."""
    connecte = utilisateur is not None and getattr(utilisateur, "is_authenticated", False)
    anonyme = (acteur or "").strip()[:150] or "(commande)"
    return EntreeJournal.objects.create(
        utilisateur=utilisateur if connecte else None,
        identifiant_utilisateur=utilisateur.get_username() if connecte else anonyme,
        role=("coordinateur" if utilisateur.est_coordinateur else utilisateur.role)
        if connecte
        else "",
        action=action,
        objet=objet[:300],
        session=session,
        nombre_eleves=nombre_eleves,
    )

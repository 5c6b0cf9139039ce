"""Ce que les autres espaces montrent des conventions sans importer cette app (pas de cycle
entre apps) : le nombre de signatures qu'un compte doit encore donner."""

from __future__ import annotations

from typing import Any

from django import template

from apps.conventions.signatures import a_signer_par

register = template.Library()


@register.simple_tag
def nombre_a_signer(utilisateur: Any) -> int:
    """Signatures en attente que `utilisateur` donne lui-même (0 pour la coordination)."""
    if not utilisateur.is_authenticated or utilisateur.est_coordinateur:
        return 0
    return a_signer_par(utilisateur).count()

"""Sous-commandes de `stages-collectifs` fournies par l'app conventions."""

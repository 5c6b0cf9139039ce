"""Les sous-commandes de l'interface web (`serve`) de `stages-collectifs`."""

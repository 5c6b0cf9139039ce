"""Les sous-commandes de `stages-collectifs`.

Chaque module expose `AIDE: str`, `ajouter_arguments(parser) -> None` et
`executer(args) -> int` (code de sortie : 0 succès, 1 constat négatif, 2 entrée invalide).
Les commandes du moteur (`check`, `plan`) n'ont besoin d'aucune base de données ;
celles de la plateforme (`import`, `export`, `demo`, `serve`, `conventions`) démarrent Django.
"""

"""Le code d'un projet, envoyé comme `remote_id` à « 1 élève, 1 stage ».

Une seule fonction, pour pouvoir changer le code en un seul endroit : le code court lisible
du projet (« 61-027 », issue 11) quand le modèle en a un, sinon son identifiant dans la
session (colonne `id` du dossier de session, « P01 »…). Un projet dont le code change voit
son ancienne offre dépubliée et une nouvelle créée (voir `publication._fiche`).

Le code n'est unique que dans une session : un projet reconduit le garde, et les numéros
repartent de 1 à chaque saison. Le même code d'une saison à l'autre désigne donc la même
offre nationale, reprise par le projet de la saison la plus récente."""

from __future__ import annotations

from apps.projets.models import Projet


def code_du_projet(projet: Projet) -> str:
    code = str(getattr(projet, "code", "") or "").strip()
    return code or projet.identifiant.strip()

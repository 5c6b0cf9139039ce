"""Ce que rend l'allocation : affectations, raisons des non-placés, indicateurs."""

from __future__ import annotations

from dataclasses import dataclass, field

from moteur.modele import Affectation

POLITIQUES = ("stable", "optimal", "premier-arrive")


@dataclass(slots=True)
class Indicateurs:
    """Les critères « soft » du format, calculés sur une affectation."""

    eleves: int = 0
    places: int = 0  # somme des capacités utilisées (min(places, capacité effective))
    eleves_places: int = 0
    premier_voeu: int = 0
    rang_moyen: float = 0.0  # parmi les placés
    taux_placement: float = 0.0
    taux_premier_voeu: float = 0.0  # parmi tous les élèves
    taux_boursiers: float = 0.0
    taux_non_boursiers: float = 0.0
    taux_ruraux: float = 0.0
    taux_non_ruraux: float = 0.0
    # max(non-boursiers − boursiers, non-ruraux − ruraux), en points de taux :
    # positif = les publics prioritaires sont moins bien placés ; plus petit = mieux.
    ecart_egalite: float = 0.0
    projets_deux_genres: int = 0  # demandés par les deux genres, au moins un élève placé
    projets_mixtes: int = 0  # parmi eux : aucun genre sous le seuil
    part_mixite: float = 1.0
    distance_moyenne_km: float = 0.0
    distance_max_km: float = 0.0


@dataclass(slots=True)
class ResultatAffectation:
    politique: str
    graine: int
    # Tous les élèves de la session, dans l'ordre du fichier ; projet_id None si non placé.
    affectations: dict[str, Affectation] = field(default_factory=dict)
    raisons: dict[str, str] = field(default_factory=dict)  # non-placés seulement
    indicateurs: Indicateurs = field(default_factory=Indicateurs)
    capacites: dict[str, int] = field(default_factory=dict)  # capacités utilisées
    # Politique « optimale » en taux minimum : les indicateurs du même flot sans l'égalité
    # des chances (même nombre de placés), pour mesurer ce qu'elle coûte en premiers voeux.
    sans_egalite: Indicateurs | None = None
    # Égalité des chances : une phrase par public (boursiers, ruraux), en français, qui dit
    # si le taux est dans la fourchette et sinon pourquoi.
    constats_egalite: list[str] = field(default_factory=list)

    def projet_de(self, eleve_id: str) -> str | None:
        affectation = self.affectations.get(eleve_id)
        return affectation.projet_id if affectation else None

    @property
    def placees(self) -> dict[str, str]:
        return {e: a.projet_id for e, a in self.affectations.items() if a.projet_id is not None}

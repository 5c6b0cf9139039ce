"""L'état d'un plan en cours de réparation : groupes, programmes, charge des structures.

Toutes les opérations sont faites dans un ordre fixe (ordre des fichiers ou ordre trié) :
même entrée, même réparation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from moteur.distances import haversine_km
from moteur.format.ecriture import cle_naturelle
from moteur.modele import Session, StructureAccueil

Cle = tuple[str, str]  # (projet, groupe)


@dataclass(slots=True)
class Etat:
    session: Session
    membres: dict[Cle, list[str]] = field(default_factory=dict)
    jours: dict[Cle, dict[date, str]] = field(default_factory=dict)
    charge: dict[tuple[str, date], int] = field(default_factory=dict)
    utilises: dict[str, set[date]] = field(default_factory=dict)

    # --- lecture ---------------------------------------------------------------------
    def groupes_du_projet(self, pid: str) -> list[Cle]:
        return sorted((c for c in self.membres if c[0] == pid), key=lambda c: cle_naturelle(c[1]))

    def effectif_projet(self, pid: str) -> int:
        return sum(len(self.membres[c]) for c in self.groupes_du_projet(pid))

    def structures_du_projet(self, pid: str) -> list[StructureAccueil]:
        projet = self.session.projets[pid]
        structures = self.session.structures
        return [structures[s] for s in projet.structures if s in structures]

    def age_ok(self, eleves: list[str], s: StructureAccueil, jour: date) -> bool:
        return all(self.session.eleves[e].age_le(jour) >= s.age_min for e in eleves)

    def peut_accueillir(self, s: StructureAccueil, jour: date, n: int) -> bool:
        """La structure peut-elle recevoir n élèves de plus ce jour (jours, accueil, jours_max) ?"""
        if jour not in s.jours_possibles(self.session.jours):
            return False
        if self.charge.get((s.id, jour), 0) + n > s.accueil_max:
            return False
        jours = self.utilises.get(s.id, set())
        return jour in jours or s.jours_max is None or len(jours) < s.jours_max

    # --- écriture --------------------------------------------------------------------
    def poser(self, cle: Cle, jour: date, sid: str) -> None:
        self.jours.setdefault(cle, {})[jour] = sid
        self.charge[sid, jour] = self.charge.get((sid, jour), 0) + len(self.membres[cle])
        self.utilises.setdefault(sid, set()).add(jour)

    def lever(self, cle: Cle, jour: date) -> str | None:
        sid = self.jours.get(cle, {}).pop(jour, None)
        if sid is not None:
            self._decharger(sid, jour, len(self.membres[cle]))
        return sid

    def _decharger(self, sid: str, jour: date, n: int) -> None:
        reste = self.charge.get((sid, jour), 0) - n
        self.charge[sid, jour] = reste
        if reste <= 0:
            del self.charge[sid, jour]
            self.utilises.get(sid, set()).discard(jour)

    def ajouter_eleve(self, cle: Cle, eid: str) -> None:
        self.membres[cle].append(eid)
        for jour, sid in self.jours.get(cle, {}).items():
            self.charge[sid, jour] = self.charge.get((sid, jour), 0) + 1

    def retirer_eleve(self, cle: Cle, eid: str) -> None:
        self.membres[cle].remove(eid)
        for jour, sid in list(self.jours.get(cle, {}).items()):
            self._decharger(sid, jour, 1)
        if not self.membres[cle]:
            for jour in list(self.jours.get(cle, {})):
                self.jours[cle].pop(jour)
            del self.membres[cle]
            self.jours.pop(cle, None)

    # --- choix -----------------------------------------------------------------------
    def structure_pour(
        self, cle: Cle, jour: date, avant: str | None, eleves: list[str] | None = None
    ) -> str | None:
        """La structure la plus proche du programme pour ce groupe ce jour : celle de la
        veille ou du lendemain, puis l'ancienne, puis la plus proche de l'ancienne."""
        pid = cle[0]
        membres = self.membres.get(cle, []) if eleves is None else eleves
        voisines = self._voisines(cle, jour)
        candidates = [
            s
            for s in self.structures_du_projet(pid)
            if self.peut_accueillir(s, jour, len(membres)) and self.age_ok(membres, s, jour)
        ]
        if not candidates:
            return None
        origine = self.session.structures.get(avant or "")

        def cle_choix(s: StructureAccueil) -> tuple[int, int, float, str]:
            distance = haversine_km(origine.point, s.point) if origine else 0.0
            return (s.id not in voisines, s.id != avant, round(distance, 6), s.id)

        return min(candidates, key=cle_choix).id

    def _voisines(self, cle: Cle, jour: date) -> set[str]:
        jours = self.session.jours
        i = jours.index(jour)
        programme = self.jours.get(cle, {})
        return {programme[j] for j in jours[max(0, i - 1) : i + 2] if j != jour and j in programme}

"""Reprendre les structures d'accueil d'une saison dans la suivante.

Appelé par `apps/projets/reconduction.py` (qui rattache ensuite les projets copiés aux
nouvelles fiches) ; ce module ne se branche sur aucun signal lui-même. Une structure qui a
répondu « non » à « accueillerez-vous de nouveau ? » n'est pas reprise ; les autres (« oui »
ou sans réponse) le sont, avec leurs jours et leur capacité marqués « à reconfirmer ».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.campagnes.models import Session
from apps.structures.models import AccueilSuivant, StructureAccueil

# Ce qui ne passe pas d'une saison à l'autre : l'identité de la fiche, sa session, ses
# jours (recalculés) et tout ce qui décrit la réponse de la saison passée.
CHAMPS_NON_COPIES = {
    "id",
    "session",
    "jours",
    "accueil_suivant",
    "accueil_suivant_remarque",
    "accueil_suivant_le",
    "reconduite_de",
    "a_reconfirmer",
}


@dataclass(slots=True)
class StructuresReconduites:
    """Ancienne fiche (pk) → nouvelle fiche, et le nom de celles qui ont dit non."""

    correspondance: dict[int, StructureAccueil] = field(default_factory=dict)
    refus: list[str] = field(default_factory=list)
    oui: int = 0
    sans_reponse: int = 0

    def phrases(self) -> list[str]:
        total = len(self.correspondance)
        s = "s" if total > 1 else ""
        phrases = [
            f"{total} structure{s} d'accueil reprise{s} (jours et capacité à reconfirmer) : "
            f"« oui » {self.oui}, sans réponse {self.sans_reponse}."
        ]
        if self.refus:
            s = "s" if len(self.refus) > 1 else ""
            phrases.append(
                f"{len(self.refus)} structure{s} non reprise{s} (réponse « non ») : "
                f"{', '.join(sorted(self.refus))}."
            )
        return phrases


def _lundi(jour: date) -> date:
    return jour - timedelta(days=jour.weekday())


def jours_dans(jours: list[str], ancienne: Session, nouvelle: Session) -> list[str]:
    """Les jours d'accueil reportés sur la nouvelle session : même jour de la semaine, même
    semaine de la session (« le mardi de la 1re semaine »), s'il y est ouvré. Vide (tous
    les jours) reste vide ; si aucun jour ne se reporte, les mêmes jours de la semaine."""
    if not jours:
        return []
    ouvres = set(nouvelle.jours_ouvres)
    debut_ancien, debut_nouveau = _lundi(ancienne.date_debut), _lundi(nouvelle.date_debut)
    anciens = [date.fromisoformat(j) for j in jours]
    reportes = {debut_nouveau + (j - debut_ancien) for j in anciens} & ouvres
    if not reportes:
        semaine = {j.weekday() for j in anciens}
        reportes = {j for j in ouvres if j.weekday() in semaine}
    return sorted(j.isoformat() for j in reportes)


def _copie(structure: StructureAccueil, ancienne: Session, nouvelle: Session) -> StructureAccueil:
    valeurs = {
        f.attname: getattr(structure, f.attname)
        for f in StructureAccueil._meta.concrete_fields
        if f.name not in CHAMPS_NON_COPIES
    }
    copie = StructureAccueil(
        **valeurs,
        session=nouvelle,
        jours=jours_dans(structure.jours, ancienne, nouvelle),
        reconduite_de=structure,
        a_reconfirmer=True,
    )
    copie.save()
    copie.gestionnaires.set(structure.gestionnaires.all())
    return copie


def reconduire_structures(ancienne: Session, nouvelle: Session) -> StructuresReconduites:
    """Copie dans `nouvelle` les structures de `ancienne` qui n'ont pas dit non (avec leurs
    gestionnaires). Sans effet sur une fiche déjà reprise (même identifiant)."""
    bilan = StructuresReconduites()
    deja = {s.identifiant: s for s in StructureAccueil.objects.de_la_session(nouvelle)}
    for structure in (
        StructureAccueil.objects.de_la_session(ancienne)
        .prefetch_related("gestionnaires")
        .order_by("identifiant")
    ):
        if structure.accueil_suivant == AccueilSuivant.NON:
            bilan.refus.append(structure.nom)
            continue
        if structure.accueil_suivant == AccueilSuivant.OUI:
            bilan.oui += 1
        else:
            bilan.sans_reponse += 1
        copie = deja.get(structure.identifiant) or _copie(structure, ancienne, nouvelle)
        bilan.correspondance[structure.pk] = copie
    return bilan

"""Reconduire les projets d'une saison dans la suivante : des brouillons que leurs porteurs
relisent et soumettent de nouveau à la validation.

Chaque copie garde le lien `reconduit_de` vers le projet copié : les pages du porteur disent
« repris de la saison 2026 : à relire puis soumettre ».

Ce qui passe : chaque projet (nom, type, zone, rendez-vous, places, code lisible, porteur
de la convention, options du programme), ses gestionnaires, et ses liens vers les structures
d'accueil reprises (apps/structures/reconduction.py : pas celles qui ont répondu « non »).
Ce qui ne passe pas : les élèves, les vœux, les affectations, les groupes et leurs créneaux
(les dates changent), la validation.

Branché sur le signal `saison_suivante` (apps/campagnes/saison.py), que la coordination
déclenche en ouvrant la saison suivante ; `CampagnesConfig.ready` découvre ce module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.dispatch import receiver

from apps.campagnes.models import Session
from apps.campagnes.saison import saison_suivante
from apps.projets.models import Projet
from apps.structures.reconduction import StructuresReconduites, reconduire_structures

# Ce qui décrit la saison passée d'un projet, pas le projet : sa session, son parcours de
# validation, ses dates d'enregistrement et son propre ancêtre : la copie pointe vers le
# projet copié (`reconduit_de`), pas vers l'ancêtre de celui-ci.
CHAMPS_NON_COPIES = {
    "id",
    "reconduit_de",
    "session",
    "statut",
    "etape",
    "motif_renvoi",
    "valide_le",
    "valide_par",
    "cree_le",
    "modifie_le",
}


@dataclass(slots=True)
class BilanReconduction:
    projets: list[Projet] = field(default_factory=list)
    liens_perdus: int = 0
    structures: StructuresReconduites = field(default_factory=StructuresReconduites)

    def phrases(self) -> list[str]:
        n = len(self.projets)
        suite = (
            "leurs porteurs les relisent et les soumettent de nouveau"
            if n > 1
            else "son porteur le relit et le soumet de nouveau"
        )
        s = "s" if n > 1 else ""
        phrases = [f"{n} projet{s} copié{s} en brouillon : {suite}."]
        if self.liens_perdus:
            phrases.append(
                f"{self.liens_perdus} lien{'s' if self.liens_perdus > 1 else ''} vers une "
                "structure qui a répondu « non » retiré : les porteurs concernés en choisissent "
                "une autre."
            )
        return [*phrases, *self.structures.phrases()]


def _copie(projet: Projet, nouvelle: Session) -> Projet:
    valeurs = {
        f.attname: getattr(projet, f.attname)
        for f in Projet._meta.concrete_fields
        if f.name not in CHAMPS_NON_COPIES
    }
    copie = Projet(
        **valeurs,
        session=nouvelle,
        reconduit_de=projet,
        statut=Projet.Statut.BROUILLON,
        # Le programme (groupes, créneaux) est à refaire : le porteur reprend au plus à
        # l'étape 4 et revoit les précédentes à son gré.
        etape=min(projet.etape, Projet.Etape.PROGRAMME),
    )
    copie.save()
    return copie


def reconduire_projets(ancienne: Session, nouvelle: Session) -> BilanReconduction:
    """Copie les projets de `ancienne` dans `nouvelle`, en brouillons, avec les structures
    reprises et les gestionnaires. Un projet dont l'identifiant existe déjà dans `nouvelle`
    n'est pas copié deux fois."""
    bilan = BilanReconduction(structures=reconduire_structures(ancienne, nouvelle))
    correspondance = bilan.structures.correspondance
    existants = set(Projet.objects.de_la_session(nouvelle).values_list("identifiant", flat=True))
    for projet in (
        Projet.objects.de_la_session(ancienne)
        .prefetch_related("structures", "gestionnaires")
        .order_by("identifiant")
    ):
        if projet.identifiant in existants:
            continue
        copie = _copie(projet, nouvelle)
        anciennes = projet.structures.all()
        reprises = [correspondance[s.pk] for s in anciennes if s.pk in correspondance]
        bilan.liens_perdus += len(anciennes) - len(reprises)
        copie.structures.set(reprises)
        copie.gestionnaires.set(projet.gestionnaires.all())
        bilan.projets.append(copie)
    return bilan


@receiver(saison_suivante, dispatch_uid="projets.reconduction")
def _a_la_saison_suivante(sender, ancienne: Session, nouvelle: Session, **kwargs) -> list[str]:
    return reconduire_projets(ancienne, nouvelle).phrases()

"""La saison suivante : ouvrir la session qui suit une autre, y reprendre ce qui se
reconduit, archiver l'ancienne en lecture seule.

Les sessions ne dépendent d'aucune autre app (projets et structures dépendent d'elles).
Chaque app qui reprend quelque chose d'une saison à l'autre le fait dans son propre module
`reconduction` (apps/projets/reconduction.py : projets, structures, porteurs), branché sur
le signal `saison_suivante` ; `CampagnesConfig.ready` découvre ces modules, comme l'admin
de Django découvre les `admin.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.dispatch import Signal

from apps.campagnes.models import Session

# Envoyé dans la transaction de `ouvrir_saison_suivante` avec `ancienne=` et `nouvelle=` ;
# chaque récepteur renvoie les phrases (en français) de son bilan.
saison_suivante = Signal()

# 52 semaines : la saison suivante commence le même jour de la semaine.
UN_AN_MEME_JOUR = timedelta(weeks=52)


class SaisonDejaOuverte(Exception):
    """La session a déjà une saison suivante ; le message est affichable tel quel."""


@dataclass(slots=True)
class BilanSaison:
    nouvelle: Session
    archivee: bool
    phrases: list[str] = field(default_factory=list)


def proposition(ancienne: Session) -> Session:
    """La session suivante proposée (non enregistrée) : même distance, dates 52 semaines
    plus tard (mêmes jours de la semaine), année du nom avancée d'un an ; jours fériés
    à saisir, ils ne se décalent pas d'une année sur l'autre."""
    annees = re.findall(r"\b(20\d\d)\b", ancienne.nom)
    if annees:
        nom = ancienne.nom.replace(annees[-1], str(int(annees[-1]) + 1))
    else:
        nom = f"{ancienne.nom} (saison suivante)"
    return Session(
        nom=nom,
        date_debut=ancienne.date_debut + UN_AN_MEME_JOUR,
        date_fin=ancienne.date_fin + UN_AN_MEME_JOUR,
        distance_max_km=ancienne.distance_max_km,
        jours_feries=[],
    )


@transaction.atomic
def ouvrir_saison_suivante(ancienne: Session, nouvelle: Session, archiver: bool) -> BilanSaison:
    """Enregistre `nouvelle` comme la session en cours qui suit `ancienne`, y fait reprendre
    par chaque app ce qui se reconduit, puis archive `ancienne` si demandé. Tout ou rien."""
    ancienne = Session.objects.select_for_update().get(pk=ancienne.pk)
    deja = ancienne.suivantes.first()
    if deja is not None:
        raise SaisonDejaOuverte(f"La saison qui suit « {ancienne.nom} » existe déjà : {deja.nom}.")
    nouvelle.precedente = ancienne
    nouvelle.est_active = True
    nouvelle.statut = Session.Statut.PREPARATION
    nouvelle.full_clean()
    nouvelle.save()
    Session.objects.exclude(pk=nouvelle.pk).filter(est_active=True).update(est_active=False)
    bilan = BilanSaison(nouvelle=nouvelle, archivee=False)
    for _recepteur, phrases in saison_suivante.send(Session, ancienne=ancienne, nouvelle=nouvelle):
        bilan.phrases.extend(phrases or [])
    if archiver and not ancienne.est_archivee:
        ancienne.refresh_from_db()
        ancienne.archiver()
        bilan.archivee = True
    return bilan

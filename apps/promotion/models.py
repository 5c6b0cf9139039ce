"""La publication nationale des projets sur « 1 élève, 1 stage » : une fiche par projet
(publiée ou non, quand, dernière erreur, identifiant distant, empreinte du dernier envoi) et
le journal des envois lancés depuis la plateforme. Les identifiants du compte opérateur ne
sont jamais en base (voir `apps/promotion/reglages.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PublicationNationale(models.Model):
    """L'offre d'un projet sur la plateforme nationale.

    Le lien vers le projet est gardé en `SET_NULL` : un projet supprimé laisse sa fiche, et
    le prochain envoi dépublie l'offre qui lui correspondait (`remote_id`).

    `remote_id` (le code du projet) est unique pour toutes les sessions, comme chez l'API ;
    or les codes se répètent d'une saison à l'autre. Le projet de la saison nouvelle qui
    porte le code d'un projet d'une saison passée REPREND sa fiche : `projet` et `session`
    passent ensemble au nouveau projet (`publication._fiche`), l'offre n'est pas dupliquée."""

    projet = models.OneToOneField(
        "projets.Projet",
        verbose_name="projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publication_nationale",
    )
    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    remote_id = models.CharField("identifiant distant (remote_id)", max_length=64, unique=True)
    publiee = models.BooleanField("publiée sur 1 élève, 1 stage", default=False)
    publiee_le = models.DateTimeField("publiée (ou mise à jour) le", null=True, blank=True)
    depubliee_le = models.DateTimeField("dépubliée le", null=True, blank=True)
    empreinte = models.CharField("empreinte du dernier envoi accepté", max_length=64, blank=True)
    derniere_tentative_le = models.DateTimeField("dernière tentative le", null=True, blank=True)
    derniere_erreur = models.TextField("dernière erreur", blank=True)

    class Meta:
        verbose_name = "publication nationale"
        verbose_name_plural = "publications nationales"
        ordering = ["remote_id"]

    def __str__(self) -> str:
        etat = "publiée" if self.publiee else "non publiée"
        return f"Offre {self.remote_id} ({etat})"


class EnvoiNational(models.Model):
    """Un envoi « publier / mettre à jour tout » lancé depuis la page de la coordination."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente du travailleur"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHEC = "echec", "Échec"

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="+",
    )
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    resume = models.TextField("résumé", blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi national"
        verbose_name_plural = "envois nationaux"
        ordering = ["-cree_le", "-pk"]

    def __str__(self) -> str:
        return f"Envoi du {self.cree_le:%d/%m/%Y %H:%M} ({self.get_statut_display()})"

    @property
    def actif(self) -> bool:
        return self.statut in (self.Statut.EN_ATTENTE, self.Statut.EN_COURS)

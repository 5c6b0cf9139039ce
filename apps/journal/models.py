"""Journal des accès aux données personnelles des élèves (RGPD) : qui a consulté, exporté,
modifié ou supprimé des données de mineurs, avec son rôle et l'heure. Jamais de nom d'élève
dans ce journal : l'objet est décrit par son type et son identifiant pseudonyme."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    EXPORT = "export", "Export"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"


class EntreeJournalQuerySet(models.QuerySet):
    def de_la_session(self, session):
        return self.filter(session=session)


class EntreeJournal(models.Model):
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copiés au moment de l'accès : le compte peut changer de rôle ou disparaître ensuite.
    identifiant_utilisateur = models.CharField("identifiant du compte", max_length=150)
    role = models.CharField("rôle", max_length=20, blank=True)
    quand = models.DateTimeField("quand", auto_now_add=True, db_index=True)
    action = models.CharField("action", max_length=20, choices=Action.choices)
    objet = models.CharField("données concernées", max_length=300)
    nombre_eleves = models.PositiveIntegerField("nombre d'élèves concernés", default=0)
    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EntreeJournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-quand", "-id"]

    def __str__(self) -> str:
        return f"{self.quand:%d/%m/%Y %H:%M} {self.identifiant_utilisateur} {self.action}"

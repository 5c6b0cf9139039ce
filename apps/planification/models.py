from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from moteur import modele as m

DELAI_SILENCE_S_DEFAUT = 600


def delai_silence_s() -> int:
    """Au-delà de ce silence (secondes sans battement), un travail actif est abandonné."""
    return int(getattr(settings, "TRAVAUX_DELAI_SILENCE_S", DELAI_SILENCE_S_DEFAUT))


class Voeu(models.Model):
    """Un vœu d'élève : un projet et son rang (1 = le plus voulu)."""

    eleve = models.ForeignKey(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="voeux",
    )
    projet = models.ForeignKey(
        "projets.Projet", verbose_name="projet", on_delete=models.CASCADE, related_name="voeux"
    )
    rang = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "vœu"
        ordering = ["eleve", "rang"]
        constraints = [
            models.UniqueConstraint(
                fields=["eleve", "rang"],
                name="voeu_rang_unique",
                violation_error_message="Cet élève a déjà un vœu à ce rang.",
            ),
            models.UniqueConstraint(
                fields=["eleve", "projet"],
                name="voeu_projet_unique",
                violation_error_message="Cet élève a déjà demandé ce projet.",
            ),
            models.CheckConstraint(
                condition=models.Q(rang__gte=1),
                name="voeu_rang_positif",
                violation_error_message="Le rang d'un vœu commence à 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.eleve_id} → {self.projet_id} (rang {self.rang})"


class Affectation(models.Model):
    """Le résultat de l'affectation pour un élève : un projet de ses vœux, ou aucun."""

    eleve = models.OneToOneField(
        "etablissements.Eleve",
        verbose_name="élève",
        on_delete=models.CASCADE,
        related_name="affectation",
    )
    projet = models.ForeignKey(
        "projets.Projet",
        verbose_name="projet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affectations",
    )
    rang = models.PositiveSmallIntegerField("rang du vœu", null=True, blank=True)
    groupe = models.ForeignKey(
        "projets.Groupe",
        verbose_name="groupe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affectations",
    )
    raison = models.TextField("raison (si non placé)", blank=True)
    publiee = models.BooleanField("publiée", default=False)

    class Meta:
        verbose_name = "affectation"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(projet__isnull=True) & models.Q(rang__isnull=True))
                | (models.Q(projet__isnull=False) & models.Q(rang__gte=1)),
                name="affectation_rang_si_placee",
                violation_error_message=(
                    "Un élève placé a un rang de vœu ; un non placé n'en a pas."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.eleve_id} → {self.projet_id or 'non placé'}"


class TravailQuerySet(models.QuerySet):
    def actifs(self) -> TravailQuerySet:
        """En attente ou en cours : ce qui bloque un nouveau lancement."""
        return self.filter(etat__in=Travail.ETATS_ACTIFS)

    def silencieux(self, maintenant: datetime | None = None) -> TravailQuerySet:
        """Les travaux actifs sans battement depuis plus que le délai de silence."""
        limite = (maintenant or timezone.now()) - timedelta(seconds=delai_silence_s())
        return self.actifs().filter(battement_le__lt=limite)

    def abandonner_silencieux(self, maintenant: datetime | None = None) -> int:
        """Marque « abandonné » chaque travail silencieux ; renvoie leur nombre."""
        maintenant = maintenant or timezone.now()
        return self.silencieux(maintenant).update(
            etat=Travail.Etat.ABANDONNE,
            message=Travail.raison_abandon(),
            termine_le=maintenant,
        )

    def plan_en_attente(self, session_id: int) -> Travail | None:
        """Le travail terminé qui porte le plan calculé mais pas encore publié, s'il y en a un."""
        return (
            self.filter(session_id=session_id, etat=Travail.Etat.TERMINE, plan__isnull=False)
            .order_by("-termine_le", "-pk")
            .first()
        )


class Travail(models.Model):
    """Un calcul long (affectation, programmes, réparation du plan publié) lancé en tâche de
    fond, avec sa progression.

    Cycle de vie, par les seules méthodes de transition (mises à jour conditionnelles sur
    l'état en base, sûres si le travailleur et la page agissent en même temps) :
    en attente → (`demarrer`) en cours → (`terminer`) terminé ou (`echouer`) échec ; un
    travail actif resté silencieux plus de `TRAVAUX_DELAI_SILENCE_S` secondes est
    `abandonner` (travailleur arrêté) et ne bloque plus un nouveau lancement.
    """

    class Type(models.TextChoices):
        AFFECTATION = "affectation", "Affectation des élèves"
        PROGRAMMES = "programmes", "Programmes (rotations)"
        IMPORT = "import", "Import d'un dossier de session"
        REPARATION = "reparation", "Réparation du plan publié"

    class Etat(models.TextChoices):
        EN_ATTENTE = "attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHEC = "echec", "Échec"
        ABANDONNE = "abandonne", "Échec (abandonné, sans nouvelles)"

    ETATS_ACTIFS = (Etat.EN_ATTENTE, Etat.EN_COURS)

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="travaux",
    )
    type = models.CharField("type", max_length=20, choices=Type.choices)
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    progression = models.FloatField("progression (0 à 1)", default=0.0)
    message = models.TextField("message", blank=True)
    rapport = models.TextField("rapport", blank=True)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    plan = models.JSONField(
        "plan en attente de publication",
        null=True,
        blank=True,
        help_text="Le plan calculé alors que des résultats étaient déjà publiés : il ne "
        "remplace les affectations, groupes et créneaux publiés qu'à la publication.",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    demarre_le = models.DateTimeField("démarré le", null=True, blank=True)
    battement_le = models.DateTimeField("dernier signe de vie", default=timezone.now)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    objects = TravailQuerySet.as_manager()

    class Meta:
        verbose_name = "travail de fond"
        verbose_name_plural = "travaux de fond"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progression__gte=0) & models.Q(progression__lte=1),
                name="travail_progression_bornee",
                violation_error_message="La progression est comprise entre 0 et 1.",
            ),
            models.UniqueConstraint(
                fields=["session", "type"],
                condition=models.Q(etat__in=["attente", "en_cours"]),
                name="travail_un_seul_actif",
                violation_error_message=(
                    "Un calcul de ce type est déjà en cours pour cette session."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_etat_display()})"

    @property
    def actif(self) -> bool:
        return self.etat in self.ETATS_ACTIFS

    @staticmethod
    def raison_abandon() -> str:
        minutes = max(1, round(delai_silence_s() / 60))
        return (
            f"Abandonné : aucun signe de vie du calcul depuis plus de {minutes} minute(s) "
            "(le travailleur de tâches de fond s'est sans doute arrêté). Vous pouvez le relancer."
        )

    # --- Transitions (chacune conditionnelle : faux si l'état en base ne le permet plus) ---

    def _transition(self, depuis: tuple[str, ...], filtre: dict | None = None, **champs) -> bool:
        faite = Travail.objects.filter(pk=self.pk, etat__in=depuis, **(filtre or {})).update(
            **champs
        )
        if faite:
            for nom, valeur in champs.items():
                setattr(self, nom, valeur)
        return bool(faite)

    def demarrer(self) -> bool:
        """En attente → en cours (faux si le travail a été abandonné entre-temps)."""
        maintenant = timezone.now()
        return self._transition(
            (self.Etat.EN_ATTENTE,),
            etat=self.Etat.EN_COURS,
            progression=0.0,
            demarre_le=maintenant,
            battement_le=maintenant,
        )

    def battre(self, progression: float | None = None, message: str | None = None) -> bool:
        """Battement de cœur (et avancement) ; faux si le travail n'est plus en cours."""
        champs: dict = {"battement_le": timezone.now()}
        if progression is not None:
            champs["progression"] = min(1.0, max(0.0, float(progression)))
        if message is not None:
            champs["message"] = message
        return self._transition((self.Etat.EN_COURS,), **champs)

    def terminer(self, rapport: str, plan: dict | None = None) -> bool:
        """En cours → terminé ; `plan` : le plan gardé à part jusqu'à sa publication."""
        maintenant = timezone.now()
        return self._transition(
            (self.Etat.EN_COURS,),
            etat=self.Etat.TERMINE,
            progression=1.0,
            message="Terminé.",
            rapport=rapport,
            plan=plan,
            battement_le=maintenant,
            termine_le=maintenant,
        )

    def echouer(self, raison: str) -> bool:
        """En attente ou en cours → échec, avec la raison affichée à la coordination."""
        return self._transition(
            self.ETATS_ACTIFS,
            etat=self.Etat.ECHEC,
            message=raison,
            rapport="",
            termine_le=timezone.now(),
        )

    def abandonner(self, maintenant: datetime | None = None) -> bool:
        """Actif et silencieux depuis plus que le délai → abandonné (faux sinon)."""
        maintenant = maintenant or timezone.now()
        limite = maintenant - timedelta(seconds=delai_silence_s())
        if not self.actif or self.battement_le >= limite:
            return False  # vu d'ici, vivant : pas d'écriture (la page l'interroge chaque seconde)
        return self._transition(
            self.ETATS_ACTIFS,
            filtre={"battement_le__lt": limite},
            etat=self.Etat.ABANDONNE,
            message=self.raison_abandon(),
            termine_le=maintenant,
        )

    # --- Le plan gardé à part ---------------------------------------------------------------

    @staticmethod
    def serialiser_plan(plan: m.Plan, raisons: dict[str, str]) -> dict:
        """Le plan du moteur en JSON compact (listes, identifiants pseudonymes seulement)."""
        return {
            "affectations": [
                [a.eleve_id, a.projet_id, a.rang, a.groupe] for a in plan.affectations.values()
            ],
            "planning": [
                [ligne.projet_id, ligne.groupe, ligne.date.isoformat(), ligne.structure_id]
                for ligne in plan.planning
            ],
            "raisons": {e: r for e, r in raisons.items() if r},
        }

    def plan_moteur(self) -> tuple[m.Plan, dict[str, str]]:
        """Le plan gardé à part et les raisons des non-placés."""
        contenu = self.plan or {}
        plan = m.Plan()
        for eleve, projet, rang, groupe in contenu.get("affectations", []):
            plan.affectations[eleve] = m.Affectation(eleve, projet, rang, groupe or "")
        plan.planning = [
            m.LignePlanning(projet, groupe, date.fromisoformat(jour), structure)
            for projet, groupe, jour, structure in contenu.get("planning", [])
        ]
        return plan, dict(contenu.get("raisons", {}))

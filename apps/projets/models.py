import re

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from moteur.modele import TypeProjet


class TransitionInterdite(Exception):
    """Changement de statut refusé ; le message est affichable tel quel."""


class Porteur(models.Model):
    """La structure qui signe les conventions avec les établissements et endosse la
    responsabilité légale des élèves (communauté de communes, lycée, club d'entreprises…)."""

    class Type(models.TextChoices):
        COLLECTIVITE = "collectivite", "Collectivité (commune, communauté de communes…)"
        LYCEE = "lycee", "Lycée"
        CLUB = "club", "Club ou réseau d'entreprises"
        ENTREPRISE = "entreprise", "Entreprise"
        ASSOCIATION = "association", "Association"
        PUBLIC = "public", "Administration ou établissement public"
        AUTRE = "autre", "Autre"

    nom = models.CharField("nom", max_length=200, unique=True)
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.AUTRE)
    representant = models.CharField("représentant signataire", max_length=200, blank=True)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField("courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    gestionnaires = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="gestionnaires",
        blank=True,
        related_name="porteurs",
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class ProjetQuerySet(models.QuerySet):
    def valides(self):
        """Validés ou publiés : ce que la carte montre et ce que l'affectation place."""
        return self.filter(statut__in=STATUTS_VALIDES)

    def de_la_session(self, session):
        return self.filter(session=session)

    def publies(self):
        return self.filter(statut=Projet.Statut.PUBLIE)

    def visibles_par(self, utilisateur):
        """Coordination : tout ; sinon les projets dont l'utilisateur gère le brouillon ou
        le porteur de la convention."""
        if utilisateur.est_coordinateur:
            return self
        ids = Projet.objects.filter(
            models.Q(gestionnaires=utilisateur) | models.Q(porteur__gestionnaires=utilisateur)
        ).values("pk")
        return self.filter(pk__in=ids)

    def par_code(self, session, code: str) -> "Projet":
        """Le projet de la session qui porte ce code lisible (« 61-027 ») ; espaces et casse
        ignorés. Lève `Projet.DoesNotExist` sinon."""
        return self.get(session=session, code=normaliser_code(code))

    def attribuer_codes(self, session) -> int:
        """Donne un code aux projets de la session qui n'en ont pas (créés par
        `bulk_create`, qui n'appelle pas `save`) ; renvoie leur nombre."""
        sans_code = list(
            self.filter(session=session, code="").select_related("commune").order_by("pk")
        )
        for projet in sans_code:
            projet.save(update_fields=["code"])
        return len(sans_code)

    def avec_tout(self):
        return self.select_related(
            "porteur", "commune", "commune__epci", "commune__departement"
        ).prefetch_related("structures")


FORMAT_CODE = re.compile(r"^[0-9][0-9AB]-[0-9]{3,}$")


def normaliser_code(code: str) -> str:
    return "".join(str(code).split()).upper()


def prochain_code(session_id: int, departement: str) -> str:
    """« département-numéro d'ordre dans la session » : le numéro suit le plus grand déjà
    donné dans la session, tous départements confondus (un code n'est jamais réattribué
    tant que le plus grand existe)."""
    codes = Projet.objects.filter(session_id=session_id).exclude(code="")
    numeros = [int(c.rsplit("-", 1)[1]) for c in codes.values_list("code", flat=True)]
    return f"{departement}-{max(numeros, default=0) + 1:03d}"


class Projet(models.Model):
    """Un projet de stage collectif, construit en cinq étapes (zone, secteurs et
    structures, porteur, programme, validation) puis publié sur la carte régionale."""

    LIBELLES_TYPE = {
        TypeProjet.MONO_SITE: "Mono-site, mono-entreprise",
        TypeProjet.MULTI_SECTEURS: "Multisectoriel et multi-entreprises",
        TypeProjet.MONO_SECTEUR: "Mono-secteur et multi-entreprises",
        TypeProjet.BI_ENTREPRISES: "Bi-entreprises",
    }

    class Etape(models.IntegerChoices):
        ZONE = 1, "1. Zone géographique"
        SECTEURS = 2, "2. Secteurs et structures"
        PORTEUR = 3, "3. Porteur de la convention"
        PROGRAMME = 4, "4. Programme"
        VALIDATION = 5, "5. Validation"

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Brouillon"
        SOUMIS = "soumis", "Soumis à validation"
        RENVOYE = "renvoye", "Renvoyé au porteur"
        VALIDE = "valide", "Validé"
        PUBLIE = "publie", "Publié sur la carte"

    session = models.ForeignKey(
        "campagnes.Session",
        verbose_name="session",
        on_delete=models.CASCADE,
        related_name="projets",
    )
    identifiant = models.CharField("identifiant", max_length=64)
    code = models.CharField(
        "code",
        max_length=12,
        blank=True,
        editable=False,
        help_text="Code court et stable du projet (département-numéro d'ordre dans la "
        "session, p. ex. 61-027), donné à la création ; les lycées le citent dans les vœux.",
    )
    nom = models.CharField("nom", max_length=200)
    type = models.CharField(
        "type", max_length=20, choices=[(t.value, lib) for t, lib in LIBELLES_TYPE.items()]
    )
    secteurs = models.CharField("secteurs (texte libre)", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    # Étape 1 : la zone (une commune ou un EPCI) et le point de rendez-vous.
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune du point de rendez-vous",
        on_delete=models.PROTECT,
        related_name="projets",
    )
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI de la zone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projets",
    )
    latitude = models.FloatField("latitude du point de rendez-vous")
    longitude = models.FloatField("longitude du point de rendez-vous")
    lieu_rendez_vous = models.CharField("lieu de rendez-vous", max_length=300, blank=True)
    places = models.PositiveIntegerField("places")
    # Étape 2 : les structures d'accueil.
    structures = models.ManyToManyField(
        "structures.StructureAccueil",
        verbose_name="structures d'accueil",
        blank=True,
        related_name="projets",
    )
    # Étape 3 : le porteur de la convention.
    porteur = models.ForeignKey(
        Porteur,
        verbose_name="porteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projets",
    )
    signature_par_structures = models.BooleanField(
        "chaque structure d'accueil signe aussi la convention", default=False
    )
    # Étape 4 : programme, encadrement et outil pédagogique.
    referent = models.CharField("référent du groupe", max_length=200, blank=True)
    referent_telephone = models.CharField("téléphone du référent", max_length=30, blank=True)
    outil_pedagogique = models.CharField("outil pédagogique", max_length=300, blank=True)
    restitution_prevue = models.BooleanField("temps de restitution prévu", default=False)
    journee_lancement = models.BooleanField("journée de lancement chez le porteur", default=False)
    remarque = models.TextField("remarque", blank=True)
    eleves_prevus = models.PositiveIntegerField(
        "élèves prévus par le programme", null=True, blank=True
    )
    hypothese_ages = models.CharField("âges supposés par le programme", max_length=400, blank=True)
    # Suivi du parcours.
    etape = models.PositiveSmallIntegerField(
        "étape atteinte", choices=Etape.choices, default=Etape.ZONE
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    motif_renvoi = models.TextField("motif du renvoi", blank=True)
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    gestionnaires = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="gestionnaires du projet",
        blank=True,
        related_name="projets_geres",
        help_text="Comptes qui construisent le projet (avant même que le porteur soit choisi).",
    )
    reconduit_de = models.ForeignKey(
        "self",
        verbose_name="repris du projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconductions",
        help_text="Le projet de la saison précédente dont celui-ci est la copie (reconduction).",
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = ProjetQuerySet.as_manager()

    class Meta:
        verbose_name = "projet de stage collectif"
        verbose_name_plural = "projets de stage collectif"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "identifiant"],
                name="projet_identifiant_unique",
                violation_error_message="Cet identifiant de projet existe déjà dans la session.",
            ),
            models.UniqueConstraint(
                fields=["session", "code"],
                condition=~models.Q(code=""),
                name="projet_code_unique",
                violation_error_message="Ce code de projet existe déjà dans la session.",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1),
                name="projet_places_positives",
                violation_error_message="Un projet offre au moins une place.",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=[t.value for t in TypeProjet]),
                name="projet_type_valide",
                violation_error_message="Type de projet inconnu.",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut__in=["valide", "publie"])
                | models.Q(porteur__isnull=False),
                name="projet_valide_a_un_porteur",
                violation_error_message="Un projet validé doit avoir un porteur de convention.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args, **kwargs) -> None:
        """À la création (ou pour un projet sans code), le code lisible est attribué sous
        verrou de la session : deux créations simultanées n'ont jamais le même numéro."""
        if self.code:
            super().save(*args, **kwargs)
            return
        session_modele = self._meta.get_field("session").related_model
        with transaction.atomic():
            list(session_modele.objects.select_for_update().filter(pk=self.session_id))
            self.code = prochain_code(self.session_id, self.commune.departement_id)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "code"}
            super().save(*args, **kwargs)

    @property
    def titre(self) -> str:
        """« 61-027 · Nom du projet » : ce que lit un utilisateur."""
        return f"{self.code} · {self.nom}" if self.code else self.nom

    @property
    def a_relire(self) -> bool:
        """Repris d'une saison précédente et pas encore soumis : le porteur le relit."""
        return self.reconduit_de_id is not None and self.statut == self.Statut.BROUILLON

    # Transitions d'état : la seule façon de changer le statut ; aucune dans une session
    # archivée (`SessionArchivee`, 403).
    def soumettre(self) -> None:
        self.session.verifier_modifiable()
        if self.statut not in (self.Statut.BROUILLON, self.Statut.RENVOYE):
            raise TransitionInterdite("Seul un brouillon ou un projet renvoyé peut être soumis.")
        self.statut = self.Statut.SOUMIS
        self.etape = self.Etape.VALIDATION
        self.save(update_fields=["statut", "etape", "modifie_le"])

    def renvoyer(self, motif: str) -> None:
        self.session.verifier_modifiable()
        if self.statut != self.Statut.SOUMIS:
            raise TransitionInterdite("Seul un projet soumis peut être renvoyé au porteur.")
        if not motif.strip():
            raise TransitionInterdite("Indiquez au porteur le motif du renvoi.")
        self.statut = self.Statut.RENVOYE
        self.motif_renvoi = motif
        self.save(update_fields=["statut", "motif_renvoi", "modifie_le"])

    def valider(self, par) -> None:
        self.session.verifier_modifiable()
        if self.statut != self.Statut.SOUMIS:
            raise TransitionInterdite("Seul un projet soumis peut être validé.")
        if self.porteur_id is None:
            raise TransitionInterdite("Désignez d'abord le porteur de la convention.")
        self.statut = self.Statut.VALIDE
        self.valide_le = timezone.now()
        self.valide_par = par
        self.save(update_fields=["statut", "valide_le", "valide_par", "modifie_le"])

    def publier(self) -> None:
        self.session.verifier_modifiable()
        if self.statut != self.Statut.VALIDE:
            raise TransitionInterdite("Seul un projet validé peut être publié sur la carte.")
        self.statut = self.Statut.PUBLIE
        self.save(update_fields=["statut", "modifie_le"])

    @property
    def modifiable_par_porteur(self) -> bool:
        return self.statut in (self.Statut.BROUILLON, self.Statut.RENVOYE)


# Étape 4, le programme : les groupes du projet et leur rotation jour par jour.
class Groupe(models.Model):
    """Un groupe d'élèves d'un projet, qui passe chaque jour ensemble dans une structure."""

    projet = models.ForeignKey(
        Projet, verbose_name="projet", on_delete=models.CASCADE, related_name="groupes"
    )
    libelle = models.CharField("libellé", max_length=40)
    # Avant l'affectation, le programme est proposé pour des élèves supposés : la taille de
    # chaque groupe et l'âge de son plus jeune membre servent à vérifier la grille.
    taille_prevue = models.PositiveSmallIntegerField("taille prévue", default=0)
    age_prevu = models.PositiveSmallIntegerField(
        "âge supposé du plus jeune membre", null=True, blank=True
    )

    class Meta:
        verbose_name = "groupe"
        ordering = ["projet", "libelle"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "libelle"],
                name="groupe_libelle_unique",
                violation_error_message="Ce libellé de groupe existe déjà dans le projet.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.projet} — {self.libelle}"


class CreneauQuerySet(models.QuerySet):
    def des_projets_valides(self):
        """Les créneaux des seuls projets validés ou publiés (jamais un brouillon) ; les
        structures y arrivent par la relation inverse, sans importer les projets."""
        return self.filter(groupe__projet__statut__in=STATUTS_VALIDES)


class Creneau(models.Model):
    """Une ligne du planning : où un groupe passe une journée."""

    groupe = models.ForeignKey(
        Groupe, verbose_name="groupe", on_delete=models.CASCADE, related_name="creneaux"
    )
    date = models.DateField("date")
    structure = models.ForeignKey(
        "structures.StructureAccueil",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="creneaux",
    )

    objects = CreneauQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau"
        ordering = ["groupe", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["groupe", "date"],
                name="creneau_un_par_jour",
                violation_error_message="Ce groupe a déjà une structure ce jour-là.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.groupe} le {self.date:%d/%m} : {self.structure}"


# Validés ou publiés : ce que la carte montre et ce que l'affectation place.
STATUTS_VALIDES = (Projet.Statut.VALIDE, Projet.Statut.PUBLIE)

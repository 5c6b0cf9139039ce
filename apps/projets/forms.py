"""Formulaires du parcours en cinq étapes et de la validation."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet

from apps.projets.models import Porteur, Projet
from apps.structures.models import StructureAccueil
from apps.territoires.champs import CommuneField
from moteur.modele import DOMAINES_ROME

CHOIX_DOMAINES = [(code, f"{code} — {libelle}") for code, libelle in DOMAINES_ROME.items()]


class ZoneForm(forms.ModelForm):
    """Étape 1 : le projet, sa zone (une commune ou son EPCI) et le point de rendez-vous."""

    commune = CommuneField(label="Commune du point de rendez-vous")
    zone_epci = forms.BooleanField(
        label="La zone couvre toute la communauté de communes (EPCI) de cette commune",
        required=False,
    )
    latitude = forms.FloatField(
        label="Latitude du point de rendez-vous",
        required=False,
        min_value=-90,
        max_value=90,
        help_text="Facultatif : par défaut, la mairie. Cliquez sur la carte pour le placer.",
    )
    longitude = forms.FloatField(
        label="Longitude du point de rendez-vous",
        required=False,
        min_value=-180,
        max_value=180,
    )

    class Meta:
        model = Projet
        fields = [
            "nom",
            "type",
            "secteurs",
            "description",
            "places",
            "commune",
            "lieu_rendez_vous",
            "latitude",
            "longitude",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "secteurs": "Par exemple : santé, social et industrie.",
            "places": "Nombre d'élèves que le projet peut accueillir.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["zone_epci"].initial = self.instance.epci_id is not None

    def save(self, commit: bool = True) -> Projet:
        projet = super().save(commit=False)
        commune = self.cleaned_data["commune"]
        projet.epci_id = commune.epci_id if self.cleaned_data["zone_epci"] else None
        if self.cleaned_data.get("latitude") is None or self.cleaned_data.get("longitude") is None:
            projet.latitude, projet.longitude = commune.latitude, commune.longitude
        if commit:
            projet.save()
        return projet


class ChoixStructuresForm(forms.Form):
    """Étape 2 : les structures d'accueil retenues parmi celles de la session."""

    structures = forms.ModelMultipleChoiceField(
        label="Structures d'accueil du projet",
        required=False,
        queryset=StructureAccueil.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les structures de la session à proximité du point de rendez-vous.",
    )
    secteurs = forms.CharField(label="Secteurs ciblés", max_length=200, required=False)

    def __init__(self, *args, structures=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structures"].queryset = structures


class InvitationStructureForm(forms.ModelForm):
    """Étape 2 : inviter une nouvelle structure ; son gestionnaire reçoit un courriel."""

    commune = CommuneField(label="Commune de la structure")
    domaines = forms.MultipleChoiceField(
        label="Domaines de métiers (ROME)",
        choices=CHOIX_DOMAINES,
        widget=forms.CheckboxSelectMultiple,
    )
    email_gestionnaire = forms.EmailField(
        label="Courriel de la personne qui remplira la fiche",
        help_text="Elle recevra un lien pour choisir son mot de passe.",
    )

    class Meta:
        model = StructureAccueil
        fields = ["nom", "commune", "adresse", "domaines", "accueil_max", "tuteur"]
        labels = {"accueil_max": "Élèves accueillis par jour (estimation)"}

    def clean_domaines(self) -> str:
        return "|".join(sorted(self.cleaned_data["domaines"]))


class ChoixPorteurForm(forms.Form):
    """Étape 3 : un porteur existant, ou un nouveau (formulaire suivant)."""

    porteur = forms.ModelChoiceField(
        label="Porteur de la convention",
        queryset=Porteur.objects.order_by("nom"),
        required=False,
        empty_label="— Nouveau porteur (à décrire ci-dessous) —",
        help_text="La structure qui signe la convention avec chaque établissement et endosse "
        "la responsabilité légale des élèves (ex. : communauté de communes).",
    )
    signature_par_structures = forms.BooleanField(
        label="Chaque structure d'accueil signe aussi la convention", required=False
    )

    def __init__(self, *args, utilisateur, projet: Projet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["porteur"].queryset = porteurs_designables(utilisateur, projet)
        self.fields["porteur"].error_messages["invalid_choice"] = (
            "Vous ne pouvez désigner qu'un porteur dont vous êtes gestionnaire : choisissez-le "
            "dans la liste ou décrivez un nouveau porteur."
        )


def porteurs_designables(utilisateur, projet: Projet) -> QuerySet[Porteur]:
    """Les porteurs que le compte peut désigner : ceux qu'il gère (coordination : tous),
    plus celui déjà désigné sur le projet (le garder n'est pas en désigner un autre)."""
    if utilisateur.est_coordinateur:
        return Porteur.objects.order_by("nom")
    choix = Q(gestionnaires=utilisateur)
    if projet.porteur_id is not None:
        choix |= Q(pk=projet.porteur_id)
    return Porteur.objects.filter(choix).distinct().order_by("nom")


class NouveauPorteurForm(forms.ModelForm):
    commune = CommuneField(label="Commune du porteur", required=False)

    class Meta:
        model = Porteur
        fields = ["nom", "type", "representant", "adresse", "commune", "email", "telephone"]
        labels = {"nom": "Nom du nouveau porteur"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nom"].required = False

    def clean_nom(self) -> str:
        nom = self.cleaned_data["nom"].strip()
        if nom and Porteur.objects.filter(nom__iexact=nom).exists():
            raise forms.ValidationError(
                "Ce porteur existe déjà : choisissez-le dans la liste s'il y figure ; sinon, "
                "demandez à la coordination régionale de vous en nommer gestionnaire."
            )
        return nom


class ProgrammeForm(forms.ModelForm):
    """Étape 4 : encadrement et outil pédagogique (la grille est à côté)."""

    class Meta:
        model = Projet
        fields = [
            "referent",
            "referent_telephone",
            "outil_pedagogique",
            "restitution_prevue",
            "journee_lancement",
            "remarque",
        ]
        widgets = {"remarque": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "referent": "Animateur ou référent identifié pour le groupe, même s'il "
            "n'accompagne pas les élèves sur tous les sites.",
            "outil_pedagogique": "Ex. : élève reporter, production écrite ou visuelle, film "
            "de 2 minutes sur le stage.",
        }


class PropositionForm(forms.Form):
    eleves = forms.IntegerField(
        label="Nombre d'élèves à répartir",
        min_value=1,
        help_text="Le moteur forme les groupes (chacun passe la journée dans une structure) "
        "pour ce nombre d'élèves, au plus les places du projet.",
        error_messages={
            "min_value": "indiquez au moins 1 élève.",
            "required": "indiquez un nombre d'élèves.",
            "invalid": "indiquez un nombre entier d'élèves.",
        },
    )

    def __init__(self, *args, places: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        champ = self.fields["eleves"]
        champ.max_value = places
        champ.widget.attrs.update({"min": 1, "max": places})
        champ.validators.append(
            MaxValueValidator(places, f"au plus {places}, les places du projet (étape 1).")
        )


class RenvoiForm(forms.Form):
    motif = forms.CharField(
        label="Motif du renvoi au porteur",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que le porteur doit corriger ; il le verra en haut de son projet.",
    )

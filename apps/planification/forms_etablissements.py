from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from apps.etablissements.models import Eleve, Etablissement
from apps.planification.depot_eleves import trop_volumineux
from apps.projets.models import Projet, normaliser_code
from apps.territoires.models import Commune
from moteur.modele import DOMAINES_ROME

NOMBRE_VOEUX = 5


class DepotForm(forms.Form):
    eleves = forms.FileField(
        label="Fichier des élèves (eleves.csv ou classeur .xlsx)",
        help_text="Colonnes : id, uai, date_naissance, genre, commune_insee, latitude, "
        "longitude, voeux (codes des projets par ordre de préférence : 61-025|14-003), "
        "domaines, boursier. Séparateur « , » ou « ; ».",
    )
    identites = forms.FileField(
        label="Identités (identites.csv, facultatif)",
        required=False,
        help_text="Noms et contacts, utilisés seulement pour les conventions et emplois du temps.",
    )

    def _borner(self, champ: str) -> UploadedFile | None:
        fichier = self.cleaned_data.get(champ)
        if fichier is not None and (message := trop_volumineux(fichier)) is not None:
            raise forms.ValidationError(f"{fichier.name} : {message}.")
        return fichier

    def clean_eleves(self) -> UploadedFile | None:
        return self._borner("eleves")

    def clean_identites(self) -> UploadedFile | None:
        return self._borner("identites")


class ChampProjet(forms.ModelChoiceField):
    """Un vœu : un projet de la liste (la valeur envoyée est son code), ou cité par son code
    (espaces et casse ignorés) ou, pour la compatibilité, par son ancien identifiant."""

    def __init__(self, **kwargs) -> None:
        super().__init__(to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Projet) -> str:
        return obj.titre

    def to_python(self, value: object) -> Projet | None:
        if value in self.empty_values:
            return None
        cite = str(value).strip()
        projet = (
            self.queryset.filter(code=normaliser_code(cite)).first()
            or self.queryset.filter(identifiant=cite).first()
        )
        if projet is None:
            raise forms.ValidationError(
                f"code de projet « {cite} » inconnu parmi les projets validés de la session",
                code="invalid_choice",
            )
        return projet


class EleveForm(forms.Form):
    """Saisie d'un élève à la main (pour quelques élèves, sans tableur)."""

    identifiant = forms.CharField(label="Identifiant (pseudonyme)", max_length=64)
    date_naissance = forms.DateField(
        label="Date de naissance", widget=forms.DateInput(attrs={"type": "date"})
    )
    genre = forms.ChoiceField(label="Genre", choices=Eleve.Genre.choices, required=False)
    commune = forms.CharField(
        label="Commune du domicile (code INSEE)",
        max_length=5,
        required=False,
        help_text="Vide : la commune de l'établissement.",
    )
    boursier = forms.BooleanField(label="Boursier", required=False)
    domaines = forms.MultipleChoiceField(
        label="Domaines d'intérêt",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c, f"{c} — {libelle}") for c, libelle in DOMAINES_ROME.items()],
    )
    nom = forms.CharField(label="Nom", max_length=150)
    prenom = forms.CharField(label="Prénom", max_length=150)
    classe = forms.CharField(label="Classe", max_length=50, required=False)

    def __init__(self, *args, projets, session, etablissement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.etablissement = etablissement
        for rang in range(1, NOMBRE_VOEUX + 1):
            self.fields[f"voeu{rang}"] = ChampProjet(
                label=f"Vœu n° {rang}",
                queryset=projets,
                required=rang == 1,
                empty_label="—",
                help_text="Chaque projet est précédé de son code (celui de la carte) : "
                "tapez-le pour le retrouver dans la liste."
                if rang == 1
                else "",
            )

    def clean_identifiant(self) -> str:
        identifiant = self.cleaned_data["identifiant"].strip()
        if Eleve.objects.filter(session=self.session, identifiant=identifiant).exists():
            raise forms.ValidationError("Cet identifiant existe déjà dans la session.")
        return identifiant

    def clean_commune(self) -> Commune:
        code = self.cleaned_data["commune"].strip()
        if not code:
            return self.etablissement.commune
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError("Code INSEE inconnu.")
        return commune

    def voeux(self) -> list[Projet]:
        choisis = [self.cleaned_data.get(f"voeu{r}") for r in range(1, NOMBRE_VOEUX + 1)]
        return [p for p in choisis if p is not None]

    def clean(self) -> dict:
        donnees = super().clean()
        voeux = self.voeux()
        if len({p.pk for p in voeux}) != len(voeux):
            raise forms.ValidationError("Un même projet est choisi deux fois dans les vœux.")
        return donnees


class ReglagesForm(forms.ModelForm):
    """Les réglages de l'établissement : le chef d'établissement, qui signe les conventions
    de ses élèves, et le courriel où il reçoit ses liens de signature."""

    class Meta:
        model = Etablissement
        fields = ["chef_etablissement", "email"]
        labels = {
            "chef_etablissement": "Nom du chef d'établissement (signataire des conventions)",
            "email": "Courriel du chef d'établissement",
        }
        help_texts = {
            "chef_etablissement": "Tel qu'il figure sur les conventions, p. ex. « Mme Claire "
            "Martin, proviseure ».",
            "email": "Les liens de signature et les relances des conventions y sont envoyés.",
        }
        widgets = {
            "chef_etablissement": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for champ in self.fields.values():
            champ.required = True
        self.fields["chef_etablissement"].error_messages["required"] = (
            "Indiquez le nom du chef d'établissement, qui signe les conventions."
        )
        self.fields["email"].error_messages.update(
            required="Indiquez le courriel où le chef d'établissement reçoit ses liens de "
            "signature.",
            invalid="Saisissez une adresse de courriel valide, p. ex. prenom.nom@ac-normandie.fr.",
        )

    def clean_chef_etablissement(self) -> str:
        nom = " ".join(self.cleaned_data["chef_etablissement"].split())
        if len(nom) < 2 or not any(c.isalpha() for c in nom):
            raise forms.ValidationError("Indiquez un nom (au moins deux lettres).")
        return nom

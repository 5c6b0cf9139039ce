"""Espace des établissements : dépôt des élèves et de leurs vœux, suivi des placements et
emploi du temps de chaque élève. Un compte ne voit que les élèves de SES établissements.

Chaque page qui montre ou modifie des données nominatives d'élèves le consigne au journal
des accès (`journaliser`, identifiants pseudonymes seulement)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import objet_ou_404, role_requis
from apps.comptes.models import Role
from apps.etablissements.models import Eleve, Etablissement, IdentiteEleve
from apps.etablissements.positions import position_domicile
from apps.journal.services import Action, journaliser
from apps.mobilite.services import horaires
from apps.planification.depot_eleves import STATUTS_DEPOT, deposer
from apps.planification.forms_etablissements import DepotForm, EleveForm, ReglagesForm
from apps.planification.models import Voeu
from apps.projets.models import Creneau, Projet
from moteur import modele as m
from moteur.documents import EmploiDuTempsEleve, JourStage, TrajetDuJour, trajets_de_l_eleve
from moteur.erreurs import ErreurUtilisateur
from moteur.transport.parametres import avec_transport
from moteur.transport.trajets import heure_arrivee_texte, heure_texte

etablissement_requis = role_requis(Role.ETABLISSEMENT)


def _etablissement_accessible(request: HttpRequest, uai: str) -> Etablissement:
    """L'établissement s'il est géré par le compte ; sinon 404 (on ne révèle rien)."""
    etablissement = (
        Etablissement.objects.geres_par(request.user)
        .select_related("commune")
        .filter(uai=uai)
        .first()
    )
    if etablissement is None:
        raise Http404("Cet établissement n'existe pas ou ne vous est pas accessible.")
    return etablissement


def _resultats_visibles(request: HttpRequest, session: Session) -> bool:
    return request.user.est_coordinateur or session.statut in (
        Session.Statut.PUBLIEE,
        Session.Statut.CLOSE,
    )


@etablissement_requis
def index(request: HttpRequest) -> HttpResponse:
    session = Session.objects.active()
    etablissements = (
        Etablissement.objects.geres_par(request.user)
        .select_related("commune")
        .annotate(nb_eleves=Count("eleves", filter=Q(eleves__session=session)))
        .order_by("nom", "pk")
    )
    if request.user.est_coordinateur:
        etablissements = etablissements.filter(nb_eleves__gt=0)
    # Le chef d'établissement signe depuis son espace ; la coordination n'est partie d'aucune
    # convention (elle suit les signatures depuis ses propres pages).
    signataire = not request.user.est_coordinateur
    return render(
        request,
        "etablissements/index.html",
        {
            "session": session,
            "etablissements": etablissements,
            "depot_ouvert": session is not None and session.statut in STATUTS_DEPOT,
            "signataire": signataire,
        },
    )


@dataclass
class Chiffres:
    """Les chiffres de placement d'un établissement (résultats publiés)."""

    inscrits: int = 0
    places: int = 0
    premier_voeu: int = 0
    non_places: int = 0
    sans_resultat: int = 0

    @property
    def taux_placement(self) -> float | None:
        return 100 * self.places / self.inscrits if self.inscrits else None

    @property
    def taux_premier_voeu(self) -> float | None:
        return 100 * self.premier_voeu / self.places if self.places else None


def _chiffres(eleves: list[Eleve]) -> Chiffres:
    chiffres = Chiffres(inscrits=len(eleves))
    for eleve in eleves:
        affectation = getattr(eleve, "affectation", None)
        if affectation is None:
            chiffres.sans_resultat += 1
        elif affectation.projet_id:
            chiffres.places += 1
            chiffres.premier_voeu += affectation.rang == 1
        else:
            chiffres.non_places += 1
    return chiffres


def _programmes(eleves: list[Eleve]) -> dict[int, list[Creneau]]:
    """Les créneaux (jour, structure) de chaque groupe des élèves, en une requête."""
    groupes = {
        eleve.affectation.groupe_id
        for eleve in eleves
        if getattr(eleve, "affectation", None) is not None and eleve.affectation.groupe_id
    }
    programmes: dict[int, list[Creneau]] = defaultdict(list)
    for creneau in (
        Creneau.objects.filter(groupe_id__in=groupes)
        .select_related("structure", "structure__commune")
        .order_by("groupe_id", "date")
    ):
        programmes[creneau.groupe_id].append(creneau)
    return programmes


def date_des_resultats(session: Session) -> date:
    """La date des résultats annoncée par la coordination (`Session.date_publication`) ; à
    défaut, le premier jour de la session, avant lequel elle publie."""
    return session.date_publication or session.date_debut


def _ligne(eleve: Eleve, visibles: bool, programmes: dict[int, list[Creneau]]) -> dict:
    """Ce que la liste montre d'un élève ; les résultats seulement s'ils sont publiés."""
    affectation = getattr(eleve, "affectation", None) if visibles else None
    groupe_id = affectation.groupe_id if affectation is not None else None
    return {
        "eleve": eleve,
        "identite": getattr(eleve, "identite", None),
        "affectation": affectation,
        "creneaux": programmes.get(groupe_id, []) if groupe_id else [],
        "convention": getattr(eleve, "convention", None) if visibles else None,
    }


@etablissement_requis
def detail(request: HttpRequest, uai: str) -> HttpResponse:
    session = session_active_ou_404()
    etablissement = _etablissement_accessible(request, uai)
    voeux = (
        Voeu.objects.select_related("projet")
        .only("eleve_id", "rang", "projet__nom", "projet__code")
        .order_by("rang")
    )
    eleves = list(
        Eleve.objects.visibles_par(request.user)
        .de_la_session(session)
        .filter(etablissement=etablissement)
        .select_related(
            "affectation__projet__commune", "affectation__groupe", "identite", "convention"
        )
        .prefetch_related(Prefetch("voeux", queryset=voeux))
        .order_by("ordre", "identifiant")
    )
    visibles = _resultats_visibles(request, session)
    programmes = _programmes(eleves) if visibles else {}
    lignes = [_ligne(eleve, visibles, programmes) for eleve in eleves]
    if eleves:
        journaliser(
            request.user,
            Action.CONSULTATION,
            f"liste des élèves de l'établissement {etablissement.uai}"
            + (" avec leurs résultats" if visibles else ""),
            session=session,
            nombre_eleves=len(eleves),
        )
    return render(
        request,
        "etablissements/detail.html",
        {
            "session": session,
            "etablissement": etablissement,
            "eleves": eleves,
            "lignes": lignes,
            "chiffres": _chiffres(eleves) if visibles else None,
            "resultats_visibles": visibles,
            "date_resultats": date_des_resultats(session),
            "depot_ouvert": session.statut in STATUTS_DEPOT,
            "signataire": not request.user.est_coordinateur,
        },
    )


@etablissement_requis
@require_http_methods(["GET", "POST"])
def depot(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    formulaire = DepotForm(request.POST or None, request.FILES or None)
    problemes = []
    if request.method == "POST" and formulaire.is_valid():
        try:
            resultat = deposer(
                session,
                request.user,
                formulaire.cleaned_data["eleves"],
                formulaire.cleaned_data["identites"],
            )
        except ErreurUtilisateur as exc:
            problemes = exc.problemes
        else:
            journaliser(
                request.user,
                Action.MODIFICATION,
                "dépôt d'un fichier d'élèves et de vœux",
                session=session,
                nombre_eleves=0,
            )
            messages.success(request, "Dépôt enregistré : " + resultat.resume())
            return redirect("etablissements:index")
    statut = 400 if problemes else 200
    return render(
        request,
        "etablissements/depot.html",
        {
            "session": session,
            "formulaire": formulaire,
            "problemes": problemes,
            "depot_ouvert": session.statut in STATUTS_DEPOT,
        },
        status=statut,
    )


@etablissement_requis
@require_http_methods(["GET", "POST"])
def nouvel_eleve(request: HttpRequest, uai: str) -> HttpResponse:
    session = session_active_ou_404()
    etablissement = _etablissement_accessible(request, uai)
    if session.statut not in STATUTS_DEPOT:
        messages.error(request, "La saisie des vœux est close pour cette session.")
        return redirect("etablissements:detail", uai=etablissement.uai)
    projets = Projet.objects.de_la_session(session).valides().order_by("code", "nom")
    formulaire = EleveForm(
        request.POST or None, projets=projets, session=session, etablissement=etablissement
    )
    if request.method == "POST" and formulaire.is_valid():
        eleve = _creer_eleve(session, etablissement, formulaire)
        journaliser(
            request.user,
            Action.MODIFICATION,
            f"ajout de l'élève {eleve.identifiant}",
            session=session,
        )
        messages.success(request, "Élève ajouté avec ses vœux.")
        return redirect("etablissements:detail", uai=etablissement.uai)
    return render(
        request,
        "etablissements/eleve_form.html",
        {
            "session": session,
            "etablissement": etablissement,
            "formulaire": formulaire,
        },
    )


@transaction.atomic
def _creer_eleve(session: Session, etablissement: Etablissement, formulaire: EleveForm) -> Eleve:
    d = formulaire.cleaned_data
    commune = d["commune"]
    ordre = (Eleve.objects.de_la_session(session).aggregate(m=Max("ordre"))["m"] or 0) + 1
    # Saisie à la main : pas d'adresse, donc le centre de la commune (RGPD, une seule règle).
    domicile = position_domicile((commune.latitude, commune.longitude))
    eleve = Eleve.objects.create(
        session=session,
        identifiant=d["identifiant"],
        etablissement=etablissement,
        date_naissance=d["date_naissance"],
        genre=d["genre"],
        commune=commune,
        latitude=domicile.latitude,
        longitude=domicile.longitude,
        domaines="|".join(d["domaines"]),
        boursier=d["boursier"],
        ordre=ordre,
    )
    Voeu.objects.bulk_create(
        [Voeu(eleve=eleve, projet=p, rang=r) for r, p in enumerate(formulaire.voeux(), start=1)]
    )
    IdentiteEleve.objects.create(eleve=eleve, nom=d["nom"], prenom=d["prenom"], classe=d["classe"])
    return eleve


@etablissement_requis
def emploi_du_temps(request: HttpRequest, uai: str, pk: int) -> HttpResponse:
    session = session_active_ou_404()
    etablissement = _etablissement_accessible(request, uai)
    eleve = objet_ou_404(
        Eleve.objects.visibles_par(request.user)
        .de_la_session(session)
        .filter(etablissement=etablissement)
        .select_related(
            "affectation__projet__commune", "affectation__groupe", "identite", "convention"
        ),
        pk,
    )
    affectation = getattr(eleve, "affectation", None)
    visibles = _resultats_visibles(request, session) and affectation is not None
    creneaux = _programmes([eleve]).get(affectation.groupe_id, []) if visibles else []
    journaliser(
        request.user,
        Action.CONSULTATION,
        f"fiche et emploi du temps de l'élève {eleve.identifiant}",
        session=session,
    )
    return render(
        request,
        "etablissements/emploi_du_temps.html",
        {
            "session": session,
            "etablissement": etablissement,
            "eleve": eleve,
            "affectation": affectation if visibles else None,
            "creneaux": creneaux,
            "convention": getattr(eleve, "convention", None) if visibles else None,
            "identite": getattr(eleve, "identite", None),
            "resultats_visibles": _resultats_visibles(request, session),
            "date_resultats": date_des_resultats(session),
            "trajets": _trajets(session, eleve, creneaux),
        },
    )


@dataclass(frozen=True, slots=True)
class LigneTrajet:
    """Le trajet d'un jour, prêt pour le tableau de l'emploi du temps."""

    du_jour: TrajetDuJour

    @property
    def depart(self) -> str:
        return heure_texte(self.du_jour.trajet.depart) if self.du_jour.trajet else ""

    @property
    def arrivee(self) -> str:
        return heure_arrivee_texte(self.du_jour.trajet.arrivee) if self.du_jour.trajet else ""


@dataclass(frozen=True, slots=True)
class Trajets:
    jour_horaires: date
    duree_max_min: int
    lignes: list[LigneTrajet]


def _trajets(session: Session, eleve: Eleve, creneaux: list[Creneau]) -> Trajets | None:
    """Avec le flux GTFS de la session : le trajet de chaque jour du domicile de l'élève (à
    défaut le centre de sa commune) vers la structure du jour, à son heure d'ouverture
    (`moteur.documents.trajets_de_l_eleve`, comme le .ics). None sans flux ni programme."""
    donnees_horaires = horaires(session) if creneaux else None
    if donnees_horaires is None:
        return None
    structures = {
        c.structure.identifiant: m.StructureAccueil(
            id=c.structure.identifiant,
            nom=c.structure.nom,
            domaines=(),
            commune_insee=c.structure.commune_id,
            point=m.Point(c.structure.latitude, c.structure.longitude),
            accueil_max=c.structure.accueil_max,
            heure_debut=c.structure.heure_debut,
            heure_fin=c.structure.heure_fin,
        )
        for c in creneaux
    }
    point = m.Point(eleve.latitude, eleve.longitude)
    donnees = m.Session(
        parametres=avec_transport(session.parametres(), donnees_horaires.parametres),
        structures=structures,
        eleves={
            eleve.identifiant: m.Eleve(
                eleve.identifiant, "", eleve.date_naissance, (), eleve.commune_id, point
            )
        },
    )
    emploi = EmploiDuTempsEleve(
        eleve.identifiant, "", "", "", [_jour(c, structures) for c in creneaux]
    )
    par_jour = trajets_de_l_eleve(donnees, emploi, donnees_horaires.reseau)
    return Trajets(
        donnees_horaires.jour,
        donnees_horaires.parametres.duree_max_min,
        [LigneTrajet(par_jour[c.date]) for c in creneaux],
    )


def _jour(creneau: Creneau, structures: dict[str, m.StructureAccueil]) -> JourStage:
    s = structures[creneau.structure.identifiant]
    return JourStage(
        creneau.date, s.id, s.nom, "", "", s.heure_debut, s.heure_fin, None, None, "", ""
    )


@etablissement_requis
@require_http_methods(["GET", "POST"])
def reglages(request: HttpRequest, uai: str) -> HttpResponse:
    """Le chef d'établissement (signataire des conventions) et son courriel : demandés ici,
    vérifiés avant que les conventions soient établies. 404 pour l'établissement d'un autre."""
    etablissement = _etablissement_accessible(request, uai)
    formulaire = ReglagesForm(request.POST or None, instance=etablissement)
    if request.method == "POST" and formulaire.is_valid():
        formulaire.save()
        messages.success(request, "Réglages enregistrés : le chef d'établissement signera ici.")
        return redirect("etablissements:detail", uai=etablissement.uai)
    return render(
        request,
        "etablissements/reglages.html",
        {"etablissement": etablissement, "formulaire": formulaire},
    )

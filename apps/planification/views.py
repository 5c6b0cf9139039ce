"""Vues de la coordination : lancer l'affectation et les programmes en tâches de fond,
suivre leur progression (htmx), revoir puis publier les résultats ; réparer le plan publié
(aperçu des changements, puis confirmation).

Quand des résultats sont publiés, relancer un calcul demande une confirmation explicite
(page qui dit ce qui va se passer) ; les nouveaux résultats sont gardés à part et montrés
pour revue, et ne remplacent les publiés qu'à la publication (voir `taches`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.campagnes.acces import session_active_ou_404
from apps.campagnes.models import Session
from apps.comptes.acces import coordination_requise, objet_ou_404
from apps.journal.services import Action, journaliser
from apps.planification import rapports, taches
from apps.planification import reparation as reparations
from apps.planification.models import Affectation, Travail
from moteur.erreurs import ErreurUtilisateur

CONFIRMATION = "oui"
NON_PLACES_PAR_PAGE = 50
FORMATS_EXPORT = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _eleves(nombre: int) -> str:
    """`2000` → « 2 000 élèves », `1` → « 1 élève »."""
    return f"{rapports.nombre_fr(nombre)} élève{'s' if nombre > 1 else ''}"


class LancementForm(forms.Form):
    type = forms.ChoiceField(
        label="Travail",
        choices=[
            (Travail.Type.AFFECTATION, "Affectation des élèves"),
            (Travail.Type.PROGRAMMES, "Programmes (rotations)"),
        ],
    )
    politique = forms.ChoiceField(
        label="Politique d'affectation",
        required=False,
        initial="stable",
        choices=[
            ("stable", "Stable (acceptation différée, sans envie justifiée)"),
            ("optimal", "Optimale (le plus d'élèves placés, flot de coût minimum)"),
        ],
    )
    graine = forms.IntegerField(
        label="Graine du tirage au sort", initial=0, min_value=0, required=False
    )


def _resume(session: Session) -> dict:
    return Affectation.objects.filter(eleve__session=session).aggregate(
        total=Count("pk"),
        places=Count("pk", filter=Q(projet__isnull=False)),
        publiees=Count("pk", filter=Q(publiee=True)),
        avec_groupe=Count("pk", filter=Q(groupe__isnull=False)),
    )


@require_GET
@coordination_requise
def travaux(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    Travail.objects.filter(session=session).abandonner_silencieux()
    return render(
        request,
        "planification/travaux.html",
        {
            "session": session,
            "formulaire": LancementForm(),
            "travaux": Travail.objects.filter(session=session).order_by("-cree_le", "-pk")[:10],
            "resume": _resume(session),
            "eleves": session.eleves.count(),
            "en_attente": Travail.objects.plan_en_attente(session.pk),
        },
    )


@require_POST
@coordination_requise
def lancer(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    formulaire = LancementForm(request.POST)
    if not formulaire.is_valid():
        messages.error(request, "Choix de lancement invalide.")
        return redirect("planification:travaux")
    d = formulaire.cleaned_data
    parametres = {"graine": d["graine"] or 0}
    if d["type"] == Travail.Type.AFFECTATION:
        parametres["politique"] = d["politique"] or "stable"
    if taches.resultats_publies(session) and request.POST.get("confirmer") != CONFIRMATION:
        return render(
            request,
            "planification/confirmer.html",
            {
                "session": session,
                "type": Travail.Type(d["type"]),
                "parametres": parametres,
                "enjeux": taches.enjeux(session),
            },
        )
    try:
        travail = taches.lancer(session, d["type"], parametres)
    except taches.DejaEnCours as exc:
        messages.error(request, str(exc))
        return redirect("planification:travaux")
    return redirect("planification:travail", pk=travail.pk)


@require_GET
@coordination_requise
def travail(request: HttpRequest, pk: int) -> HttpResponse:
    travail = objet_ou_404(Travail.objects.select_related("session"), pk)
    travail.abandonner()  # sans effet s'il a donné signe de vie dans le délai
    contexte = {"travail": travail, "en_cours": travail.actif}
    if not travail.actif:
        contexte["lignes_rapport"] = rapports.lignes_texte(travail.rapport)
        contexte["rapport"] = rapports.rapport_du_travail(travail)
    if request.htmx:
        return render(request, "planification/_progression.html", contexte)
    return render(request, "planification/travail.html", contexte)


class FiltresNonPlaces(forms.Form):
    """Filtres de la liste des non-placés ; les choix sont ceux du rapport affiché."""

    raison = forms.ChoiceField(label="Raison", required=False)
    uai = forms.ChoiceField(label="Établissement", required=False)
    departement = forms.ChoiceField(label="Département", required=False)

    def __init__(self, donnees, rapport: rapports.Rapport) -> None:
        super().__init__(donnees)
        self.fields["raison"].choices = [("", "Toutes")] + [
            (r, f"{rapports.texte_fr(r)} ({rapports.nombre_fr(n)})") for r, n in rapport.raisons
        ]
        self.fields["uai"].choices = [("", "Tous")] + [
            (uai, f"{nom} ({uai})") for uai, nom in rapport.etablissements
        ]
        self.fields["departement"].choices = [("", "Tous")] + [
            (t.code, t.libelle) for t in rapport.departements
        ]

    def lignes(self, rapport: rapports.Rapport) -> list[rapports.Ligne]:
        """Les non-placés qui passent les filtres valides (un filtre inconnu est ignoré)."""
        self.is_valid()
        donnees = getattr(self, "cleaned_data", {})
        return rapport.filtrer(
            raison=donnees.get("raison", ""),
            uai=donnees.get("uai", ""),
            departement=donnees.get("departement", ""),
        )


def _rapport_demande(request: HttpRequest, session: Session) -> rapports.Rapport:
    """Le rapport choisi (`?source=attente` ou `publies`) ; par défaut, le plan en attente
    de publication s'il y en a un, sinon les résultats en place."""
    attente = rapports.rapport_attente(session) if taches.resultats_publies(session) else None
    if attente is not None and request.GET.get("source") != rapports.PUBLIES:
        return attente
    return rapports.rapport_publie(session)


@require_GET
@coordination_requise
def resultats(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    rapport = _rapport_demande(request, session)
    filtres = FiltresNonPlaces(request.GET, rapport)
    lignes = filtres.lignes(rapport)
    non_places = Paginator(lignes, NON_PLACES_PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "planification/resultats.html",
        {
            "session": session,
            "rapport": rapport,
            "filtres": filtres,
            "non_places": non_places,
            "filtres_actifs": any(filtres.cleaned_data.values()),
            "resume": _resume(session),
            "publie": taches.resultats_publies(session),
            "apercu": _apercu(session),
        },
    )


@require_GET
@coordination_requise
def export(request: HttpRequest, format: str) -> HttpResponse:
    """Les non-placés (filtrés comme la liste) en CSV, ou le rapport entier en XLSX ;
    identifiants pseudonymes seulement, export journalisé."""
    if format not in FORMATS_EXPORT:
        raise Http404("Format d'export inconnu.")
    session = session_active_ou_404()
    rapport = _rapport_demande(request, session)
    lignes = FiltresNonPlaces(request.GET, rapport).lignes(rapport)
    if format == "csv":
        contenu = rapports.export_csv(lignes)
    else:
        contenu = rapports.export_xlsx(rapport, lignes)
    journaliser(
        request.user,
        Action.EXPORT,
        f"élèves non placés, {rapport.libelle_source} ({format.upper()}, identifiants pseudonymes)",
        session=session,
        nombre_eleves=len(lignes),
    )
    reponse = HttpResponse(contenu, content_type=FORMATS_EXPORT[format])
    nom = f"non-places-{rapport.source}.{format}"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def _apercu(session: Session) -> dict | None:
    """Le plan en attente de publication : ce que sa publication changerait."""
    apercu = taches.apercu(session)
    if apercu is None:
        return None
    return {
        "travail": apercu.travail,
        "total": len(apercu.plan.affectations),
        "places": apercu.places,
        "changes": apercu.changes,
        "conventions_touchees": apercu.conventions_touchees,
        "signees_touchees": apercu.signees_touchees,
    }


@require_POST
@coordination_requise
def publier(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    remplacement = taches.apercu(session) is not None
    if remplacement and request.POST.get("confirmer") != CONFIRMATION:
        messages.error(
            request,
            "Cochez la confirmation pour remplacer les résultats publiés par les nouveaux.",
        )
        return redirect("planification:resultats")
    try:
        publication = taches.publier(session)
    except (taches.DejaEnCours, ErreurUtilisateur) as exc:
        messages.error(request, str(exc))
        return redirect("planification:resultats")
    if not publication.nombre:
        messages.error(request, "Rien à publier : lancez d'abord l'affectation.")
        return redirect("planification:resultats")
    if publication.remplacement:
        messages.success(
            request,
            f"Nouveaux résultats publiés pour {_eleves(publication.nombre)} : ils remplacent "
            "les précédents. Synchronisez maintenant les conventions : celles dont le contenu "
            "change devront être signées à nouveau.",
        )
    else:
        messages.success(
            request,
            f"Résultats publiés pour {_eleves(publication.nombre)} : les établissements les "
            "voient désormais.",
        )
    return redirect("planification:resultats")


# --- Réparation du plan publié ------------------------------------------------------------


@require_GET
@coordination_requise
def reparation(request: HttpRequest) -> HttpResponse:
    """L'aperçu de la réparation en attente de confirmation, ou de quoi la lancer."""
    session = session_active_ou_404()
    Travail.objects.filter(session=session).abandonner_silencieux()
    reparations_session = Travail.objects.filter(session=session, type=Travail.Type.REPARATION)
    return render(
        request,
        "planification/reparation.html",
        {
            "session": session,
            "publie": taches.resultats_publies(session),
            "apercu": reparations.apercu(session, taches.statuts_conventions(session)),
            "actif": reparations_session.actifs().first(),
            "dernier": reparations_session.order_by("-cree_le", "-pk").first(),
            "autre_en_attente": Travail.objects.plan_en_attente(session.pk),
            "montres": reparations.LIGNES_MONTREES,
        },
    )


@require_POST
@coordination_requise
def reparer(request: HttpRequest) -> HttpResponse:
    """Lance la réparation en tâche de fond : rien ne change avant la confirmation."""
    session = session_active_ou_404()
    if not taches.resultats_publies(session):
        messages.error(request, reparations.MESSAGE_RIEN_DE_PUBLIE)
        return redirect("planification:reparation")
    parametres = {"graine": reparations.graine_de_l_affectation(session)}
    try:
        travail = taches.lancer(session, Travail.Type.REPARATION, parametres)
    except taches.DejaEnCours as exc:
        messages.error(request, str(exc))
        return redirect("planification:reparation")
    return redirect("planification:travail", pk=travail.pk)


@require_POST
@coordination_requise
def confirmer_reparation(request: HttpRequest) -> HttpResponse:
    """Le plan réparé remplace le plan publié (comme une publication), si la session n'a
    pas changé depuis son calcul."""
    session = session_active_ou_404()
    travail = reparations.travail_en_attente(session)
    if travail is None or request.POST.get("travail") != str(travail.pk):
        messages.error(
            request,
            "Cette réparation n'attend plus de confirmation (un autre calcul l'a remplacée, "
            "ou elle est déjà publiée) : revoyez la page.",
        )
        return redirect("planification:reparation")
    if request.POST.get("confirmer") != CONFIRMATION:
        messages.error(
            request, "Cochez la confirmation pour que le plan réparé remplace le plan publié."
        )
        return redirect("planification:reparation")
    bouges = reparations.eleves_qui_bougent(travail)
    try:
        taches.publier(session, attendu=travail.pk)
    except (taches.DejaEnCours, ErreurUtilisateur) as exc:
        messages.error(request, str(exc))
        return redirect("planification:reparation")
    journaliser(
        request.user,
        Action.MODIFICATION,
        f"plan réparé publié : {len(bouges)} élève(s) changent de projet ou de groupe "
        "(identifiants pseudonymes)",
        session=session,
        nombre_eleves=len(bouges),
    )
    messages.success(
        request,
        "Plan réparé publié : il remplace le plan précédent ; "
        f"{rapports.nombre_fr(len(bouges))} élève(s) changent de projet ou de groupe. "
        "Synchronisez maintenant les conventions : seules celles des élèves qui ont bougé ou "
        "dont une journée a été reportée reçoivent une nouvelle version.",
    )
    return redirect("planification:resultats")

"""Connexion, déconnexion, activation d'un compte invité et aiguillage vers l'espace du rôle."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse, reverse_lazy

from apps.comptes.models import Role

# Espace d'arrivée de chaque rôle ; le premier nom d'URL qui existe l'emporte (chacun est
# vérifié par tests/apps/projets/navigateur/test_espaces_navigateur.py).
ESPACES: dict[str, tuple[str, ...]] = {
    Role.COORDINATEUR: ("projets:liste",),
    Role.PORTEUR: ("projets:liste",),
    Role.STRUCTURE: ("structures:mes_structures",),
    Role.ETABLISSEMENT: ("etablissements:index",),
}


class Connexion(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("comptes:espace")


class Deconnexion(auth_views.LogoutView):
    """Déconnexion par POST seulement (formulaire avec jeton CSRF)."""

    next_page = reverse_lazy("ui:accueil")


class Activation(auth_views.PasswordResetConfirmView):
    template_name = "comptes/activation.html"
    success_url = reverse_lazy("comptes:connexion")
    post_reset_login = False

    def form_valid(self, form):
        from django.contrib import messages

        messages.success(self.request, "Mot de passe enregistré : vous pouvez vous connecter.")
        return super().form_valid(form)


def url_espace(role: str) -> str:
    for nom in ESPACES.get(role, ()):
        try:
            return reverse(nom)
        except NoReverseMatch:
            continue
    return reverse("ui:accueil")


@login_required
def espace(request: HttpRequest) -> HttpResponse:
    role = Role.COORDINATEUR if request.user.est_coordinateur else request.user.role
    return redirect(url_espace(role))

"""Invitation d'un compte par courriel : le compte est créé sans mot de passe utilisable et
reçoit un lien pour choisir le sien (jeton de réinitialisation de Django, à usage unique)."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.comptes.models import Utilisateur


def lien_activation(request: HttpRequest, utilisateur: Utilisateur) -> str:
    uid = urlsafe_base64_encode(force_bytes(utilisateur.pk))
    jeton = default_token_generator.make_token(utilisateur)
    chemin = reverse("comptes:activer", kwargs={"uidb64": uid, "token": jeton})
    return request.build_absolute_uri(chemin)


def compte_invite(email: str, role: str, nom: str = "") -> tuple[Utilisateur, bool]:
    """Le compte de ce courriel (créé au besoin, sans mot de passe) ; vrai s'il est nouveau."""
    email = email.strip().lower()
    existant = Utilisateur.objects.filter(email__iexact=email).order_by("pk").first()
    if existant is not None:
        return existant, False
    utilisateur = Utilisateur(username=email, email=email, role=role, last_name=nom[:150])
    utilisateur.set_unusable_password()
    utilisateur.save()
    return utilisateur, True


def envoyer_invitation(
    request: HttpRequest, utilisateur: Utilisateur, objet: str, invite_par: str
) -> None:
    """Courriel d'invitation (le lien permet de choisir un mot de passe)."""
    contexte = {
        "lien": lien_activation(request, utilisateur),
        "objet": objet,
        "invite_par": invite_par,
    }
    send_mail(
        subject=f"Stages collectifs de seconde : invitation pour {objet}",
        message=render_to_string("comptes/courriel_invitation.txt", contexte),
        from_email=None,
        recipient_list=[utilisateur.email],
    )

"""Donne un code lisible (« 61-027 ») aux projets existants, session par session, dans
l'ordre de leur création ; le code d'un projet ne change plus ensuite."""

from django.db import migrations


def attribuer(apps, schema_editor):
    Projet = apps.get_model("projets", "Projet")
    sessions = Projet.objects.values_list("session_id", flat=True).distinct()
    for session_id in sessions:
        projets = Projet.objects.filter(session_id=session_id).select_related("commune")
        numeros = [
            int(c.rsplit("-", 1)[1])
            for c in projets.exclude(code="").values_list("code", flat=True)
        ]
        suivant = max(numeros, default=0) + 1
        for projet in projets.filter(code="").order_by("pk"):
            projet.code = f"{projet.commune.departement_id}-{suivant:03d}"
            projet.save(update_fields=["code"])
            suivant += 1


class Migration(migrations.Migration):
    dependencies = [("projets", "0002_codes_et_groupes_prevus")]

    operations = [migrations.RunPython(attribuer, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="groupe",
            name="age_prevu",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="âge supposé du plus jeune membre"
            ),
        ),
        migrations.AddField(
            model_name="groupe",
            name="taille_prevue",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="taille prévue"),
        ),
        migrations.AddField(
            model_name="projet",
            name="code",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Code court et stable du projet (département-numéro d'ordre dans la "
                "session, p. ex. 61-027), donné à la création ; les lycées le citent dans les "
                "vœux.",
                max_length=12,
                verbose_name="code",
            ),
        ),
        migrations.AddField(
            model_name="projet",
            name="eleves_prevus",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="élèves prévus par le programme"
            ),
        ),
        migrations.AddField(
            model_name="projet",
            name="hypothese_ages",
            field=models.CharField(
                blank=True, max_length=400, verbose_name="âges supposés par le programme"
            ),
        ),
        migrations.AddConstraint(
            model_name="projet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True),
                fields=("session", "code"),
                name="projet_code_unique",
                violation_error_message="Ce code de projet existe déjà dans la session.",
            ),
        ),
    ]

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import bangfu.accounts.models
from bangfu.accounts.names import normalise_username


def normalise_usernames(apps, schema_editor):
    """Login names are stored normalised from now on (accounts.names); two names that differ only
    by case or width would become one, which must be settled by hand first."""
    User = apps.get_model("accounts", "User")
    seen = {}
    for pk, username in User.objects.values_list("pk", "username"):
        name = normalise_username(username)
        if name in seen:
            raise RuntimeError(f"accounts {username!r} and {seen[name]!r} differ only by case or width: "
                               "rename one before upgrading")
        seen[name] = username
        if name != username:
            User.objects.filter(pk=pk).update(username=name)


def give_tokens_an_expiry(apps, schema_editor):
    # Tokens issued before expiry existed run for the default lifetime from today.
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=90)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", bangfu.accounts.models.Users())],
        ),
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, verbose_name="下次登录须修改密码"),
        ),
        migrations.RunPython(normalise_usernames, migrations.RunPython.noop),
        migrations.AddField(
            model_name="loginfailure",
            name="device",
            field=models.CharField(blank=True, db_index=True, max_length=32),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="created_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="创建人"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(give_tokens_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="吊销时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="最近使用"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="name",
            field=models.CharField(max_length=100, verbose_name="用途"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(max_length=8, verbose_name="前缀"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens",
                                    to=settings.AUTH_USER_MODEL, verbose_name="账号"),
        ),
    ]

"""django-rest-knox's own token table is not used: our tokens live in accounts.ApiToken (KNOX_TOKEN_MODEL).
knox's first migration creates `knox_authtoken` regardless of the swap, and that empty table keeps a foreign
key to accounts_user, so PostgreSQL refuses to TRUNCATE the users (Django's flush, which truncates only the
tables of models in use) and the table would hold nothing but a trap. It is dropped once knox's migrations
have run (they end at 0009 in the pinned knox 5.1.0; a later knox migration on that table would need this
revisited)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_phone_encrypted"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop),
    ]

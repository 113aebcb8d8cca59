from datetime import datetime

from django.db import migrations


def backfill(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.filter(status="published", published_at__isnull=True):
        post.published_at = post.created or datetime.utcnow()
        post.save(update_fields=["published_at"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

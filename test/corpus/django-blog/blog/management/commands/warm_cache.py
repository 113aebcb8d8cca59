import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django_redis import get_redis_connection

from blog.models import Post


class Command(BaseCommand):
    help = "Pre-compute per-post comment counters in Redis"

    def handle(self, *args, **options):
        con = get_redis_connection("default")
        stale = con.keys("blog:*:post:*:comments")
        self.stdout.write(f"{len(stale)} counters found")
        for post in Post.objects.published().iterator(chunk_size=500):
            cache.set(f"post:{post.pk}:comments", post.comments.filter(active=True).count(), timeout=None)
            time.sleep(0.001)
        self.stdout.write(self.style.SUCCESS("done"))

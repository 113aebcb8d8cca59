from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from blog.models import Post


class Command(BaseCommand):
    help = "Delete drafts untouched for N days"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=options["days"])
        qs = Post.objects.filter(status=Post.Status.DRAFT, updated__lt=cutoff)
        n = qs.count()
        if options["dry_run"]:
            for post in qs.only("id", "title"):
                self.stdout.write(f"would delete #{post.id} {post.title}")
        else:
            qs.delete()
        self.stdout.write(self.style.SUCCESS(f"{n} drafts {'matched' if options['dry_run'] else 'deleted'}"))

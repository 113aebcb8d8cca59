from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Comment, Post


@receiver([post_save, post_delete], sender=Post)
def invalidate_post_cache(sender, instance, **kwargs):
    cache.delete_many([f"post:{instance.pk}", "post:latest", "post:popular"])
    cache.delete_pattern("feed:*")


@receiver(post_save, sender=Comment)
def bump_comment_count(sender, instance, created, **kwargs):
    if created:
        key = f"post:{instance.post_id}:comments"
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, instance.post.comments.filter(active=True).count(), timeout=None)

import logging

import requests
from celery import shared_task
from django.core.cache import cache
from django.core.mail import send_mail

from .models import Comment, Post

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3)
def ping_search_engines(self, post_id):
    post = Post.objects.get(pk=post_id)
    url = "https://blog.example.com" + post.get_absolute_url()
    for endpoint in ("https://www.bing.com/indexnow", "https://yandex.com/indexnow"):
        try:
            requests.get(endpoint, params={"url": url, "key": "abc123"}, timeout=10)
        except requests.RequestException as exc:
            raise self.retry(exc=exc, countdown=60)


@shared_task
def notify_author_of_comment(comment_id):
    comment = Comment.objects.select_related("post__author").get(pk=comment_id)
    author = comment.post.author
    if not author.email:
        return
    send_mail(
        f"New comment on {comment.post.title}",
        comment.body[:500],
        "noreply@blog.example.com",
        [author.email],
    )
    cache.delete(f"post:{comment.post_id}:comments")


@shared_task
def recount_views():
    totals = {}
    for key, value in cache.get_many(cache.keys("views:*")).items():
        totals[int(key.split(":")[1])] = int(value)
    for pk, views in totals.items():
        Post.objects.filter(pk=pk).update(views=views)
    log.info("synced %d counters", len(totals))

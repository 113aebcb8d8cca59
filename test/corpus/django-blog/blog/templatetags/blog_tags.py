import markdown
from django import template
from django.core.cache import cache
from django.db.models import Count
from django.utils.safestring import mark_safe

from ..models import Post

register = template.Library()


@register.simple_tag
def total_posts():
    return cache.get_or_set("post:total", lambda: Post.objects.published().count(), 300)


@register.inclusion_tag("blog/latest_posts.html")
def show_latest_posts(count=5):
    latest = cache.get("post:latest")
    if latest is None:
        latest = list(Post.objects.published().order_by("-published_at")[:count])
        cache.set("post:latest", latest, 300)
    return {"latest_posts": latest}


@register.simple_tag
def most_commented(count=5):
    return Post.objects.published().annotate(total_comments=Count("comments")).order_by("-total_comments")[:count]


@register.filter(name="markdown")
def markdown_format(text):
    return mark_safe(markdown.markdown(text, extensions=["fenced_code", "tables"]))


@register.filter
def get_item(mapping, key):
    return mapping.get(key)

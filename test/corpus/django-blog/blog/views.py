import json

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from .forms import CommentForm, SearchForm
from .models import Post


def post_list(request, tag=None):
    posts = Post.objects.published().select_related("author")
    if tag:
        posts = posts.by_tag(tag)
    paginator = Paginator(posts, 10)
    page = request.GET.get("page")
    try:
        page_obj = paginator.page(page)
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return render(request, "blog/list.html", {"page_obj": page_obj, "tag": tag})


def post_detail(request, year, month, day, slug):
    post = get_object_or_404(
        Post.objects.published(),
        slug=slug,
        published_at__year=year,
        published_at__month=month,
        published_at__day=day,
    )
    Post.objects.filter(pk=post.pk).update(views=F("views") + 1)
    comments = post.comments.filter(active=True)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = form.save(commit=False)
        comment.post = post
        comment.save()
        return redirect(post.get_absolute_url() + "#comments")
    similar_ids = post.tags.values_list("id", flat=True)
    similar = (
        Post.objects.published()
        .filter(tags__in=similar_ids)
        .exclude(id=post.id)
        .annotate(same_tags=Count("tags"))
        .order_by("-same_tags", "-published_at")[:4]
    )
    return render(request, "blog/detail.html", {"post": post, "comments": comments, "form": form, "similar": similar})


def search(request):
    form = SearchForm(request.GET)
    results = []
    if "query" in request.GET and form.is_valid():
        query = form.cleaned_data["query"]
        results = Post.objects.published().search(query)
    return render(request, "blog/search.html", {"form": form, "query": request.GET.get("query", ""), "results": results})


@require_GET
@cache_page(60)
def stats(request):
    data = Post.objects.published().values("author__username").annotate(n=Count("id")).order_by("-n")
    return JsonResponse({"authors": list(data), "params": sorted(request.GET.keys())})


@sync_to_async
def _popular_ids(limit):
    return list(Post.objects.published().order_by("-views").values_list("id", flat=True)[:limit])


async def live_counts(request):
    """Async view (Django 4.1+): polled by the front page every few seconds."""
    try:
        limit = int(request.GET.get("limit", "5"))
    except ValueError:
        return HttpResponseBadRequest("limit must be an integer")
    ids = await _popular_ids(limit)
    keys = [f"post:{pk}:comments" for pk in ids]
    counts = await cache.aget_many(keys)
    views = {}
    async for post in Post.objects.filter(id__in=ids).only("id", "views"):
        views[post.id] = post.views
    payload = [{"id": pk, "views": views.get(pk, 0), "comments": counts.get(f"post:{pk}:comments", 0)} for pk in ids]
    return JsonResponse(json.loads(json.dumps(payload)), safe=False)

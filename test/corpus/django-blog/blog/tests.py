from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blog.models import Post


@pytest.fixture
def author(db):
    return User.objects.create_user("writer", "w@example.com", "pw")


@pytest.fixture
def post(author):
    return Post.objects.create(title="Hello world", author=author, body="x", status=Post.Status.PUBLISHED)


def test_slug_and_publish_date_are_set(post):
    assert post.slug == "hello-world"
    assert post.published_at is not None


def test_future_posts_are_hidden(author):
    Post.objects.create(
        title="Later", author=author, body="y", status=Post.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1)
    )
    assert not Post.objects.published().filter(title="Later").exists()


def test_list_view(client, post):
    resp = client.get(reverse("blog:list"))
    assert resp.status_code == 200
    assert post.title in resp.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_live_counts(async_client, post):
    resp = await async_client.get(reverse("blog:live"), {"limit": 3})
    assert resp.status_code == 200
    assert resp.json()[0]["id"] == post.id

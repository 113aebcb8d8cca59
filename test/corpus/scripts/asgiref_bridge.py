"""Django-style sync/async bridging with asgiref."""
import time

from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import get_user_model
from django.core.cache import cache

User = get_user_model()


@sync_to_async
def get_user(pk: int):
    return User.objects.select_related("profile").get(pk=pk)


def slow_report(user_id: int) -> dict:
    time.sleep(2)  # legacy report generator
    return {"user": user_id, "rows": 123}


async def user_card(pk: int) -> dict:
    user = await get_user(pk)
    report = await sync_to_async(slow_report, thread_sensitive=False)(pk)
    cached = await sync_to_async(cache.get)(f"card:{pk}")
    return cached or {"name": user.get_full_name(), "report": report}


async def notify(pk: int, text: str) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    await layer.group_send(f"user_{pk}", {"type": "notify", "text": text})


def notify_sync(pk: int, text: str) -> None:
    async_to_sync(notify)(pk, text)


def card_sync(pk: int) -> dict:
    return async_to_sync(user_card)(pk)

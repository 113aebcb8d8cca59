import asyncio
import logging

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Subscriber

log = logging.getLogger(__name__)
MAILER_URL = getattr(settings, "MAILER_URL", "https://mailer.internal/send")


async def _send_confirmation(client: httpx.AsyncClient, subscriber: Subscriber) -> None:
    link = f"https://blog.example.com/newsletter/confirm/{subscriber.token}/"
    resp = await client.post(MAILER_URL, json={"to": subscriber.email, "template": "confirm", "link": link})
    resp.raise_for_status()


@csrf_exempt
async def subscribe(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    email = request.POST.get("email", "").strip().lower()
    if "@" not in email:
        return JsonResponse({"error": "invalid email"}, status=400)
    subscriber, created = await Subscriber.objects.aget_or_create(email=email)
    if created or not subscriber.confirmed:
        async with httpx.AsyncClient(timeout=5) as client:
            try:
                await asyncio.wait_for(_send_confirmation(client, subscriber), timeout=8)
            except (httpx.HTTPError, asyncio.TimeoutError):
                log.exception("could not send confirmation to %s", email)
    return JsonResponse({"subscribed": True, "confirmed": subscriber.confirmed})


async def confirm(request, token):
    updated = await sync_to_async(Subscriber.objects.filter(token=token, confirmed=False).update)(confirmed=True)
    return HttpResponse("Thanks!" if updated else "Link expired or already used.")

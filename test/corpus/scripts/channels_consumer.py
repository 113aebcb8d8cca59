import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from chatapp.models import Message, Room


class RoomConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.room_slug = self.scope["url_route"]["kwargs"]["slug"]
        self.group = f"room_{self.room_slug}"
        self.room = await self.get_room()
        if self.room is None or not self.scope["user"].is_authenticated:
            await self.close(code=4004)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        for msg in await self.recent_messages():
            await self.send_json(msg)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        text = (content.get("text") or "").strip()
        if not text:
            return
        msg = await self.save_message(text)
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": msg})

    async def chat_message(self, event):
        await self.send_json(event["message"])

    @database_sync_to_async
    def get_room(self):
        return Room.objects.filter(slug=self.room_slug).first()

    @database_sync_to_async
    def recent_messages(self, limit=50):
        qs = Message.objects.filter(room=self.room).select_related("author").order_by("-created")[:limit]
        return [{"author": m.author.username, "text": m.text, "at": m.created.isoformat()} for m in reversed(qs)]

    @database_sync_to_async
    def save_message(self, text):
        m = Message.objects.create(room=self.room, author=self.scope["user"], text=text, created=timezone.now())
        return {"author": m.author.username, "text": m.text, "at": m.created.isoformat()}

    async def send_json(self, content, close=False):
        await super().send(text_data=json.dumps(content), close=close)

"""Tokens de acceso propios (JWT simplificado: HMAC + base64)."""
import base64
import datetime
import hashlib
import hmac
import json
from typing import Optional

from app.core.config import settings


def _sign(body: bytes) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def create_access_token(user_id: int, gym_id: int, expires_minutes: Optional[int] = None) -> str:
    minutes = expires_minutes or settings.ACCESS_TOKEN_EXPIRE_MINUTES
    expire = datetime.datetime.utcnow() + datetime.timedelta(minutes=minutes)
    payload = {"sub": user_id, "gym": gym_id, "exp": int(expire.timestamp())}
    body = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode().rstrip("=")
    return f"{body}.{_sign(body.encode())}"


def decode_token(token: str) -> Optional[dict]:
    """Devuelve el payload o None si la firma no cuadra. (No valida `exp`, lo hace el caller.)"""
    try:
        body, signature = token.split(".", 1)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _sign(body.encode())):
        return None
    padded = body + "=" * (-len(body) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))

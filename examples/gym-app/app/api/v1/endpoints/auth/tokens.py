"""Login y refresh de tokens (Tier 1). Auth0 valida la contraseña (password grant)."""
import requests
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.security import create_access_token, decode_token
from app.db.session import get_async_db
from app.schemas.auth import LoginIn, RefreshIn, TokenOut
from app.services.async_user import async_user_service

router = APIRouter()

AUTH0_TOKEN_URL = f"https://{settings.AUTH0_DOMAIN}/oauth/token"
AUTH0_USERINFO_URL = f"https://{settings.AUTH0_DOMAIN}/userinfo"


def _token_response(user_id: int, gym_id: int) -> TokenOut:
    return TokenOut(
        access_token=create_access_token(user_id, gym_id),
        expires_in=settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
    )


@router.post("/token", response_model=TokenOut)
async def login(body: LoginIn, db: AsyncSession = Depends(get_async_db)):
    user = await async_user_service.get_user_by_email(db, body.email)
    if user is None or not user.is_active:
        raise HTTPException(status_code=401, detail="Invalid credentials")

    auth0 = requests.post(
        AUTH0_TOKEN_URL,
        json={
            "grant_type": "password",
            "username": body.email,
            "password": body.password,
            "client_id": settings.AUTH0_CLIENT_ID,
            "client_secret": settings.AUTH0_CLIENT_SECRET,
        },
        timeout=10,
    )
    if auth0.status_code != 200:
        raise HTTPException(status_code=401, detail="Invalid credentials")

    info = requests.get(
        AUTH0_USERINFO_URL, headers={"Authorization": f"Bearer {auth0.json()['access_token']}"}, timeout=10
    ).json()
    if not info.get("email_verified", False):
        raise HTTPException(status_code=403, detail="Email not verified")

    await async_user_service.touch_last_seen(db, user)
    return _token_response(user.id, user.gym_id)


@router.post("/refresh", response_model=TokenOut)
async def refresh(body: RefreshIn):
    payload = await decode_token(body.refresh_token)
    if payload is None:
        raise HTTPException(status_code=401, detail="Invalid token")
    return _token_response(payload["sub"], payload["gym"])

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import decode_token
from app.db.session import get_session
from app.models import Customer
from app.repositories import CustomerRepository

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token")

SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_redis(request: Request) -> Redis:
    return request.app.state.redis


RedisDep = Annotated[Redis, Depends(get_redis)]


async def current_customer(session: SessionDep, token: Annotated[str, Depends(oauth2_scheme)]) -> Customer:
    subject = decode_token(token)
    if subject is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    customer = await CustomerRepository(session).get(int(subject))
    if customer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown user")
    return customer


CurrentCustomer = Annotated[Customer, Depends(current_customer)]


async def staff_only(customer: CurrentCustomer) -> Customer:
    if not customer.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN)
    return customer

from fastapi import Depends, HTTPException, status
from fastapi.security import APIKeyHeader

api_key = APIKeyHeader(name="X-Staff-Key")
STAFF_KEYS = {"k-frontdesk": "frontdesk", "k-doctor": "doctor"}


def staff_role(key: str = Depends(api_key)) -> str:
    role = STAFF_KEYS.get(key)
    if role is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "unknown staff key")
    return role

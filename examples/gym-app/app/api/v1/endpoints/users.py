"""Perfil de usuario (Tier 1). Migración en curso: lecturas async, escrituras todavía sync."""
from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.api.deps import get_current_gym_id, get_current_user_id
from app.db.session import get_async_db, get_db
from app.models.user import User
from app.schemas.user import UserList, UserOut, UserUpdate
from app.services.async_user import async_user_service
from app.services.user import user_service

router = APIRouter()


@router.get("/me", response_model=UserOut)
async def read_current_user(
    user_id: int = Depends(get_current_user_id),
    db: AsyncSession = Depends(get_async_db),
):
    user = await user_service.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.get("/", response_model=UserList)
def list_users(
    gym_id: int = Depends(get_current_gym_id),
    skip: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=200),
    db: Session = Depends(get_db),
):
    items = user_service.list_gym_users(db, gym_id, skip=skip, limit=limit)
    total = user_service.count_gym_users(db, gym_id)
    return {"total": total, "items": items}


@router.get("/trainers", response_model=list[UserOut])
async def list_trainers(gym_id: int = Depends(get_current_gym_id), db: AsyncSession = Depends(get_async_db)):
    # Copiado del endpoint sync al migrar... pero db ahora es AsyncSession
    trainers = db.query(User).filter(User.gym_id == gym_id, User.role == "trainer").all()
    return trainers


@router.get("/by-email", response_model=UserOut)
async def read_user_by_email(email: str, db: AsyncSession = Depends(get_async_db)):
    user = await async_user_service.get_user_by_email(db, email)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.get("/{user_id}", response_model=UserOut)
async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):
    user = None
    try:
        user = await async_user_service.get_user_async(db, user_id)
    except Exception:
        pass
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: int, body: UserUpdate, db: Session = Depends(get_db)):
    user = user_service.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    data = body.dict(exclude_unset=True)
    if not data:
        raise HTTPException(status_code=400, detail="Nothing to update")
    return user_service.update_user(db, user, data)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def deactivate_user(user_id: int, db: Session = Depends(get_db)):
    """Baja lógica: el usuario deja de aparecer en listados y no puede hacer check-in."""
    if user_service.get_user(db, user_id) is None:
        raise HTTPException(status_code=404, detail="User not found")
    db.query(User).filter(User.id == user_id).update({"is_active": False})
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)

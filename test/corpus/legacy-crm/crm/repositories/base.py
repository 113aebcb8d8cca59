from typing import Any, Generic, List, Optional, Type, TypeVar

from sqlalchemy.orm import Session

from crm.database import Base

M = TypeVar("M", bound=Base)


class BaseRepository(Generic[M]):
    model: Type[M]

    def __init__(self, db: Session):
        self.db = db

    def get(self, pk: Any) -> Optional[M]:
        return self.db.query(self.model).get(pk)

    def all(self) -> List[M]:
        return self.db.query(self.model).all()

    def save(self, obj: M) -> M:
        self.db.add(obj)
        self.db.commit()
        self.db.refresh(obj)
        return obj

    def remove(self, obj: M) -> None:
        self.db.delete(obj)
        self.db.commit()

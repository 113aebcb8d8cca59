from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from crm.deps import get_db
from crm.services import reports

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/win-rate")
def win_rate(db: Session = Depends(get_db)):
    return reports.win_rate_by_month(db).to_dict(orient="records")


@router.get("/big-deals")
def big_deals(threshold: float = 10_000, db: Session = Depends(get_db)):
    return reports.big_open_deals(db, threshold)


@router.get("/deals.csv", response_class=PlainTextResponse)
def deals_csv(db: Session = Depends(get_db)):
    return reports.deals_frame(db).to_csv(index=False)

"""Monthly revenue report — written for SQLAlchemy 1.3, still runs on 1.4."""
import sys
from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String, create_engine, extract, func
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import relationship, sessionmaker

Base = declarative_base()
engine = create_engine("postgresql://report@db/shop", echo=False)
Session = sessionmaker(bind=engine)


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    country = Column(String(2))
    invoices = relationship("Invoice", backref="customer")


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"))
    issued = Column(Date)
    total = Column(Numeric(12, 2))


def report(year: int, month: int) -> None:
    session = Session()
    q = (
        session.query(Customer.country, func.count(Invoice.id), func.sum(Invoice.total))
        .join(Invoice)
        .filter(extract("year", Invoice.issued) == year, extract("month", Invoice.issued) == month)
        .group_by(Customer.country)
        .order_by(func.sum(Invoice.total).desc())
    )
    total = 0
    for country, n, amount in q:
        total += amount or 0
        print(f"{country or '??'}  {n:5d}  {amount:12.2f}")
    print(f"TOTAL {total:12.2f}")
    top = session.query(Customer).join(Invoice).group_by(Customer.id).order_by(func.sum(Invoice.total).desc()).first()
    if top:
        print("top customer:", top.name, len(top.invoices), "invoices")
    print("raw count:", engine.execute("SELECT count(*) FROM invoices").scalar())
    session.close()


if __name__ == "__main__":
    today = date.today()
    y, m = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (today.year, today.month)
    report(y, m)

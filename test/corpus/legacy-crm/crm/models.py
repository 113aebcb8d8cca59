import datetime

from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import backref, relationship

from crm.database import Base

contact_tags = Table(
    "contact_tags",
    Base.metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
)


class Company(Base):
    __tablename__ = "companies"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, index=True)
    domain = Column(String(200), unique=True)
    created_at = Column(DateTime, default=datetime.datetime.utcnow)

    contacts = relationship("Contact", backref="company", lazy="dynamic")


class Contact(Base):
    __tablename__ = "contacts"

    id = Column(Integer, primary_key=True)
    company_id = Column(Integer, ForeignKey("companies.id"))
    owner_id = Column(Integer, ForeignKey("users.id"))
    first_name = Column(String(100))
    last_name = Column(String(100))
    email = Column(String(254), unique=True)
    phone = Column(String(40))
    notes = Column(Text)
    archived = Column(Boolean, default=False, nullable=False)
    created_at = Column(DateTime, default=datetime.datetime.utcnow, nullable=False)
    updated_at = Column(DateTime, default=datetime.datetime.utcnow, onupdate=datetime.datetime.utcnow)

    tags = relationship("Tag", secondary=contact_tags, backref="contacts")
    activities = relationship("Activity", back_populates="contact", order_by="Activity.happened_at.desc()")
    deals = relationship("Deal", back_populates="contact")

    @property
    def display_name(self):
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


class Tag(Base):
    __tablename__ = "tags"

    id = Column(Integer, primary_key=True)
    label = Column(String(50), unique=True)


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), unique=True)
    name = Column(String(100))
    is_admin = Column(Boolean, default=False)

    contacts = relationship("Contact", backref=backref("owner", lazy="joined"))


class Deal(Base):
    __tablename__ = "deals"

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False)
    title = Column(String(200))
    amount = Column(Numeric(12, 2))
    stage = Column(Enum("lead", "qualified", "proposal", "won", "lost", name="deal_stage"), default="lead")
    closed_at = Column(DateTime)

    contact = relationship("Contact", back_populates="deals")


class Activity(Base):
    __tablename__ = "activities"

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False)
    kind = Column(String(20))  # call, email, meeting, note
    summary = Column(Text)
    happened_at = Column(DateTime, default=datetime.datetime.utcnow, index=True)

    contact = relationship("Contact", back_populates="activities")

// Shared workspace models for the ORM rule tests (AM101/AM102/AM104/AM105).
import { py, type Files } from '../helpers';

export const MODELS = py`
  from typing import List
  from sqlalchemy import Column, ForeignKey, Integer, String
  from sqlalchemy.orm import Mapped, relationship
  from app.db import Base

  class Gym(Base):
      __tablename__ = "gyms"
      id = Column(Integer, primary_key=True)
      members = relationship("User", back_populates="gym")

  class User(Base):
      __tablename__ = "users"
      id = Column(Integer, primary_key=True)
      gym_id = Column(ForeignKey("gyms.id"))
      gym = relationship("Gym", back_populates="members")
      posts = relationship("Post", back_populates="author")
      tags: Mapped[List["Tag"]] = relationship(secondary="user_tags")
      memberships = relationship("Membership", lazy="selectin")
      profile = relationship("Profile", uselist=False)

  class Post(Base):
      __tablename__ = "posts"
      id = Column(Integer, primary_key=True)
      author = relationship("User", back_populates="posts")
`;

/** A workspace of the models plus one module under test at app/api.py. */
export function withModels(code: string): Files {
  return { 'app/api.py': code, 'app/models.py': MODELS };
}

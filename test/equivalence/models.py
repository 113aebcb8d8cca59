"""Models and seed data for the Query → select() equivalence proof (SQLAlchemy 1.4 / 2.0)."""
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Gym(Base):
    __tablename__ = "gyms"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)
    city = Column(String, nullable=False)
    # Classic declaration: the rewriter must treat the collection as unknown-but-plural.
    members = relationship("User", back_populates="gym")


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)
    email = Column(String, nullable=False, unique=True)
    age = Column(Integer, nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)
    gym_id = Column(Integer, ForeignKey("gyms.id"), nullable=True)
    gym = relationship("Gym", back_populates="members")
    posts = relationship("Post", back_populates="author")
    memberships = relationship("Membership", back_populates="user", uselist=True)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    title = Column(String, nullable=False)
    likes = Column(Integer, nullable=False, default=0)
    author = relationship("User", back_populates="posts", uselist=False)


class Membership(Base):
    __tablename__ = "memberships"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    gym_id = Column(Integer, ForeignKey("gyms.id"), nullable=False)
    status = Column(String, nullable=False)
    user = relationship("User", back_populates="memberships")


GYMS = [(1, "Iron Temple", "Madrid"), (2, "Box Norte", "Barcelona"), (3, "Fit Sur", "Madrid"), (4, "Empty Gym", "Sevilla")]
USERS = [
    # id, name, email, age, active, gym
    (1, "Ana", "ana@gym.io", 31, True, 1),
    (2, "Bruno", "bruno@gym.io", 24, True, 1),
    (3, "Carla", "carla@gym.io", 45, False, 1),
    (4, "Diego", "diego@gym.io", 38, True, 2),
    (5, "Elena", "elena@gym.io", 19, True, 2),
    (6, "Fede", "fede@gym.io", 52, False, 3),
    (7, "Gala", "gala@gym.io", 27, True, 3),
    (8, "Hugo", "hugo@gym.io", 33, True, None),
    (9, "Ines", "ines@gym.io", 41, True, 1),
    (10, "Juan", "juan@gym.io", 29, False, 2),
]
POSTS = [
    # id, user, title, likes
    (1, 1, "Leg day", 5), (2, 1, "Rest day", 1), (3, 1, "Leg day", 7), (4, 2, "PR!", 3),
    (5, 2, "Cardio", 0), (6, 3, "Yoga", 9), (7, 4, "Deadlift", 2), (8, 4, "Leg day", 4),
    (9, 5, "First week", 6), (10, 7, "Mobility", 1), (11, 7, "Swim", 8), (12, 9, "Rowing", 3),
    (13, 9, "Rowing", 2), (14, 3, "Pilates", 0),
]
MEMBERSHIPS = [
    (1, 1, 1, "active"), (2, 2, 1, "active"), (3, 3, 1, "expired"), (4, 4, 2, "active"), (5, 5, 2, "expired"),
    (6, 6, 3, "expired"), (7, 7, 3, "active"), (8, 9, 1, "active"), (9, 10, 2, "expired"), (10, 1, 3, "active"),
]


def seed(session):
    session.add_all(Gym(id=i, name=n, city=c) for i, n, c in GYMS)
    session.add_all(User(id=i, name=n, email=e, age=a, is_active=act, gym_id=g) for i, n, e, a, act, g in USERS)
    session.add_all(Post(id=i, user_id=u, title=t, likes=l) for i, u, t, l in POSTS)
    session.add_all(Membership(id=i, user_id=u, gym_id=g, status=s) for i, u, g, s in MEMBERSHIPS)
    session.commit()

// Python sources shared by the "Set up async infrastructure" tests (engine, CLI, LSP): the sync
// session plumbing as the FastAPI tutorial lays it out (engine + factory in app/database.py,
// get_db and an async route taking a sync Session in app/main.py).
import { py } from '../helpers';

/** The classic sync dependency: one Session per request, closed afterwards. */
export const GET_DB = py`
  def get_db():
      db = SessionLocal()
      try:
          yield db
      finally:
          db.close()
`;

/** app/database.py with the URL in a module-level name (switched at run time by the helper). */
export const TUTORIAL_DB = py`
  from sqlalchemy import create_engine
  from sqlalchemy.orm import declarative_base, sessionmaker

  SQLALCHEMY_DATABASE_URL = "sqlite:///./sql_app.db"
  engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False})
  SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)

  Base = declarative_base()
`;

/** app/main.py: get_db next to an async route that still takes the sync Session (AM103). */
export const TUTORIAL_MAIN =
  py`
    from fastapi import Depends, FastAPI
    from sqlalchemy.orm import Session

    from app.database import SessionLocal

    app = FastAPI()
  ` +
  '\n\n' +
  GET_DB +
  '\n\n' +
  py`
    @app.get("/me")
    async def me(db: Session = Depends(get_db)):
        return None
  `;

import * as assert from 'assert';
import { analyze, py, ruleTester } from '../helpers';

const db = py`
  from sqlalchemy.orm import Session
  def get_db():
      yield None
  async def get_async_db():
      yield None
`;

ruleTester('AM702', {
  valid: [
    {
      name: 'async handlers and plain functions that are not routes',
      code: py`
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/health")
        async def health():
            return {"status": "ok"}

        def helper():
            return 1

        @some_decorator
        def not_a_route():
            return 2
      `,
    },
    {
      name: 'Flask / Quart / Sanic / django-ninja handlers are not FastAPI routes (corpus: flask-inventory, scripts)',
      code: py`
        from flask import Blueprint, Flask
        from quart import Quart
        import sanic
        from ninja import NinjaAPI

        app = Flask(__name__)
        bp = Blueprint("api", __name__)
        qapp = Quart(__name__)
        sapp = sanic.Sanic("counter")
        api = NinjaAPI()

        @app.get("/")
        def index():
            return "ok"

        @bp.post("/items")
        def create_item():
            return {}, 201

        @qapp.get("/version")
        def version():
            return {"version": "1"}

        @sapp.get("/ping")
        def ping(request):
            return {}

        @api.get("/add")
        def add(request, a: int, b: int):
            return {"result": a + b}
      `,
    },
    {
      name: 'a Flask views module registering on an app imported from the package',
      files: {
        'shop/__init__.py': py`
          from flask import Flask

          app = Flask(__name__)
        `,
        'shop/views.py': py`
          from flask import jsonify, request

          from . import app

          @app.get("/items")
          def list_items():
              return jsonify(q=request.args.get("q"))
        `,
      },
      path: 'shop/views.py',
    },
  ],
  invalid: [
    {
      name: 'a FastAPI router in a module that also mounts a Flask app is still a FastAPI route',
      code: py`
        from fastapi import APIRouter
        from flask import Flask

        legacy = Flask(__name__)
        router = APIRouter()

        @router.get("/ping")
        def ping():
            return {"pong": True}
      `,
      errors: ['8:5'],
    },
    {
      name: 'trivial handler: def → async def (unsafe fix)',
      code: py`
        from fastapi import APIRouter, HTTPException

        router = APIRouter(prefix="/users")

        @router.get("/ping")
        def ping(name: str = "x"):  # keep
            if not name:
                raise HTTPException(status_code=400, detail="empty")
            return {"pong": name.upper(), "n": len(name)}
      `,
      errors: ['6:5'],
      message: 'GET /users/ping is still sync (`def ping`', // the router prefix is part of the route
      unsafe: true,
      output: py`
        from fastapi import APIRouter, HTTPException

        router = APIRouter(prefix="/users")

        @router.get("/ping")
        async def ping(name: str = "x"):  # keep
            if not name:
                raise HTTPException(status_code=400, detail="empty")
            return {"pong": name.upper(), "n": len(name)}
      `,
    },
    {
      name: 'the fix is not applied by safe fix-all',
      code: py`
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/")
        def root():
            return {}
      `,
      errors: ['6:5'],
      output: py`
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/")
        def root():
            return {}
      `,
    },
    {
      name: 'a sync session: no fix (needs the combined edit)',
      files: {
        'app/db/session.py': db,
        'app/api/users.py': py`
          from fastapi import APIRouter, Depends
          from sqlalchemy.orm import Session
          from app.db.session import get_db

          router = APIRouter()

          @router.get("/users/me")
          def get_current_user_info(db: Session = Depends(get_db)):
              return {"ok": True}
        `,
      },
      path: 'app/api/users.py',
      errors: ['8:5'],
      unsafe: true,
      output: py`
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session
        from app.db.session import get_db

        router = APIRouter()

        @router.get("/users/me")
        def get_current_user_info(db: Session = Depends(get_db)):
            return {"ok": True}
      `,
    },
    {
      name: 'several decorators on one handler give one finding',
      code: py`
        @router.get("/items")
        @router.head("/items")
        def items():
            return []
      `,
      errors: ['3:5'],
      message: 'GET, HEAD /items is still sync',
    },
    {
      name: 'api_route and add_api_route',
      code: py`
        @router.api_route("/a", methods=["GET", "POST"])
        def a():
            return 1

        def b():
            return 2

        router.add_api_route("/b", b, methods=["DELETE"])
      `,
      errors: ['2:5', '5:5'],
      message: 'GET, POST /a is still sync',
    },
    {
      name: 'suppressed on the def line',
      code: py`
        @router.get("/x")
        def x():  # async-migrate: ignore[AM702]
            return 1

        @router.get("/y")
        def y():
            return 1
      `,
      errors: ['6:5'],
    },
  ],
});

describe('AM702 fix availability', () => {
  async function noFixReason(files: Record<string, string>, path: string): Promise<string | undefined> {
    const findings = (await analyze(files, { select: ['AM702'], only: path })).filter((f) => f.code === 'AM702');
    assert.strictEqual(findings.length, 1);
    assert.strictEqual(findings[0].fix, undefined, 'expected no automatic fix');
    return findings[0].noFixReason;
  }

  it('legacy query, sync service with an async twin, blocking call, unknown I/O, sync Redis: no fix, with the cause', async () => {
    const services = {
      'app/services/user.py': 'class UserService:\n    def get_user(self, db, user_id):\n        return None\n\nuser_service = UserService()\n',
      'app/services/async_user.py': 'class AsyncUserService:\n    async def get_user(self, db, user_id):\n        return None\n\nasync_user_service = AsyncUserService()\n',
      'app/services/audit.py': 'def record(event):\n    return None\n',
    };
    const handler = (body: string, imports = '') => ({ ...services, 'app/api/e.py': `${imports}\n@router.get("/e")\ndef e(db=None):\n    ${body}\n` });
    assert.match((await noFixReason(handler('return db.query(User).all()'), 'app/api/e.py'))!, /legacy query \(`db\.query\(\)`\).*Migrate this endpoint/);
    assert.match(
      (await noFixReason(handler('return user_service.get_user(None, 1)', 'from app.services.user import user_service'), 'app/api/e.py'))!,
      /sync `user_service\.get_user\(\)`, which has an async twin/,
    );
    assert.match((await noFixReason(handler('return requests.get("https://x").json()', 'import requests'), 'app/api/e.py'))!, /blocking call/);
    assert.match((await noFixReason(handler('return record("x")', 'from app.services.audit import record'), 'app/api/e.py'))!, /sync `record\(\)`, which may do I\/O/);
    assert.match((await noFixReason(handler('return client.fetch_all()'), 'app/api/e.py'))!, /`client\.fetch_all\(\)`, which may do I\/O/);
    assert.match(
      (await noFixReason(handler('return cache.get("k")', 'import redis\ncache = redis.Redis()'), 'app/api/e.py'))!,
      /uses Redis/,
    );
  });

  it('is a hint and off in CI unless selected', async () => {
    const files = { 'app/api/e.py': '@router.get("/e")\ndef e():\n    return 1\n' };
    const local = (await analyze(files)).filter((f) => f.code === 'AM702');
    assert.strictEqual(local.length, 1);
    assert.strictEqual(local[0].severity, 'hint');
    assert.strictEqual((await analyze(files, { ci: true })).filter((f) => f.code === 'AM702').length, 0);
    assert.strictEqual((await analyze(files, { ci: true, select: ['AM702'] })).filter((f) => f.code === 'AM702').length, 1);
  });
});

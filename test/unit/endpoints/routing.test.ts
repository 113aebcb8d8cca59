import * as assert from 'assert';
import { py } from '../helpers';
import { byId, ids, inventoryOf } from './helpers';

const MAIN = py`
  from fastapi import FastAPI
  from app.api.v1.api import api_router

  app = FastAPI()
  app.include_router(api_router, prefix="/api/v1")
`;

describe('route discovery across files', () => {
  it('resolves a prefix chain app → api_router → endpoint router (with its own APIRouter prefix) across three files', async () => {
    const inv = await inventoryOf({
      'app/main.py': MAIN,
      'app/api/v1/api.py': py`
        from fastapi import APIRouter
        from app.api.v1.endpoints import attendance
        from app.api.v1.endpoints.schedule import sessions

        api_router = APIRouter()
        api_router.include_router(attendance.router, prefix="/attendance", tags=["attendance"])
        api_router.include_router(sessions.router, prefix="/schedule")
      `,
      'app/api/v1/endpoints/attendance.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.post("/checkin")
        def checkin():
            return 1

        @router.get("")
        async def list_attendance():
            return []
      `,
      'app/api/v1/endpoints/schedule/sessions.py': py`
        from fastapi import APIRouter
        router = APIRouter(prefix="/sessions")

        @router.get("/today")
        async def today():
            return []

        @router.get("/{session_id}")
        async def detail(session_id: int):
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), [
      'GET /api/v1/attendance',
      'GET /api/v1/schedule/sessions/today',
      'GET /api/v1/schedule/sessions/{session_id}',
      'POST /api/v1/attendance/checkin',
    ]);
    const checkin = byId(inv, 'POST /api/v1/attendance/checkin');
    assert.strictEqual(checkin.function, 'checkin');
    assert.strictEqual(checkin.path, 'app/api/v1/endpoints/attendance.py');
    assert.strictEqual(checkin.line, 5);
    assert.strictEqual(checkin.localPath, '/checkin');
    assert.strictEqual(checkin.isAsync, false);
    assert.ok(checkin.mounted && checkin.routeKnown);
    assert.deepStrictEqual(
      checkin.mountChain.map((s) => s.router),
      ['app.main:app', 'app.api.v1.api:api_router', 'app.api.v1.endpoints.attendance:router'],
    );
  });

  it('a router included twice gives two endpoints; an alias import resolves', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app.users import router as users_router

        app = FastAPI()
        app.include_router(users_router, prefix="/v1/users")
        app.include_router(users_router, prefix="/v2/users")
      `,
      'app/users.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/me")
        async def me():
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /v1/users/me', 'GET /v2/users/me']);
    assert.ok(inv.endpoints.every((e) => e.function === 'me' && e.mounted));
  });

  it('add_api_route and api_route(methods=[...]) give one endpoint per method; @app.<method> is mounted', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import APIRouter, FastAPI

        app = FastAPI()
        router = APIRouter(prefix="/items")

        def list_items():
            return []

        async def upsert(item_id: int):
            return {}

        @router.api_route("/{item_id}/sync", methods=["GET", "POST"])
        def sync_item(item_id: int):
            return {}

        @app.get("/health")
        async def health():
            return "ok"

        router.add_api_route("/", list_items)
        router.add_api_route("/{item_id}", upsert, methods=["PUT", "PATCH"])
        app.include_router(router)
      `,
    });
    assert.deepStrictEqual(ids(inv), [
      'GET /health',
      'GET /items/',
      'GET /items/{item_id}/sync',
      'PATCH /items/{item_id}',
      'POST /items/{item_id}/sync',
      'PUT /items/{item_id}',
    ]);
    assert.strictEqual(byId(inv, 'PUT /items/{item_id}').function, 'upsert');
    assert.strictEqual(byId(inv, 'PUT /items/{item_id}').isAsync, true);
    assert.strictEqual(byId(inv, 'GET /items/').function, 'list_items');
  });

  it('a computed include prefix becomes {?} with a reason naming the expression, never a guess', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app.core.config import settings
        from app import users

        app = FastAPI()
        app.include_router(users.router, prefix=settings.API_V1_STR + "/users")
      `,
      'app/users.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/me")
        async def me():
            return {}
      `,
    });
    const e = byId(inv, 'GET {?}/me');
    assert.strictEqual(e.routeKnown, false);
    assert.match(e.routeNote ?? '', /settings\.API_V1_STR \+ "\/users"/);
    assert.match(e.routeNote ?? '', /not a string literal/);
  });

  it('constant prefixes resolve across modules: a Settings default read on the instance, an imported module constant, a module attribute', async () => {
    const inv = await inventoryOf({
      'app/core/config.py': py`
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            API_V1_STR: str = "/api/v1"
            PROJECT_NAME: str

        settings = Settings()
      `,
      'app/core/constants.py': py`
        ITEMS_PREFIX = "/items"
        ADMIN = "/admin"
      `,
      'app/main.py': py`
        from fastapi import FastAPI
        from app.core.config import settings
        from app.core import constants
        from app.api import api_router, admin_router

        app = FastAPI()
        app.include_router(api_router, prefix=settings.API_V1_STR)
        app.include_router(admin_router, prefix=constants.ADMIN)
      `,
      'app/api.py': py`
        from fastapi import APIRouter
        from app.core.constants import ITEMS_PREFIX

        api_router = APIRouter()
        items = APIRouter(prefix=ITEMS_PREFIX)
        admin_router = APIRouter()

        @items.get("/{item_id}")
        async def read_item(item_id: int):
            return {}

        @admin_router.get("/stats")
        async def stats():
            return {}

        api_router.include_router(items)
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /admin/stats', 'GET /api/v1/items/{item_id}']);
    assert.strictEqual(byId(inv, 'GET /api/v1/items/{item_id}').routeKnown, true);
  });

  it('a settings object from a factory annotated with its class (`settings = get_settings()` → `-> Settings`), with the default on a base class', async () => {
    const inv = await inventoryOf({
      'app/config.py': py`
        from functools import lru_cache

        class BaseConfig:
            API_PREFIX: str = "/api"

        class Settings(BaseConfig):
            DEBUG: bool = False

        @lru_cache
        def get_settings() -> Settings:
            return Settings()
      `,
      'app/main.py': py`
        from fastapi import FastAPI, APIRouter
        from app.config import get_settings

        settings = get_settings()
        app = FastAPI()
        router = APIRouter()

        @router.get("/ping")
        async def ping():
            return {}

        app.include_router(router, prefix=settings.API_PREFIX)
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /api/ping']);
  });

  it('near misses stay {?}: a constant bound twice, a setting without a default, an unresolvable import', async () => {
    const inv = await inventoryOf({
      'app/config.py': py`
        PREFIX = "/v1"
        PREFIX = "/v2"

        class Settings:
            API_V1_STR: str

        settings = Settings()
      `,
      'app/main.py': py`
        from fastapi import FastAPI, APIRouter
        from app.config import PREFIX, settings
        from elsewhere import OTHER

        app = FastAPI()
        a = APIRouter()
        b = APIRouter()
        c = APIRouter()

        @a.get("/a")
        async def ra():
            return {}

        @b.get("/b")
        async def rb():
            return {}

        @c.get("/c")
        async def rc():
            return {}

        app.include_router(a, prefix=PREFIX)
        app.include_router(b, prefix=settings.API_V1_STR)
        app.include_router(c, prefix=OTHER)
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET {?}/a', 'GET {?}/b', 'GET {?}/c']);
  });

  it('an f-string APIRouter prefix and a computed decorator path are unknown too', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import APIRouter, FastAPI
        VERSION = get_version()
        app = FastAPI()
        router = APIRouter(prefix=f"/v{VERSION}")
        PATHS = {"ping": "/ping"}

        @router.get("/a")
        def a():
            return 1

        @app.get(PATHS["ping"])
        def ping():
            return 1

        app.include_router(router)
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET {?}', 'GET {?}/a']);
    assert.match(byId(inv, 'GET {?}/a').routeNote ?? '', /prefix of router .* is computed \(f"\/v\{VERSION\}"\)/);
    assert.match(byId(inv, 'GET {?}').routeNote ?? '', /route path PATHS\["ping"\] is not a string literal/);
  });

  it('a prefix that depends on a module-level if/else is reported as unknown with both options', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app import users
        from app.core.config import settings

        app = FastAPI()
        if settings.LEGACY_PATHS:
            app.include_router(users.router, prefix="/legacy-users")
        else:
            app.include_router(users.router, prefix="/users")
      `,
      'app/users.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/me")
        async def me():
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET {?}/me']);
    const note = byId(inv, 'GET {?}/me').routeNote ?? '';
    assert.match(note, /depends on a condition \(if settings\.LEGACY_PATHS/);
    assert.match(note, /"\/legacy-users" or "\/users"/);
  });

  it('a conditional include with a static prefix keeps the path and notes the condition; if/else with the same prefix is one endpoint', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app import users, debug
        from app.core.config import settings

        app = FastAPI()
        if settings.DEBUG:
            app.include_router(debug.router, prefix="/debug")
        if settings.FAST:
            app.include_router(users.router, prefix="/users")
        else:
            app.include_router(users.router, prefix="/users")
      `,
      'app/users.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/me")
        async def me():
            return {}
      `,
      'app/debug.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/vars")
        def dump():
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /debug/vars', 'GET /users/me']);
    assert.match(byId(inv, 'GET /debug/vars').routeNote ?? '', /mounted only under a condition \(if settings\.DEBUG\)/);
    assert.ok(byId(inv, 'GET /debug/vars').routeKnown);
  });

  it('a module-level string constant used as prefix is resolved', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app import users

        API_V1 = "/api/v1"
        app = FastAPI()
        app.include_router(users.router, prefix=API_V1)
      `,
      'app/users.py': py`
        from fastapi import APIRouter
        USERS = "/users"
        router = APIRouter(prefix=USERS)

        @router.get("/me")
        async def me():
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /api/v1/users/me']);
  });

  it('routers never included are listed with their own path and flagged not mounted', async () => {
    const inv = await inventoryOf({
      'app/main.py': MAIN,
      'app/api/v1/api.py': py`
        from fastapi import APIRouter
        api_router = APIRouter()
      `,
      'app/api/v1/endpoints/orphan.py': py`
        from fastapi import APIRouter
        router = APIRouter(prefix="/orphan")

        @router.get("/ping")
        def ping():
            return 1
      `,
    });
    const e = byId(inv, 'GET /orphan/ping');
    assert.strictEqual(e.mounted, false);
    assert.match(e.routeNote ?? '', /not mounted: router \(app\/api\/v1\/endpoints\/orphan\.py:2\) is never included/);
  });

  it('two handlers on the same method and path keep unique ids', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/x")
        def first():
            return 1

        @app.get("/x")
        def second():
            return 2
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /x', 'GET /x (app/main.py:second)']);
    assert.match(byId(inv, 'GET /x (app/main.py:second)').routeNote ?? '', /duplicate route: first/);
  });

  it('application factories: routers created inside create_app() are mounted with their prefixes', async () => {
    const inv = await inventoryOf({
      'app/main.py': py`
        from fastapi import FastAPI
        from app.api.v1.api import api_router

        def create_app() -> FastAPI:
            app = FastAPI(title="gym")
            app.include_router(api_router, prefix="/api/v1")

            @app.get("/health")
            async def health():
                return "ok"

            return app

        app = create_app()
      `,
      'app/api/v1/api.py': py`
        from fastapi import APIRouter
        from app.api.v1.endpoints import users

        api_router = APIRouter()
        api_router.include_router(users.router, prefix="/users")
      `,
      'app/api/v1/endpoints/users.py': py`
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/me")
        async def me():
            return {}
      `,
    });
    assert.deepStrictEqual(ids(inv), ['GET /api/v1/users/me', 'GET /health']);
    assert.ok(inv.endpoints.every((e) => e.mounted));
    assert.strictEqual(byId(inv, 'GET /health').function, 'health');
    assert.strictEqual(byId(inv, 'GET /health').line, 9);
  });
});

"""Regenerate EXPECTED.json from the table of planted findings below.

Each finding is (path, code, snippet[, occurrence]); the line number is looked up
from the snippet, which must match exactly one line of the file (or give the
1-based occurrence). Run after editing the app:  /usr/bin/python3 scripts/gen_expected.py
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EP = "app/api/v1/endpoints/"
SV = "app/services/"

FINDINGS = [
    # --- AM101 legacy-query-in-async -------------------------------------------
    (EP + "attendance.py", "AM101", "total = db.query(Attendance).filter(Attendance.gym_id == gym_id"),
    (EP + "users.py", "AM101", 'trainers = db.query(User).filter(User.gym_id == gym_id, User.role == "trainer").all()'),
    # --- AM102 legacy-query (sync code: hint) ----------------------------------
    (SV + "user.py", "AM102", "return db.query(User).filter(User.id == user_id).first()"),
    (SV + "user.py", "AM102", "return db.query(User).filter_by(email=email.lower()).one_or_none()"),
    (SV + "user.py", "AM102", "            db.query(User)"),
    (SV + "user.py", "AM102", "return db.query(User).filter(User.gym_id == gym_id, User.is_active.is_(True)).count()"),
    (SV + "event.py", "AM102", "return db.query(Event).filter(Event.gym_id == gym_id).order_by(Event.start_time).limit(limit).all()"),
    (SV + "event.py", "AM102", "return db.query(Event).get(event_id)"),
    (SV + "event.py", "AM102", "existing = db.query(EventParticipant).filter_by(event_id=event.id, user_id=user_id).first()"),
    (EP + "attendance.py", "AM102", "duplicate = db.query(Attendance).filter(Attendance.user_id == user.id"),
    (EP + "attendance.py", "AM102", "        db.query(Attendance)\n"),
    (EP + "attendance.py", "AM102", "db.query(Attendance).filter(Attendance.user_id == user_id).delete()"),
    (EP + "users.py", "AM102", 'db.query(User).filter(User.id == user_id).update({"is_active": False})'),
    (EP + "user_dashboard.py", "AM102", 'db.query(User.id, User.full_name, func.count(Attendance.id).label("checkins"))'),
    (EP + "schedule/participation.py", "AM102", "        db.query(Participation)"),
    (EP + "events.py", "AM102", "participant = db.query(EventParticipant).filter_by(event_id=event_id, user_id=user_id).one_or_none()"),
    (EP + "memberships.py", "AM102", "return db.query(Membership).filter(Membership.user_id == user_id).order_by(Membership.id.desc()).all()"),
    (EP + "memberships.py", "AM102", "membership = db.query(Membership).get(membership_id)"),
    (EP + "webhooks/stripe_webhooks.py", "AM102", 'membership = db.query(Membership).filter_by(stripe_subscription_id=obj["subscription"]).first()'),
    (EP + "webhooks/stripe_webhooks.py", "AM102", 'db.query(Membership).filter(Membership.stripe_subscription_id == obj["id"]).update({"status": "cancelled"})'),
    # --- AM103 sync-session-in-async -------------------------------------------
    (EP + "attendance.py", "AM103", "async def gym_attendance_today(gym_id: int, db: Session = Depends(get_db)):"),
    # --- AM104 joinedload-without-unique ---------------------------------------
    (EP + "user_dashboard.py", "AM104", "options(joinedload(User.attendances))"),
    # --- AM105 lazy-load-in-async ----------------------------------------------
    (EP + "schedule/participation.py", "AM105", 'registered = [p for p in class_session.participations if p.status == "registered"]'),
    # --- AM201 missing-await ---------------------------------------------------
    (EP + "events.py", "AM201", "participant_count = async_event_service.count_participants(db, event_id)"),
    (EP + "schedule/participation.py", "AM201", "    db.commit()\n"),
    (SV + "async_user_stats.py", "AM201", "streak = self.current_streak(db, user_id)"),
    (SV + "async_user_stats.py", "AM201", "last_checkin = db.scalar(select(func.max(Attendance.checked_in_at))"),
    # --- AM202 await-on-sync ---------------------------------------------------
    (EP + "users.py", "AM202", "user = await user_service.get_user(db, user_id)"),
    (EP + "auth/tokens.py", "AM202", "payload = await decode_token(body.refresh_token)"),
    # --- AM203 sync-service-in-async (reported at the call inside async code) ---
    (EP + "activity_feed.py", "AM203", "items = activity_feed_service.get_recent(redis, gym_id, limit)"),
    # --- AM204 nonexistent-service-member --------------------------------------
    (EP + "users.py", "AM204", "user = await async_user_service.get_user_async(db, user_id)"),
    # --- AM205 await-in-sync-function ------------------------------------------
    ("app/workers/reminders.py", "AM205", "sessions = await async_schedule_service.list_today(db, gym_id)"),
    # --- AM301 redis-keys ------------------------------------------------------
    (SV + "activity_feed_service.py", "AM301", 'for key in redis.keys(f"gym:{gym_id}:stats:*"):'),
    (SV + "async_activity_feed_service.py", "AM301", 'keys = await redis.keys(f"gym:{gym_id}:stats:*")'),
    # --- AM302 unawaited-redis-call --------------------------------------------
    (SV + "async_activity_feed_service.py", "AM302", "cached = redis.get(summary_cache_key(gym_id))"),
    (SV + "async_activity_feed_service.py", "AM302", "redis.expire(summary_cache_key(gym_id), SUMMARY_CACHE_TTL)"),
    # --- AM401 datetime-utcnow -------------------------------------------------
    ("app/models/gym.py", "AM401", "created_at = Column(DateTime, default=datetime.utcnow)"),
    ("app/models/user.py", "AM401", "created_at = Column(DateTime, default=datetime.utcnow)"),
    ("app/models/attendance.py", "AM401", "checked_in_at = Column(DateTime, default=datetime.utcnow, index=True"),
    ("app/core/security.py", "AM401", "expire = datetime.datetime.utcnow() + datetime.timedelta(minutes=minutes)"),
    (SV + "user.py", "AM401", "user.last_seen_at = datetime.utcnow()"),
    (SV + "event.py", "AM401", "registered_at=datetime.utcnow())"),
    (SV + "activity_feed_service.py", "AM401", '"at": datetime.utcnow().isoformat(),'),
    (EP + "attendance.py", "AM401", "recent = datetime.utcnow() - timedelta(minutes=1)"),
    (EP + "attendance.py", "AM401", "start = datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)"),
    (EP + "memberships.py", "AM401", 'current_period_end=datetime.utcfromtimestamp(subscription["current_period_end"]),'),
    (EP + "webhooks/stripe_webhooks.py", "AM401", 'datetime.datetime.utcfromtimestamp(obj["period_end"])'),
    # --- AM501 broad-except-swallow (async code only) ---------------------------
    (EP + "users.py", "AM501", "    except Exception:\n"),
    (SV + "async_activity_feed_service.py", "AM501", "        except:\n"),
    # --- AM601 blocking-call-in-async ------------------------------------------
    (EP + "attendance.py", "AM601", "time.sleep(0.2 * (attempt + 1))"),
    (EP + "auth/tokens.py", "AM601", "auth0 = requests.post("),
    (EP + "auth/tokens.py", "AM601", "info = requests.get("),
    (EP + "memberships.py", "AM601", "customer = stripe.Customer.create(email=user.email"),
    (EP + "memberships.py", "AM601", "subscription = stripe.Subscription.create(customer=user.stripe_customer_id"),
    # --- AM701 duplicate-sync-async-module (on the sync twin, line 1) -----------
    (SV + "user.py", "AM701", '"""Servicio de usuarios (SYNC, legacy).'),
    (SV + "event.py", "AM701", '"""Servicio de eventos (SYNC, legacy).'),  # no importers left: safe to delete
    (SV + "activity_feed_service.py", "AM701", '"""Feed de actividad del gimnasio sobre Redis (SYNC, legacy).'),
    # --- AM702 sync-endpoint (reported on the `def` line) ----------------------
    (EP + "attendance.py", "AM702", "def checkin(body: CheckinIn, db: Session = Depends(get_db)"),
    (EP + "attendance.py", "AM702", "def list_user_attendance(user_id: int"),
    (EP + "attendance.py", "AM702", "def purge_user_attendance(user_id: int"),
    (EP + "users.py", "AM702", "def list_users("),
    (EP + "users.py", "AM702", "def update_user(user_id: int, body: UserUpdate"),
    (EP + "users.py", "AM702", "def deactivate_user(user_id: int"),
    (EP + "user_dashboard.py", "AM702", "def gym_leaderboard(gym_id: int"),
    (EP + "schedule/participation.py", "AM702", "def list_user_bookings(user_id: int"),
    (EP + "events.py", "AM702", "def leave_event(event_id: int, user_id: int"),
    (EP + "activity_feed.py", "AM702", "def legacy_stats(gym_id: int"),
    (EP + "activity_feed.py", "AM702", "def publish_activity("),
    (EP + "memberships.py", "AM702", "def list_user_memberships(user_id: int"),
    (EP + "memberships.py", "AM702", "def cancel_membership(membership_id: int"),
    (EP + "webhooks/stripe_webhooks.py", "AM702", "def stripe_webhook("),
]

# Files that must produce no finding at all (fully migrated code, plumbing, models
# without utcnow defaults, the sync Stripe wrapper, tests, stubs and this script).
CLEAN_APP = [
    "app/__init__.py",
    "app/main.py",
    "app/api/__init__.py",
    "app/api/deps.py",
    "app/api/v1/__init__.py",
    "app/api/v1/api.py",
    "app/api/v1/endpoints/__init__.py",
    "app/api/v1/endpoints/auth/__init__.py",
    "app/api/v1/endpoints/schedule/__init__.py",
    "app/api/v1/endpoints/schedule/sessions.py",
    "app/api/v1/endpoints/webhooks/__init__.py",
    "app/core/__init__.py",
    "app/core/config.py",
    "app/core/redis.py",
    "app/core/time.py",
    "app/db/__init__.py",
    "app/db/base.py",
    "app/db/session.py",
    "app/models/__init__.py",
    "app/models/event.py",
    "app/models/membership.py",
    "app/models/schedule.py",
    "app/schemas/__init__.py",
    "app/schemas/attendance.py",
    "app/schemas/auth.py",
    "app/schemas/common.py",
    "app/schemas/event.py",
    "app/schemas/membership.py",
    "app/schemas/schedule.py",
    "app/schemas/user.py",
    "app/services/__init__.py",
    "app/services/async_event.py",
    "app/services/async_schedule.py",
    "app/services/async_user.py",
    "app/services/stripe_service.py",
    "app/workers/__init__.py",
]
CLEAN_GLOBS = ["tests/**/*.py", "stubs/**/*.py", "scripts/*.py"]


def line_of(path: str, snippet: str, occurrence: int = 1) -> int:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i + 1 for i, text in enumerate(lines) if snippet in text]
    if len(hits) < occurrence or (occurrence == 1 and len(hits) != 1):
        sys.exit(f"{path}: snippet {snippet!r} matched lines {hits}")
    return hits[occurrence - 1]


def main() -> None:
    findings = []
    for entry in FINDINGS:
        path, code, snippet = entry[:3]
        occurrence = entry[3] if len(entry) > 3 else 1
        findings.append({"path": path, "code": code, "line": line_of(path, snippet, occurrence),
                         "snippet": snippet.strip()})
    findings.sort(key=lambda f: (f["path"], f["line"], f["code"]))

    clean = set(CLEAN_APP)
    for pattern in CLEAN_GLOBS:
        clean.update(p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern))
    flagged = {f["path"] for f in findings}
    overlap = clean & flagged
    if overlap:
        sys.exit(f"files both clean and flagged: {sorted(overlap)}")
    every_py = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py")}
    unaccounted = every_py - clean - flagged
    if unaccounted:
        sys.exit(f"python files neither clean nor flagged: {sorted(unaccounted)}")

    out = {"findings": findings, "clean": sorted(clean)}
    (ROOT / "EXPECTED.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"EXPECTED.json: {len(findings)} findings in {len(flagged)} files, {len(clean)} clean files")


if __name__ == "__main__":
    main()

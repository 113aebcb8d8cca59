from fastapi import APIRouter

from app.api.v1.endpoints import activity_feed, attendance, events, memberships, user_dashboard, users
from app.api.v1.endpoints.auth import tokens
from app.api.v1.endpoints.schedule import participation, sessions
from app.api.v1.endpoints.webhooks import stripe_webhooks

api_router = APIRouter()

# Tier 1
api_router.include_router(attendance.router, prefix="/attendance", tags=["attendance"])
api_router.include_router(users.router, prefix="/users", tags=["users"])
api_router.include_router(user_dashboard.router, prefix="/dashboard", tags=["dashboard"])
api_router.include_router(sessions.router, prefix="/schedule", tags=["schedule"])
api_router.include_router(participation.router, prefix="/schedule", tags=["schedule"])
api_router.include_router(events.router, prefix="/events", tags=["events"])
api_router.include_router(activity_feed.router, prefix="/activity-feed", tags=["activity-feed"])
api_router.include_router(tokens.router, prefix="/auth", tags=["auth"])

# Tier 3
api_router.include_router(memberships.router, prefix="/memberships", tags=["memberships"])
api_router.include_router(stripe_webhooks.router, prefix="/webhooks", tags=["webhooks"])

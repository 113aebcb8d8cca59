"""App wiring: health check and the full route table (must not change during the migration)."""
from fastapi.routing import APIRoute

from app.main import app


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_route_table_is_stable():
    routes = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1")
        for method in route.methods
    }
    expected = {
        ("POST", "/api/v1/attendance/checkin"),
        ("POST", "/api/v1/attendance/checkin/qr"),
        ("GET", "/api/v1/attendance/user/{user_id}"),
        ("GET", "/api/v1/attendance/gym/{gym_id}/today"),
        ("DELETE", "/api/v1/attendance/user/{user_id}"),
        ("GET", "/api/v1/users/me"),
        ("GET", "/api/v1/users/"),
        ("GET", "/api/v1/users/trainers"),
        ("GET", "/api/v1/users/by-email"),
        ("GET", "/api/v1/users/{user_id}"),
        ("PATCH", "/api/v1/users/{user_id}"),
        ("DELETE", "/api/v1/users/{user_id}"),
        ("GET", "/api/v1/dashboard/summary"),
        ("GET", "/api/v1/dashboard/stats"),
        ("GET", "/api/v1/dashboard/gym/{gym_id}/leaderboard"),
        ("GET", "/api/v1/schedule/sessions"),
        ("GET", "/api/v1/schedule/sessions/today"),
        ("GET", "/api/v1/schedule/sessions/{session_id}"),
        ("POST", "/api/v1/schedule/participation"),
        ("DELETE", "/api/v1/schedule/participation/{participation_id}"),
        ("GET", "/api/v1/schedule/participation/user/{user_id}"),
        ("GET", "/api/v1/events"),
        ("GET", "/api/v1/events/{event_id}"),
        ("POST", "/api/v1/events/{event_id}/participate"),
        ("DELETE", "/api/v1/events/{event_id}/participate/{user_id}"),
        ("GET", "/api/v1/activity-feed/realtime"),
        ("GET", "/api/v1/activity-feed/summary"),
        ("GET", "/api/v1/activity-feed/recent"),
        ("GET", "/api/v1/activity-feed/stats"),
        ("POST", "/api/v1/activity-feed/events"),
        ("POST", "/api/v1/auth/token"),
        ("POST", "/api/v1/auth/refresh"),
        ("GET", "/api/v1/memberships/user/{user_id}"),
        ("POST", "/api/v1/memberships"),
        ("POST", "/api/v1/memberships/{membership_id}/cancel"),
        ("POST", "/api/v1/webhooks/stripe"),
    }
    assert routes == expected

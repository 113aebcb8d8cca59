import asyncio

import httpx
import requests
from flask import Flask, jsonify

app = Flask(__name__)
SERVICES = {"users": "http://users.internal/health", "billing": "http://billing.internal/health"}


@app.get("/health")
async def health():
    async with httpx.AsyncClient(timeout=2) as client:
        responses = await asyncio.gather(*(client.get(u) for u in SERVICES.values()), return_exceptions=True)
    status = {name: (not isinstance(r, Exception) and r.is_success) for name, r in zip(SERVICES, responses)}
    return jsonify(status), 200 if all(status.values()) else 503


@app.get("/health/legacy")
async def health_legacy():
    status = {}
    for name, url in SERVICES.items():
        try:
            status[name] = requests.get(url, timeout=2).ok
        except requests.RequestException:
            status[name] = False
    return jsonify(status)


@app.route("/")
def index():
    return "ok"

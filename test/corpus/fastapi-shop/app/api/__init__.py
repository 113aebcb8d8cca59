from fastapi import APIRouter

from app.api.routes import admin, cart, health, orders, products, ws

api_router = APIRouter(prefix="/api")
api_router.include_router(products.router)
api_router.include_router(orders.router)
api_router.include_router(cart.router)
api_router.include_router(admin.router)
api_router.include_router(ws.router)

__all__ = ["api_router", "health"]

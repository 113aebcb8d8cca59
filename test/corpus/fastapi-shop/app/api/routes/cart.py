from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from app.api.deps import CurrentCustomer, RedisDep, SessionDep
from app.models import Product
from app.services.cart import CartService
from app.services.pricing import quote

router = APIRouter(prefix="/cart", tags=["cart"])


class CartItemIn(BaseModel):
    product_id: int
    quantity: int = Field(1, ge=1, le=20)


@router.get("")
async def view_cart(customer: CurrentCustomer, session: SessionDep, redis: RedisDep):
    items = await CartService(redis).items(customer.id)
    lines = []
    for product_id, qty in items.items():
        product = await session.get(Product, product_id)
        if product is None:
            continue
        lines.append({"product_id": product_id, "title": product.title, "quantity": qty, "price": product.price})
    q = quote([(line["price"], line["quantity"]) for line in lines])
    return {"lines": lines, "subtotal": q.subtotal, "vat": q.vat, "shipping": q.shipping, "total": q.total}


@router.post("/items", status_code=201)
async def add_item(item: CartItemIn, customer: CurrentCustomer, session: SessionDep, redis: RedisDep):
    product = await session.get(Product, item.product_id)
    if product is None or not product.is_active:
        raise HTTPException(404, "no such product")
    qty = await CartService(redis).add(customer.id, item.product_id, item.quantity)
    return {"product_id": item.product_id, "quantity": qty}


@router.delete("/items/{product_id}", status_code=204)
async def remove_item(product_id: int, customer: CurrentCustomer, redis: RedisDep):
    await CartService(redis).remove(customer.id, product_id)


@router.delete("", status_code=204)
async def clear(customer: CurrentCustomer, redis: RedisDep):
    await CartService(redis).clear(customer.id)

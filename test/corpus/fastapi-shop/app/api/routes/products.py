from fastapi import APIRouter, HTTPException, Query, status

from app.api.deps import RedisDep, SessionDep
from app.core.cache import cached
from app.models import Product
from app.repositories import ProductRepository
from app.schemas.product import ProductCreate, ProductOut, ProductPage, ProductUpdate

router = APIRouter(prefix="/products", tags=["products"])


@cached(ttl=120, prefix="products:page")
async def _page(session, page: int, size: int) -> dict:
    repo = ProductRepository(session)
    items = await repo.list(offset=(page - 1) * size, limit=size, is_active=True)
    total = await repo.count(is_active=True)
    return ProductPage(
        items=[ProductOut.model_validate(p) for p in items], total=total, page=page, size=size
    ).model_dump(mode="json")


@router.get("", response_model=ProductPage)
async def list_products(session: SessionDep, page: int = Query(1, ge=1), size: int = Query(24, le=100)):
    return await _page(session, page, size)


@router.get("/search", response_model=list[ProductOut])
async def search(session: SessionDep, q: str = Query(..., min_length=2)):
    return await ProductRepository(session).search(q)


@router.get("/{product_id}", response_model=ProductOut)
async def get_product(product_id: int, session: SessionDep):
    product = await ProductRepository(session).get(product_id)
    if not product:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "product not found")
    return product


@router.post("", response_model=ProductOut, status_code=status.HTTP_201_CREATED)
async def create_product(payload: ProductCreate, session: SessionDep):
    repo = ProductRepository(session)
    if await repo.by_sku(payload.sku):
        raise HTTPException(status.HTTP_409_CONFLICT, "sku already exists")
    product = repo.add(Product(**payload.model_dump()))
    await session.commit()
    await session.refresh(product)
    return product


@router.patch("/{product_id}", response_model=ProductOut)
async def update_product(product_id: int, payload: ProductUpdate, session: SessionDep, redis: RedisDep):
    product = await session.get(Product, product_id)
    if product is None:
        raise HTTPException(404)
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(product, field, value)
    await session.commit()
    await redis.delete(f"product:{product_id}")
    return product

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.models import Category, Product
from app.repositories.base import Repository


class ProductRepository(Repository[Product]):
    model = Product

    async def by_sku(self, sku: str) -> Product | None:
        return await self.session.scalar(select(Product).where(Product.sku == sku))

    async def search(self, text: str, *, limit: int = 20) -> Sequence[Product]:
        pattern = f"%{text}%"
        stmt = (
            select(Product)
            .where(Product.is_active.is_(True))
            .where(or_(Product.title.ilike(pattern), Product.sku.ilike(pattern)))
            .order_by(Product.title)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def in_category(self, slug: str) -> Sequence[Product]:
        stmt = select(Product).join(Product.category).where(Category.slug == slug)
        rows = await self.session.execute(stmt)
        return rows.scalars().all()

    async def category_tree(self, slug: str) -> Category | None:
        stmt = select(Category).options(selectinload(Category.children)).where(Category.slug == slug)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def decrement_stock(self, product: Product, quantity: int) -> None:
        if product.stock < quantity:
            raise ValueError(f"not enough stock for {product.sku}")
        product.stock -= quantity
        await self.session.flush()

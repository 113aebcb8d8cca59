"""Catalogue service: every way we load relationships in async code."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    WriteOnlyMapped,
    contains_eager,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class Brand(Base):
    """A manufacturer. `events` is write-only: it is never loaded as a whole."""

    __tablename__ = "brands"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    products: Mapped[list[Product]] = relationship(back_populates="brand")
    events: WriteOnlyMapped[BrandEvent] = relationship()


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    title: Mapped[str] = mapped_column(String(200))
    brand: Mapped[Brand] = relationship(back_populates="products")
    variants: Mapped[list[Variant]] = relationship(back_populates="product", lazy="selectin")
    reviews: Mapped[list[Review]] = relationship(lazy="raise")


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("product_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    product: Mapped[Product] = relationship(back_populates="variants")
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)


class Review(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    stars: Mapped[int]


class BrandEvent(Base):
    __tablename__ = "brand_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    kind: Mapped[str] = mapped_column(String(20))


async def brand_page(session: AsyncSession, brand_id: int) -> dict:
    brand = await session.get(Brand, brand_id, options=[selectinload(Brand.products)])
    if brand is None:
        return {}
    return {"name": brand.name, "products": [p.title for p in brand.products]}


async def product_with_brand(session: AsyncSession, product_id: int) -> dict:
    stmt = select(Product).options(joinedload(Product.brand)).where(Product.id == product_id)
    product = (await session.scalars(stmt)).one()
    return {"title": product.title, "brand": product.brand.name, "skus": [v.sku for v in product.variants]}


async def filtered_products(session: AsyncSession, brand_name: str) -> list[str]:
    stmt = (
        select(Product)
        .join(Product.brand)
        .options(contains_eager(Product.brand))
        .where(Brand.name == brand_name)
    )
    products = (await session.scalars(stmt)).all()
    return [f"{p.brand.name}: {p.title}" for p in products]


async def refreshed_brand(session: AsyncSession, brand_id: int) -> int:
    brand = await session.get(Brand, brand_id)
    await session.refresh(brand, attribute_names=["products"])
    return len(brand.products)


async def log_event(session: AsyncSession, brand_id: int, kind: str) -> int:
    brand = await session.get(Brand, brand_id)
    brand.events.add(BrandEvent(kind=kind))
    await session.flush()
    recent = await session.scalars(brand.events.select().order_by(BrandEvent.id.desc()).limit(5))
    return len(recent.all())


async def new_brand(session: AsyncSession, name: str, titles: list[str]) -> Brand:
    brand = Brand(name=name, products=[])
    for t in titles:
        brand.products.append(Product(title=t))
    session.add(brand)
    await session.commit()
    return brand


async def average_stars(session: AsyncSession, product_id: int) -> float:
    product = await session.get(Product, product_id, options=[selectinload(Product.reviews)])
    stars = [r.stars for r in product.reviews]
    return sum(stars) / len(stars) if stars else 0.0


async def brand_names_for(session: AsyncSession, ids: list[int]) -> list[str]:
    rows = await session.execute(select(Product.id, Brand.name).join(Product.brand).where(Product.id.in_(ids)))
    return [name for _, name in rows]

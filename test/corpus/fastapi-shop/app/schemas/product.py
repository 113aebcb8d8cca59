from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class ImageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    url: HttpUrl
    position: int


class ProductBase(BaseModel):
    sku: str = Field(min_length=3, max_length=40)
    title: str
    description: str | None = None
    price: Decimal = Field(gt=0, decimal_places=2)
    category_id: int | None = None


class ProductCreate(ProductBase):
    stock: int = 0


class ProductUpdate(BaseModel):
    title: str | None = None
    description: str | None = None
    price: Decimal | None = None
    stock: int | None = None
    is_active: bool | None = None


class ProductOut(ProductBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    stock: int
    is_active: bool
    images: list[ImageOut] = []


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    page: int
    size: int

from app.models.customer import Address, Customer
from app.models.order import Order, OrderLine, OrderStatus
from app.models.product import Category, Product, ProductImage

__all__ = [
    "Address",
    "Category",
    "Customer",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Product",
    "ProductImage",
]

from .base import Repository
from .customer import CustomerRepository
from .order import OrderRepository
from .product import ProductRepository

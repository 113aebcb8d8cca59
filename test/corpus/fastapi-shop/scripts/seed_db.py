#!/usr/bin/env python
"""Load demo data: python -m scripts.seed_db --products 200"""
import argparse
import random
from decimal import Decimal

from faker import Faker

from app.core.security import hash_password
from app.db.session import SyncSessionLocal
from app.models import Category, Customer, Product

fake = Faker()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--customers", type=int, default=10)
    args = parser.parse_args()

    db = SyncSessionLocal()
    try:
        categories = db.query(Category).all()
        if not categories:
            categories = [Category(slug=s, name=s.title()) for s in ("apparel", "home", "books")]
            db.add_all(categories)
            db.flush()
        for _ in range(args.products):
            db.add(
                Product(
                    sku=fake.unique.bothify("??-####").upper(),
                    title=fake.catch_phrase(),
                    price=Decimal(random.randint(199, 9999)) / 100,
                    stock=random.randint(0, 40),
                    category_id=random.choice(categories).id,
                )
            )
        existing = {email for (email,) in db.query(Customer.email)}
        for _ in range(args.customers):
            email = fake.unique.email()
            if email in existing:
                continue
            db.add(Customer(email=email, full_name=fake.name(), hashed_password=hash_password("password")))
        db.commit()
        print(f"products: {db.query(Product).count()}  customers: {db.query(Customer).count()}")
    finally:
        db.close()


if __name__ == "__main__":
    main()

import { ruleTester, py } from '../helpers';

const asyncBooking = py`
  class AsyncBookingService:
      async def create_booking(self, db, *, slot_id: int, member_id: int, note: str = ""):
          ...

      async def delete_order(self, db, order_id: int, shop_id: int):
          ...

      @staticmethod
      def slug(name, /, sep="-"):
          return name

      @classmethod
      def build(cls, db):
          return cls()

      async def flexible(self, db, *args, **kwargs):
          ...


  async_booking_service = AsyncBookingService()
`;

const api = (body: string) => ({
  'app/services/async_booking.py': asyncBooking,
  'app/api/bookings.py': `from app.services.async_booking import async_booking_service, AsyncBookingService\n\n\nasync def endpoint(db, booking_in, order_id, shop_id):\n${body}`,
});

ruleTester('AM206', {
  valid: [
    { name: 'keyword-only arguments given by keyword', files: api('    await async_booking_service.create_booking(db, slot_id=1, member_id=2)\n'), path: 'app/api/bookings.py' },
    { name: 'defaults may be left out or given', files: api('    await async_booking_service.create_booking(db, slot_id=1, member_id=2, note="x")\n'), path: 'app/api/bookings.py' },
    { name: 'all positional, then by keyword', files: api('    await async_booking_service.delete_order(db, order_id, shop_id=shop_id)\n    await async_booking_service.delete_order(db=db, order_id=order_id, shop_id=shop_id)\n'), path: 'app/api/bookings.py' },
    { name: 'unpacked arguments: what binds is unknown', files: api('    await async_booking_service.delete_order(db, **booking_in)\n    await async_booking_service.delete_order(*booking_in)\n'), path: 'app/api/bookings.py' },
    { name: '*args/**kwargs accept anything', files: api('    await async_booking_service.flexible(db, 1, 2, x=3)\n'), path: 'app/api/bookings.py' },
    { name: 'staticmethod: no self; positional-only by position', files: api('    AsyncBookingService.slug("a", sep="_")\n    async_booking_service.slug("a")\n'), path: 'app/api/bookings.py' },
    { name: 'classmethod: cls is bound through the class', files: api('    AsyncBookingService.build(db)\n'), path: 'app/api/bookings.py' },
    { name: 'unbound call through the class passes self explicitly', files: api('    await AsyncBookingService.delete_order(async_booking_service, db, order_id, shop_id)\n'), path: 'app/api/bookings.py' },
    {
      name: 'a decorator that may change the signature: silent',
      files: {
        'app/util.py': py`
          from mylib import retry

          @retry(times=3)
          def fetch(url):
              ...
        `,
        'app/api/x.py': 'from app.util import fetch\n\nfetch("a", "b", timeout=3)\n',
      },
      path: 'app/api/x.py',
    },
    {
      name: 'self.method may run a subclass override with another signature',
      files: {
        'app/repo.py': py`
          class Base:
              def save(self, db):
                  ...

              def run(self, db, obj):
                  return self.save(db, obj)


          class Child(Base):
              def save(self, db, obj):
                  ...
        `,
      },
    },
    { name: 'an unresolved receiver is never reported', code: 'def f(svc, db):\n    return svc.create_booking(db, booking_in=1)\n' },
    { name: 'class instantiation is not checked (generated __init__)', code: 'from dataclasses import dataclass\n\n@dataclass\nclass A:\n    x: int\n\nA(x=1, y=2)\n' },
  ],
  invalid: [
    {
      name: 'a method defined without self, called on an instance with its first parameter by keyword',
      files: {
        'app/services/product.py': 'class ProductService:\n    def search(db, org_id):\n        ...\n\n\nproduct_service = ProductService()\n',
        'app/api/products.py': 'from app.services.product import product_service\n\nproduct_service.search(db=1, org_id=2)\n',
      },
      path: 'app/api/products.py',
      errors: ['3:1'],
      message: '`db` is given twice',
    },
    {
      name: 'the issue\'s create_booking(db, booking_in=…) against a keyword-only twin',
      files: api('    await async_booking_service.create_booking(db, booking_in=booking_in)\n'),
      path: 'app/api/bookings.py',
      errors: ['5:11'],
      message: 'it has no parameter `booking_in`',
    },
    {
      name: 'delete_order(db=db, order_id=…) against one that also requires shop_id',
      files: api('    await async_booking_service.delete_order(db=db, order_id=order_id)\n'),
      path: 'app/api/bookings.py',
      errors: ['5:11'],
      message: 'the required argument `shop_id` is missing',
    },
    {
      name: 'too many positional arguments (keyword-only after *)',
      files: api('    await async_booking_service.create_booking(db, 1, 2)\n'),
      path: 'app/api/bookings.py',
      errors: ['5:11'],
      message: 'it takes 1 positional argument but 3 were given',
    },
    {
      name: 'the same argument by position and by keyword',
      files: api('    await async_booking_service.delete_order(db, order_id, shop_id, order_id=order_id)\n'),
      path: 'app/api/bookings.py',
      errors: ['5:11'],
      message: '`order_id` is given twice',
    },
    {
      name: 'positional-only passed by keyword',
      files: api('    AsyncBookingService.slug(name="a")\n'),
      path: 'app/api/bookings.py',
      errors: ['5:5'],
      message: '`name` is positional-only',
    },
    {
      name: 'a method inherited through a generic (subscripted) base in another file, through a module-level instance',
      files: {
        'app/repos/base.py': 'from typing import Generic, TypeVar\n\nM = TypeVar("M")\n\n\nclass AsyncBaseRepository(Generic[M]):\n    async def get(self, db, id):\n        ...\n',
        'app/repos/order.py': 'from app.repos.base import AsyncBaseRepository\n\n\nclass AsyncOrderRepository(AsyncBaseRepository[int]):\n    pass\n\n\nasync_order_repository = AsyncOrderRepository()\n',
        'app/api.py': 'from app.repos.order import async_order_repository\n\n\nasync def f(db):\n    return await async_order_repository.get(db, id=1, shop_id=2)\n',
      },
      path: 'app/api.py',
      errors: ['5:18'],
      message: 'it has no parameter `shop_id`',
    },
    {
      name: 'a method inherited from a base class in another file, through self',
      files: {
        'app/repos/base.py': py`
          from typing import Generic, TypeVar

          M = TypeVar("M")


          class AsyncBaseRepository(Generic[M]):
              async def get(self, db, id):
                  ...
        `,
        'app/repos/order.py': py`
          from app.repos.base import AsyncBaseRepository


          class AsyncOrderRepository(AsyncBaseRepository):
              async def by_id(self, db, id):
                  return await self.get(db)
        `,
      },
      path: 'app/repos/order.py',
      errors: ['6:22'],
      message: 'the required argument `id` is missing',
    },
  ],
});

from fastapi import APIRouter, BackgroundTasks, HTTPException, status

from app.api.deps import CurrentCustomer, SessionDep
from app.repositories import OrderRepository
from app.schemas.order import OrderCreate, OrderOut
from app.services.notifications import send_order_confirmation
from app.services.orders import OrderService, OutOfStock
from app.services.payments import PaymentClient

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("", response_model=list[OrderOut])
async def my_orders(customer: CurrentCustomer, session: SessionDep):
    return await OrderRepository(session).for_customer(customer.id)


@router.post("", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
async def place_order(payload: OrderCreate, customer: CurrentCustomer, session: SessionDep, tasks: BackgroundTasks):
    service = OrderService(session)
    try:
        order = await service.place(customer.id, payload)
    except OutOfStock as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    tasks.add_task(send_order_confirmation, customer.email, order.number, str(order.total))
    return order


@router.post("/{order_id}/pay")
async def pay(order_id: int, customer: CurrentCustomer, session: SessionDep):
    order = await OrderRepository(session).with_lines(order_id)
    if order is None or order.customer_id != customer.id:
        raise HTTPException(404)
    client = PaymentClient()
    try:
        intent = await client.create_intent(order.number, order.total)
    finally:
        await client.aclose()
    return {"client_secret": intent["client_secret"], "intent_id": intent["id"]}


@router.post("/{order_id}/cancel", response_model=OrderOut)
async def cancel(order_id: int, customer: CurrentCustomer, session: SessionDep):
    service = OrderService(session)
    order = await OrderRepository(session).get(order_id)
    if order is None or order.customer_id != customer.id:
        raise HTTPException(404)
    try:
        order = service.cancel(order_id)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc))
    return order

import asyncio
import json
import logging
import signal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

log = logging.getLogger("consumer")


async def process(value: dict, producer: AIOKafkaProducer) -> None:
    if value.get("type") == "order.created":
        enriched = {**value, "priority": "high" if value.get("total", 0) > 1000 else "normal"}
        await producer.send_and_wait("orders.enriched", json.dumps(enriched).encode())


async def run() -> None:
    consumer = AIOKafkaConsumer(
        "orders", bootstrap_servers="kafka:9092", group_id="enricher", enable_auto_commit=False, auto_offset_reset="earliest"
    )
    producer = AIOKafkaProducer(bootstrap_servers="kafka:9092")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await consumer.start()
    await producer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=1000, max_records=200)
            for tp, messages in batch.items():
                for msg in messages:
                    try:
                        await process(json.loads(msg.value), producer)
                    except json.JSONDecodeError:
                        log.warning("skipping bad message at %s:%s", tp, msg.offset)
            if batch:
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run())

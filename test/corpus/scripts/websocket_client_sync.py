"""Tail a market-data feed with websocket-client (blocking, one thread)."""
import json
import signal
import sys
import time

import websocket

RUNNING = True


def on_signal(*_):
    global RUNNING
    RUNNING = False


def tail(url: str, symbols: list[str]) -> None:
    backoff = 1
    while RUNNING:
        try:
            ws = websocket.create_connection(url, timeout=10)
            ws.send(json.dumps({"op": "subscribe", "args": symbols}))
            backoff = 1
            while RUNNING:
                msg = json.loads(ws.recv())
                if msg.get("type") == "trade":
                    print(f"{msg['symbol']:8} {msg['price']:>12} {msg['size']:>8}")
            ws.close()
        except (websocket.WebSocketException, OSError) as exc:
            print(f"disconnected ({exc}); retrying in {backoff}s", file=sys.stderr)
            time.sleep(backoff)
            backoff = min(backoff * 2, 60)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, on_signal)
    tail("wss://feed.example.com/v1", sys.argv[1:] or ["BTC-USD"])

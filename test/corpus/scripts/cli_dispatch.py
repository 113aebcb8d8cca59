#!/usr/bin/env python
"""ops.py <command> — small async ops tool with a command table."""
import argparse
import asyncio
import os
import sys

import httpx


async def cmd_status(args: argparse.Namespace) -> int:
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(f"{args.base}/status")
    print(resp.json())
    return 0


async def cmd_drain(args: argparse.Namespace) -> int:
    async with httpx.AsyncClient(timeout=30) as client:
        resp = await client.post(f"{args.base}/admin/drain", json={"node": args.node})
    print("draining", args.node, resp.status_code)
    return 0 if resp.is_success else 1


def cmd_env(args: argparse.Namespace) -> int:
    for k in sorted(os.environ.keys()):
        if k.startswith("OPS_"):
            print(k, "=", os.environ[k])
    return 0


COMMANDS = {"status": cmd_status, "drain": cmd_drain}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default=os.environ.get("OPS_BASE", "http://localhost:8080"))
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    drain = sub.add_parser("drain")
    drain.add_argument("node")
    sub.add_parser("env")
    args = parser.parse_args(argv)
    if args.command == "env":
        return cmd_env(args)
    return asyncio.run(COMMANDS[args.command](args))


if __name__ == "__main__":
    sys.exit(main())

import { py, ruleTester } from '../helpers';

ruleTester('AM601', {
  valid: [
    {
      name: 'blocking calls in a plain def (FastAPI runs it in a threadpool)',
      code: py`
        import time
        import requests

        def sync_endpoint():
            time.sleep(1)
            return requests.get("https://example.com").json()
      `,
    },
    {
      name: 'a sync helper called from async code is not followed',
      code: py`
        import time

        def backoff():
            time.sleep(0.1)

        async def handler():
            backoff()
      `,
    },
    {
      name: 'already wrapped: to_thread, run_in_executor, run_in_threadpool, lambda',
      code: py`
        import asyncio
        import functools
        import stripe
        import requests
        from starlette.concurrency import run_in_threadpool

        async def handler(email):
            customer = await asyncio.to_thread(stripe.Customer.create, email=email)
            loop = asyncio.get_running_loop()
            page = await loop.run_in_executor(None, lambda: requests.get("https://x"))
            other = await loop.run_in_executor(None, functools.partial(requests.get, "https://y"))
            return await run_in_threadpool(stripe.PaymentIntent.retrieve, "pi_1")
      `,
    },
    {
      name: 'CPU-only SDK helpers and async SDK clients',
      code: py`
        import stripe
        from openai import AsyncOpenAI
        from stream_chat import StreamChat
        import boto3

        client = AsyncOpenAI()
        chat = StreamChat(api_key="k", api_secret="s")
        s3 = boto3.client("s3")

        async def webhook(payload, sig, secret, user_id):
            event = stripe.Webhook.construct_event(payload, sig, secret)
            reply = await client.chat.completions.create(model="gpt-4o", messages=[])
            token = chat.create_token(user_id)
            url = s3.generate_presigned_url("get_object", Params={})
            intent = await stripe.PaymentIntent.retrieve_async("pi_1")
            return event, reply, token, url, intent
      `,
    },
    {
      name: 'a local function named sleep and a module attribute that is not time',
      code: py`
        import asyncio

        def sleep(x):
            return x

        async def handler():
            sleep(1)
            await asyncio.sleep(1)
      `,
    },
    {
      name: 'a call in a nested plain def inside async def runs elsewhere',
      code: py`
        import time

        async def handler():
            def work():
                time.sleep(1)
            return work
      `,
    },
    {
      name: 'a Flask async view runs in its own event loop per request (corpus: scripts/flask_async_view.py)',
      code: py`
        import requests
        from flask import Blueprint, Flask

        app = Flask(__name__)
        bp = Blueprint("health", __name__)

        @app.get("/health/legacy")
        async def health_legacy():
            return {"ok": requests.get("http://users.internal/health", timeout=2).ok}

        @bp.route("/ping")
        async def ping():
            return {"ok": requests.head("http://billing.internal/", timeout=2).ok}
      `,
    },
  ],
  invalid: [
    {
      name: 'a Quart async view shares the event loop: still reported',
      code: py`
        import requests
        from quart import Quart

        app = Quart(__name__)

        @app.get("/health")
        async def health():
            return {"ok": requests.get("http://users.internal/health", timeout=2).ok}
      `,
      errors: ['8:19'],
    },
    {
      name: 'time.sleep → await asyncio.sleep (safe, import added)',
      code: py`
        import time


        async def poll():
            time.sleep(0.5)  # wait a bit
      `,
      errors: ['5:5'],
      message: '`time.sleep()` blocks the event loop inside `async def poll`',
      output: py`
        import time
        import asyncio


        async def poll():
            await asyncio.sleep(0.5)  # wait a bit
      `,
    },
    {
      name: 'from time import sleep, already-imported asyncio',
      code: py`
        import asyncio
        from time import sleep

        async def poll(delay):
            sleep(delay)
      `,
      errors: ['5:5'],
      output: py`
        import asyncio
        from time import sleep

        async def poll(delay):
            await asyncio.sleep(delay)
      `,
    },
    {
      name: 'sync Stripe → asyncio.to_thread, arguments kept verbatim (unsafe)',
      code: py`
        import stripe

        async def create_customer(email: str, name: str):
            customer = stripe.Customer.create(email=email, name=name)  # billing
            return customer.id
      `,
      errors: ['4:16'],
      message: 'the sync Stripe SDK (`stripe.Customer.create()`)',
      unsafe: true,
      output: py`
        import stripe
        import asyncio

        async def create_customer(email: str, name: str):
            customer = await asyncio.to_thread(stripe.Customer.create, email=email, name=name)  # billing
            return customer.id
      `,
    },
    {
      name: 'to_thread is not applied by safe fix-all',
      code: py`
        import stripe

        async def pay(pi):
            return stripe.PaymentIntent.retrieve(pi)
      `,
      errors: ['4:12'],
      output: py`
        import stripe

        async def pay(pi):
            return stripe.PaymentIntent.retrieve(pi)
      `,
    },
    {
      name: 'requests with a chained .json() gets parentheses; multi-line arguments',
      code: py`
        import asyncio
        import requests

        async def fetch(url, token):
            data = requests.get(url, headers={"Authorization": token}).json()
            requests.post(
                url,
                json=data,
            )
            return data
      `,
      errors: ['5:12', '6:5'],
      unsafe: true,
      output: py`
        import asyncio
        import requests

        async def fetch(url, token):
            data = (await asyncio.to_thread(requests.get, url, headers={"Authorization": token})).json()
            await asyncio.to_thread(requests.post,
                url,
                json=data,
            )
            return data
      `,
    },
    {
      name: 'OpenAI client instance (module level) and legacy module API',
      code: py`
        import openai
        from openai import OpenAI

        client = OpenAI()

        async def analyse(messages):
            reply = client.chat.completions.create(model="gpt-4o", messages=messages)
            legacy = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=messages)
            return reply, legacy
      `,
      errors: ['7:13', '8:14'],
      message: 'the sync OpenAI client (`client.chat.completions.create()`)',
    },
    {
      name: 'Stream Chat client as self attribute, boto3 client local, requests.Session',
      code: py`
        import boto3
        import requests
        from stream_chat import StreamChat

        class ChatService:
            def __init__(self, key, secret):
                self.client = StreamChat(api_key=key, api_secret=secret)

            async def add_user(self, user):
                self.client.upsert_user({"id": user.id})
                channel = self.client.channel("messaging", "gym-1")
                channel.add_members([user.id])
                token = self.client.create_token(user.id)
                return token

        async def upload(data):
            s3 = boto3.client("s3")
            s3.put_object(Bucket="b", Key="k", Body=data)
            http = requests.Session()
            http.get("https://example.com")
      `,
      errors: ['10:9', '12:9', '18:5', '20:5'],
    },
    {
      name: 'OpenAI client in another module, imported',
      files: {
        'app/core/ai.py': py`
          from openai import OpenAI

          ai_client = OpenAI(api_key="x")
        `,
        'app/services/nutrition.py': py`
          from app.core.ai import ai_client

          async def describe(image_url):
              return ai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": image_url}])
        `,
      },
      path: 'app/services/nutrition.py',
      errors: ['4:12'],
      unsafe: true,
      output: py`
        from app.core.ai import ai_client
        import asyncio

        async def describe(image_url):
            return await asyncio.to_thread(ai_client.chat.completions.create, model="gpt-4o", messages=[{"role": "user", "content": image_url}])
      `,
    },
    {
      name: 'subprocess and urlopen',
      code: py`
        import subprocess
        from urllib.request import urlopen

        async def run():
            subprocess.run(["ls"], check=True)
            return urlopen("https://example.com").read()
      `,
      errors: ['5:5', '6:12'],
    },
    {
      name: 'configured blocking call (workspace function by canonical name)',
      config: { 'blocking-calls': ['app.legacy.client.fetch_profile'] },
      files: {
        'app/legacy/client.py': py`
          def fetch_profile(user_id):
              return user_id
        `,
        'app/api/users.py': py`
          from app.legacy.client import fetch_profile

          async def me(user_id):
              return fetch_profile(user_id)
        `,
      },
      path: 'app/api/users.py',
      errors: ['4:12'],
      message: 'configured in `blocking-calls`',
    },
    {
      name: 'an already awaited time.sleep (a TypeError too) becomes asyncio.sleep, with an aliased asyncio',
      code: py`
        import asyncio as aio
        import time

        async def wait():
            await time.sleep(1)
      `,
      errors: ['5:11'],
      output: py`
        import asyncio as aio
        import time

        async def wait():
            await aio.sleep(1)
      `,
    },
    {
      name: 'inside a generator expression: reported without a fix',
      code: py`
        import requests

        async def alive(urls):
            return all(requests.head(u).ok for u in urls)
      `,
      errors: ['4:16'],
      unsafe: true,
      output: py`
        import requests

        async def alive(urls):
            return all(requests.head(u).ok for u in urls)
      `,
    },
  ],
});

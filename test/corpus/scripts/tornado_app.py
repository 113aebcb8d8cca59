import json

import tornado.ioloop
import tornado.web
from tornado import gen
from tornado.httpclient import AsyncHTTPClient


class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write({"hello": "world"})


class ProxyHandler(tornado.web.RequestHandler):
    async def get(self, path):
        client = AsyncHTTPClient()
        resp = await client.fetch(f"https://api.example.com/{path}", raise_error=False)
        self.set_status(resp.code)
        self.write(resp.body)


class LegacyHandler(tornado.web.RequestHandler):
    @gen.coroutine
    def get(self):
        client = AsyncHTTPClient()
        resp = yield client.fetch("https://api.example.com/legacy")
        self.write(json.loads(resp.body))


def make_app():
    return tornado.web.Application([(r"/", MainHandler), (r"/proxy/(.*)", ProxyHandler), (r"/legacy", LegacyHandler)])


if __name__ == "__main__":
    make_app().listen(8888)
    tornado.ioloop.IOLoop.current().start()

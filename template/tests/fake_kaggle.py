"""A stand-in for Kaggle's API on 127.0.0.1, so the real `kaggle` package runs in tests without a network.

The kaggle client sends JSON POSTs to /api/v1/<package>.<Service>/<Method> on its endpoint.
KAGGLE_API_ENVIRONMENT=LOCALHOST makes that endpoint http://localhost, and HTTP_PROXY routes it here.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeKaggle:
    def __init__(self):
        self.answers = {}  # method name (e.g. "SaveKernel") -> the JSON it answers
        self.requests = []  # (method name, JSON body), in the order they came
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                method = self.path.rsplit("/", 1)[-1]
                fake.requests.append((method, json.loads(body or b"{}")))
                answer = json.dumps(fake.answers.get(method, {})).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def environment(self) -> dict:
        """What a process needs to talk to this fake instead of kaggle.com."""
        proxy = f"http://127.0.0.1:{self.server.server_port}"
        return {
            "KAGGLE_API_ENVIRONMENT": "LOCALHOST",
            **{name: proxy for name in ("HTTP_PROXY", "http_proxy")},
            **{name: "" for name in ("NO_PROXY", "no_proxy")},  # localhost goes through the proxy too
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

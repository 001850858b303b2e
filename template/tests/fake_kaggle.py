"""A stand-in for Kaggle's API on 127.0.0.1, so the real `kaggle` package runs in tests without a network.

The kaggle client sends JSON POSTs to /api/v1/<package>.<Service>/<Method> on its endpoint; downloads answer
with a redirect to a file URL, and uploads PUT the file to a URL that the API handed out. This fake answers
each method with the JSON (or HTTP status) a test gives it, serves files, and records what it was sent.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeKaggle:
    def __init__(self):
        # method name (e.g. "SaveKernel") -> the JSON it answers; a list answers one item per call (the last
        # item repeats), an int is an HTTP error status, "redirect:<name>" redirects to files[<name>], and "drop"
        # closes the connection without an answer.
        self.answers = {}
        self.files = {}  # name -> bytes, served at /files/<name> (a name may hold folders: runs/<id>/cv.json)
        self.requests = []  # (method name, JSON body), in the order they came
        self.uploads = []  # bytes of every PUT
        self.upload_status = 200  # what a PUT answers: 400 fails the upload
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.read_body()
                method = self.path.rsplit("/", 1)[-1]
                fake.requests.append((method, json.loads(body or b"{}")))
                answer = fake.answers.get(method, {})
                if isinstance(answer, list):
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if answer == "drop":  # the connection drops without an answer, as on a flaky network
                    self.close_connection = True
                elif isinstance(answer, int):
                    self.send(answer, json.dumps({"code": answer, "message": f"fake error {answer}"}).encode())
                elif isinstance(answer, str) and answer.startswith("redirect:"):
                    self.send_response(302)
                    self.send_header("Location", fake.url + "/files/" + answer.split(":", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send(200, json.dumps(answer).encode())

            def do_GET(self):
                path = self.path.split("?")[0]
                name = path.split("/files/", 1)[1] if "/files/" in path else path.rsplit("/", 1)[-1]
                if name in fake.files:
                    self.send(200, fake.files[name], "application/octet-stream")
                else:
                    self.send(404, b"{}")

            def do_PUT(self):
                fake.uploads.append(self.read_body())
                self.send(fake.upload_status, b"{}")

            def read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding") != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = b""
                while size := int(self.rfile.readline().strip() or b"0", 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
                return body

            def send(self, status: int, body: bytes, kind: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # close() waits for the server's next look at its shutdown flag: every 0.5 s by default, in every test.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def methods(self) -> list:
        return [method for method, _ in self.requests]

    def environment(self) -> dict:
        """What another process needs to talk to this fake instead of kaggle.com.

        KAGGLE_API_ENVIRONMENT=LOCALHOST makes the client's endpoint http://localhost, and HTTP_PROXY routes it here.
        """
        return {
            "KAGGLE_API_ENVIRONMENT": "LOCALHOST",
            **{name: self.url for name in ("HTTP_PROXY", "http_proxy")},
            **{name: "" for name in ("NO_PROXY", "no_proxy")},  # localhost goes through the proxy too
        }

    def serve_in_this_process(self, monkeypatch) -> None:
        """Point the kaggle package imported by this process here: its local endpoint becomes this server."""
        from kaggle.api.kaggle_api_extended import KaggleApi
        from kagglesdk import kaggle_env

        monkeypatch.setattr(KaggleApi, "args", ["--local"])  # what KAGGLE_API_ENVIRONMENT=LOCALHOST sets at import
        monkeypatch.setitem(kaggle_env._env_to_endpoint, kaggle_env.KaggleEnv.LOCAL, self.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

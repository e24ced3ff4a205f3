"""A local HTTP server on 127.0.0.1 standing in for a PBX API or an SMS provider."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHttpServer:
    """Records every request; ``answer(request) -> (status, body)`` decides the reply."""

    def __init__(self, answer=None):
        self.requests = []
        self.answer = answer or (lambda request: (200, {"status": "ok"}))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                request = {"path": self.path, "headers": dict(self.headers), "raw": raw}
                try:
                    request["json"] = json.loads(raw)
                except ValueError:
                    request["json"] = None
                server.requests.append(request)
                status, body = server.answer(request)
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # a GET has no body: the same record

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

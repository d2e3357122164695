"""The benchmark's stand-in for a client's image host: serves one file from memory over HTTP/1.1 on
loopback, many connections at once (the standard library's threading server)."""
import http.server, sys

photo = open(sys.argv[1], "rb").read()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(photo)))
        self.end_headers()
        self.wfile.write(photo)
    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    # The default backlog of 5 drops connections under load, and each dropped SYN costs a 1 s retry.
    request_queue_size = 1024
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()

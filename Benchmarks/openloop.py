"""An open-loop client (the quiet workspace of the fairness benchmark, the load of the pipeline
benchmark): POST /v1/videos at a steady rate, a different photo in every request (the run's distinct
JPEGs, each with a comment segment of its own), and the latency and status of each. FIELDS, when
given, are the form fields (name=value,name=value; default a zoom_in camera move). Prints one JSON
line: sent, accepted, statuses, p50_ms, p99_ms, max_ms.

    python3 openloop.py BASE_URL KEY PHOTOS_DIR PHOTO_COUNT RATE SECONDS TAG [FIELDS]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, key, directory, count, rate, seconds, tag = sys.argv[1:8]
fields = [pair.split("=", 1) for pair in (sys.argv[8] if len(sys.argv) > 8 else "video_type=camera_motion,camera_motion=zoom_in").split(",")]
count, rate, seconds = int(count), float(rate), float(seconds)
url = urllib.parse.urlparse(base)
photos = [open(f"{directory}/photo-{n}.jpg", "rb").read()[2:] for n in range(1, count + 1)]
boundary = "roomreel-quiet-boundary"
local = threading.local()


def body(index):
    # SOI, then a COM segment naming this request, then the rest of the photo: bytes no other request sent.
    comment = f"quiet-{tag}-{index:08d}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    photo = b"\xff\xd8" + segment + photos[index % count]
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode() for name, value in fields] + [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"room.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".encode()
        + photo + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts)


def post(index):
    data = body(index)
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    started = time.monotonic()
    try:
        local.connection.request("POST", "/v1/videos", body=data, headers={
            "Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = local.connection.getresponse()
        response.read()
        status = response.status
    except Exception:
        local.connection.close()
        del local.connection
        status = 0
    return status, (time.monotonic() - started) * 1000


results = []
start = time.monotonic()
with ThreadPoolExecutor(max_workers=max(8, int(rate // 10))) as pool:
    futures = []
    index = 0
    while index < rate * seconds:
        # Open loop: each request at its own moment, whether or not the earlier ones are back.
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(post, index))
        index += 1
    results = [future.result() for future in futures]

latencies = sorted(latency for _, latency in results)
statuses = {}
for status, _ in results:
    statuses[str(status)] = statuses.get(str(status), 0) + 1


def percentile(fraction):
    return round(latencies[min(len(latencies) - 1, int(fraction * len(latencies)))], 1)


print(json.dumps({"sent": len(results), "accepted": statuses.get("202", 0), "statuses": statuses,
                  "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "max_ms": round(latencies[-1], 1)}))

"""A closed-loop client for the gateway benchmark: CONCURRENCY connections, each posting its next
image-to-video job as soon as the last one is answered, for SECONDS. Every request carries a
different photo (the run's distinct JPEGs, each with a comment segment of its own) inline as base64,
in the request shape of the gateway it is sent to:

  roomreel  POST /v1/videos {"model", "prompt", "duration", "image_base64"}            -> 202
  litellm   POST /v1/videos {"model", "prompt", "seconds", "input_reference": data URI} -> 200

Prints one JSON line: sent, accepted, statuses, accepted_per_s, p50_ms, p99_ms, max_ms.

    python3 load.py KIND BASE_URL KEY MODEL PHOTOS_DIR PHOTO_COUNT CONCURRENCY SECONDS TAG
"""
import base64
import http.client
import json
import sys
import threading
import time
import urllib.parse

kind, base, key, model, directory, count, concurrency, seconds, tag = sys.argv[1:10]
count, concurrency, seconds = int(count), int(concurrency), float(seconds)
url = urllib.parse.urlparse(base)
photos = [open(f"{directory}/photo-{n}.jpg", "rb").read()[2:] for n in range(1, count + 1)]
accepted_status = 202 if kind == "roomreel" else 200
lock = threading.Lock()
counter = [0]
results = []


def body(index):
    # SOI, then a COM segment naming this request, then the rest of the photo: bytes no other request sent.
    comment = f"gateway-{tag}-{index:08d}".encode()
    photo = b"\xff\xd8\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + photos[index % count]
    encoded = base64.b64encode(photo).decode()
    prompt = "a slow push into the room"
    if kind == "roomreel":
        return json.dumps({"model": model, "prompt": prompt, "duration": 5, "image_base64": encoded})
    return json.dumps({"model": model, "prompt": prompt, "seconds": "5", "input_reference": f"data:image/jpeg;base64,{encoded}"})


def worker(deadline):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    mine = []
    while time.monotonic() < deadline:
        with lock:
            index = counter[0]
            counter[0] += 1
        data = body(index)
        started = time.monotonic()
        try:
            connection.request("POST", "/v1/videos", body=data, headers={
                "Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except Exception:
            connection.close()
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            status = 0
        mine.append((status, (time.monotonic() - started) * 1000))
    with lock:
        results.extend(mine)


start = time.monotonic()
threads = [threading.Thread(target=worker, args=(start + seconds,)) for _ in range(concurrency)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - start

latencies = sorted(latency for status, latency in results if status == accepted_status) or [0.0]
statuses = {}
for status, _ in results:
    statuses[str(status)] = statuses.get(str(status), 0) + 1
accepted = statuses.get(str(accepted_status), 0)


def percentile(fraction):
    return round(latencies[min(len(latencies) - 1, int(fraction * len(latencies)))], 1)


print(json.dumps({"sent": len(results), "accepted": accepted, "statuses": statuses, "accepted_per_s": round(accepted / elapsed, 1),
                  "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "max_ms": round(latencies[-1], 1)}))

"""The official `openai` package against RoomReel's OpenAI-style Videos API.

Usage: openai_videos.py BASE_URL API_KEY PHOTO OUT_DIR. Prints one JSON object of what each call
returned; CompatibilityTests checks it and the downloaded files.
"""
import json
import sys
import time

import openai

base_url, api_key, photo, out_dir = sys.argv[1:5]
client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=120)
report = {"sdk_version": openai.__version__}


def finished(video_id, deadline_seconds=300):
    deadline = time.monotonic() + deadline_seconds
    while True:
        video = client.videos.retrieve(video_id)
        if video.status in ("completed", "failed") or time.monotonic() > deadline:
            return video
        time.sleep(0.5)


prompt_only = client.videos.create(prompt="A slow dolly through a bright loft at golden hour", seconds="4", size="1280x720")
with open(photo, "rb") as reference:
    with_photo = client.videos.create(prompt="The camera glides towards the sofa", input_reference=reference,
                                      seconds="8", size="720x1280", model="kling-v3.0")
report["created"] = [prompt_only.model_dump(), with_photo.model_dump()]

report["finished"] = {}
for video in (prompt_only, with_photo):
    done = finished(video.id)
    report["finished"][video.id] = done.model_dump()
    if done.status == "completed":
        content = client.videos.download_content(video.id)
        path = f"{out_dir}/{video.id}.mp4"
        content.write_to_file(path)
        thumbnail = client.videos.download_content(video.id, variant="thumbnail")
        report.setdefault("downloads", {})[video.id] = {"video": path, "thumbnail_bytes": len(thumbnail.content)}

# One a page, so that the SDK follows `after` from page to page.
report["listed"] = [video.id for video in client.videos.list(limit=1, order="desc")]

deleted = client.videos.delete(prompt_only.id)
report["deleted"] = deleted.model_dump()
try:
    client.videos.retrieve(prompt_only.id)
    report["after_delete"] = "found"
except openai.NotFoundError as error:
    report["after_delete"] = error.body

try:
    client.videos.create(prompt="A loft", size="1024x1792")
    report["bad_size"] = "accepted"
except openai.BadRequestError as error:
    report["bad_size"] = error.body

try:
    openai.OpenAI(base_url=base_url, api_key="not-a-key", max_retries=0).videos.list()
    report["bad_key"] = "accepted"
except openai.AuthenticationError as error:
    report["bad_key"] = error.body

print(json.dumps(report))

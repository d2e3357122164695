"use strict";
// The playground: the public API only, as the dev workspace, with the key the server wrote into the page.
const key = document.querySelector('meta[name="roomreel-key"]').content;
const workspace = document.querySelector('meta[name="roomreel-workspace"]').content;
const $ = (id) => document.getElementById(id);
let catalog = { models: [], defaults: {} };

async function api(method, path, body) {
  const response = await fetch(path, { method, body, headers: { Authorization: `Bearer ${key}` } });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = json.error || {};
    throw new Error(`${error.code || response.status}: ${error.message || response.statusText}`);
  }
  return json;
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", isError);
}

async function showBalance() {
  try {
    $("balance").textContent = (await api("GET", `/v1/workspaces/${encodeURIComponent(workspace)}/balance`)).balance;
  } catch (error) {
    $("balance").textContent = "unknown";
  }
}

// The model the job would run on: the one chosen, else the type's default when it is available,
// else the first available model that makes this type (the local renderer's, without provider keys).
function impliedModel() {
  const available = catalog.models.filter((model) => model.available);
  const chosen = $("model").value;
  if (chosen) return available.find((model) => model.id === chosen);
  const type = $("type").value;
  return available.find((model) => model.id === catalog.defaults[type])
    || available.find((model) => model.video_types.includes(type) && model.provider === "local")
    || available.find((model) => model.video_types.includes(type));
}

function showPrice() {
  const model = impliedModel();
  if (!model) { $("price").textContent = "no available model makes this"; return; }
  const seconds = Number($("duration").value) || model.durations.default;
  const credits = model.credits.flat ?? Math.ceil(model.credits.per_second * seconds);
  $("price").textContent = `${credits} credits on ${model.id}`;
}

function showMoveChoice() {
  const isMove = $("type").value === "camera_motion";
  $("move").disabled = !isMove;
  $("move").closest("label").hidden = !isMove;
  showPrice();
}

async function loadCatalog() {
  catalog = await api("GET", "/v1/models");
  const local = catalog.models.find((model) => model.id === "local-camera-motion");
  for (const move of local ? local.camera_motions : []) $("move").add(new Option(move.replaceAll("_", " "), move));
  $("move").value = "zoom_in";
  for (const model of catalog.models.filter((model) => model.available)) {
    $("model").add(new Option(`${model.id} (${model.quality_tier})`, model.id));
  }
  showMoveChoice();
}

function photoFields(type, files) {
  if (type === "before_after") return ["before_image", "after_image"];
  if (type === "social_reel") return files.map(() => "images[]");
  return ["image"];
}

async function submit(event) {
  event.preventDefault();
  const files = Array.from($("photo").files);
  if (files.length === 0) { say("Choose a photo first.", true); $("photo").focus(); return; }
  const type = $("type").value;
  const form = new FormData();
  form.append("video_type", type);
  if (type === "camera_motion") form.append("camera_motion", $("move").value);
  for (const id of ["model", "ratio", "duration", "style"]) {
    const field = $(id);
    if (field.value) form.append(field.name, field.value);
  }
  photoFields(type, files).forEach((name, index) => { if (files[index]) form.append(name, files[index], files[index].name); });
  $("submit").disabled = true;
  say("Submitting…");
  try {
    const job = await api("POST", "/v1/videos", form);
    say(job.routing_reason ? `Accepted on ${job.model}: ${job.routing_reason}` : `Accepted on ${job.model}.`);
    await follow(job);
  } catch (error) {
    say(error.message, true);
  } finally {
    $("submit").disabled = false;
    showBalance();
  }
}

function showState(state, progress) {
  $("state").textContent = `${state}, ${progress} %`;
  $("progress").value = progress;
  $("progress").textContent = `${progress} %`;
}

// Reads the job's server-sent events (fetch, so the key goes in a header) until the last one,
// reconnecting with Last-Event-ID when the connection drops.
async function follow(job) {
  $("result").hidden = false;
  $("job-id").textContent = job.id;
  $("video").hidden = true;
  $("poster-line").hidden = true;
  $("ledger").textContent = "";
  showState("queued", 0);
  let lastID = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const headers = { Authorization: `Bearer ${key}` };
    if (lastID) headers["Last-Event-ID"] = String(lastID);
    const response = await fetch(`/v1/videos/${job.id}/events`, { headers });
    if (!response.ok) throw new Error(`event stream: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const fields = {};
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
        }
        if (!fields.data) continue;
        lastID = Number(fields.id) || lastID;
        const data = JSON.parse(fields.data);
        showState(data.state, data.progress);
        if (data.job) { await finished(data.job); return; }
      }
    }
  }
  throw new Error("the event stream kept dropping");
}

async function finished(job) {
  if (job.status !== "completed") {
    say(`The job failed: ${job.error ? `${job.error.code}: ${job.error.message}` : "unknown"}`, true);
    return;
  }
  say(`Done: ${job.video_width}×${job.video_height}, ${job.video_duration_seconds} s.`);
  const video = $("video");
  video.src = job.video_url;
  if (job.poster_url) { video.poster = job.poster_url; $("poster").href = job.poster_url; $("poster-line").hidden = false; }
  video.hidden = false;
  video.play().catch(() => {});
  try {
    const ledger = await api("GET", `/v1/workspaces/${encodeURIComponent(workspace)}/ledger?limit=50`);
    const entry = (ledger.data || []).find((item) => item.job_id === job.id);
    $("ledger").textContent = entry
      ? `Ledger: ${entry.credits} credits (entry ${entry.sequence}), balance after ${entry.balance_after}.`
      : "Ledger: the debit is on its way.";
  } catch (error) {
    $("ledger").textContent = `Ledger: ${error.message}`;
  }
}

function dropZone() {
  const zone = $("drop");
  const show = (files) => { $("chosen").textContent = Array.from(files).map((file) => file.name).join(", "); };
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    $("photo").files = event.dataTransfer.files;
    show(event.dataTransfer.files);
  });
  $("photo").addEventListener("change", () => show($("photo").files));
}

$("workspace").textContent = workspace;
$("type").addEventListener("change", showMoveChoice);
for (const id of ["model", "duration"]) $(id).addEventListener("change", showPrice);
$("job").addEventListener("submit", submit);
dropZone();
showBalance();
loadCatalog().catch((error) => say(`Could not read the models: ${error.message}`, true));

// The viewer page: opens a physiotwin HDF5 file (from ?file=URL, the file chooser or drag and
// drop) with h5wasm, shows its twins in 3D with the traces, all driven by one clock.
//
// Page parameters: ?file=URL (the file to open), ?mode=patient (the patient view),
// ?branch=NAME (a plan's branch shown as "after" in the patient view), ?t=SECONDS (start time),
// ?paused=1 (start paused).
//
// window.physiotwinViewer exposes the page's state to scripts (the browser tests use it):
// status ("waiting", "loading", "ready", "error"), message, clock, stage, tracks, verification
// (the badge's verdict: {status, key_id, problems, report}), and vrControl(action), what the VR panel's buttons do ("toggle", "slower", "faster", "next").
import h5wasm from "h5wasm";

import { legendGradient, flowColour, bloodColour, viridisAt, PRESSURE_SCALE_MAX } from "./colours.js";
import { patientLayout, renderPlainVitals } from "./patient_view.js";
import { Stage, VrPanel } from "./scene.js";
import { Clock, bindTimeline } from "./timeline.js";
import { drawPressureVolume, drawWiggers, renderOutcomes, renderVitals, escapeHtml } from "./traces.js";
import { renderBadge, verificationOf } from "./trust_badge.js";
import { openTwinFile, UnreadableFile } from "./twin_file.js";

const $ = (id) => document.getElementById(id);
const parameters = new URLSearchParams(location.search);
const viewer = { status: "waiting", message: "", clock: null, stage: null, tracks: [], opened: null, verification: null };
window.physiotwinViewer = viewer;

const stage = new Stage($("stage"));
viewer.stage = stage;
$("vr-slot").appendChild(stage.vrButton());
stage.vrPanel = new VrPanel(stage, [$("wiggers"), $("pv-loop")], (action) => vrControl(action));
$("mode").value = parameters.get("mode") === "patient" ? "patient" : "clinician";

function showMessage(text) {
  viewer.status = "error";
  viewer.message = text;
  $("message").textContent = text;
  $("message").hidden = false;
}

/** A message that does not stop the page (the file is shown): dismissed by a click. */
function showNotice(text) {
  $("message").textContent = text;
  $("message").hidden = false;
  $("message").onclick = () => ($("message").hidden = true);
}

function setStatus(status, text = "") {
  viewer.status = status;
  viewer.message = text;
  $("message").hidden = true;
}

const LEGENDS = {
  pressure: {
    title: "Vessels and organs: pressure (log scale)",
    colourAt: viridisAt,
    ends: ["0", "10", "40", `${PRESSURE_SCALE_MAX} mmHg`],
  },
  flow: { title: "Vessels: flow, as a fraction of each one's peak", colourAt: flowColour, ends: ["still", "peak"] },
  oxygen: {
    title: "Blood: O2 content relative to arterial",
    colourAt: (f) => bloodColour(0.4 + 0.6 * f),
    ends: ["40 %", "70 % (venous)", "100 % (arterial)"],
  },
};

function renderLegend(colourBy, plain) {
  if (plain) {
    $("legend").innerHTML = "Bright red: blood rich in oxygen. Dark red: blood that has given its oxygen to the body.";
    return;
  }
  const legend = LEGENDS[colourBy];
  $("legend").innerHTML =
    `<div>${legend.title}</div><div class="bar" style="background:${legendGradient(legend.colourAt)}"></div>` +
    `<div class="ends">${legend.ends.map((e) => `<span>${e}</span>`).join("")}</div>` +
    `<div>Chambers: size from volume, colour from blood O2. Valves: white disc closed, ring open.</div>`;
}

let opened = null;
let views = null; // {tracks, titles, plain}
let lastVitals = 0;

function layout() {
  const plain = $("mode").value === "patient";
  document.body.classList.toggle("patient", plain);
  $("panels").hidden = plain;
  $("plain-panels").hidden = !plain;
  const branchSelect = $("branch");
  branchSelect.hidden = !(plain && opened.kind === "plan");
  let tracks;
  let titles;
  let labels; // above the 3D figures
  let start;
  let end;
  if (plain) {
    const chosen = patientLayout(opened, branchSelect.value || parameters.get("branch"));
    ({ tracks, titles, labels, start, end } = chosen);
    if (opened.kind === "plan") branchSelect.value = chosen.branch;
    if (chosen.notice) showNotice(chosen.notice);
  } else {
    tracks = opened.tracks;
    titles = tracks.map((track) => track.label);
    labels = tracks.length > 1 ? titles : null;
    start = Math.min(...tracks.map((track) => track.start));
    end = Math.max(...tracks.map((track) => track.end));
  }
  views = { tracks, titles, plain, branch: plain && opened.kind === "plan" ? tracks[1].label : null };
  viewer.tracks = tracks;
  const colourBy = plain ? "oxygen" : $("colour-by").value;
  stage.show(tracks, { colourBy, plain, titles: labels });
  renderLegend(colourBy, plain);
  const previous = viewer.clock;
  let time = start;
  if (parameters.has("t")) time = Number(parameters.get("t"));
  else if (!plain && opened.forkTime !== null) time = Math.max(start, opened.forkTime - 2);
  const clock = new Clock(start, end, Math.min(end, Math.max(start, time)));
  clock.loopFrom = time;
  if (previous) {
    clock.speed = previous.speed;
    clock.playing = previous.playing;
  } else if (parameters.get("paused") === "1") {
    clock.playing = false;
  }
  viewer.clock = clock;
  bindTimeline(
    { play: $("play"), speed: $("speed"), slider: $("slider"), time: $("time"), marks: $("marks") },
    clock,
    plain ? [] : tracks.flatMap((track) => track.markers),
    plain ? null : opened.forkTime,
  );
  renderOutcomes($("outcomes"), plain ? [] : opened.comparison, tracks);
  $("trace-track").innerHTML = tracks.map((track, i) => `<option value="${i}">${escapeHtml(track.label)}</option>`).join("");
  clock.onChange(() => draw(!clock.playing)); // while playing, the vitals refresh at 4 Hz
  draw(true);
}

function draw(force = false) {
  if (!views) return;
  const t = viewer.clock.time;
  stage.update(views.tracks.map(() => t));
  const now = performance.now();
  if (views.plain) {
    if (force || now - lastVitals > 250) {
      renderPlainVitals($("plain-panels"), views.tracks, views.titles, t, opened.comparison, views.branch);
      lastVitals = now;
    }
    return;
  }
  const traced = views.tracks[Number($("trace-track").value) || 0];
  drawWiggers($("wiggers"), traced, t);
  drawPressureVolume($("pv-loop"), views.tracks, t);
  if (force || now - lastVitals > 250) {
    renderVitals($("vitals"), views.tracks, t);
    lastVitals = now;
  }
}

viewer.vrControl = (action) => vrControl(action);
function vrControl(action) {
  const clock = viewer.clock;
  if (!clock) return;
  if (action === "toggle") clock.toggle();
  else if (action === "slower") clock.faster(-1);
  else if (action === "faster") clock.faster(1);
  else if (action === "next") {
    $("mode").value = $("mode").value === "patient" ? "clinician" : "patient";
    layout();
  }
}

let h5 = null;
async function open(bytes, name, url = null) {
  setStatus("loading");
  $("trust-badge").hidden = true;
  viewer.verification = null;
  $("title").textContent = name;
  $("description").textContent = "reading…";
  try {
    if (!h5) h5 = await h5wasm.ready;
    const next = openTwinFile(h5wasm, h5.FS, bytes, name);
    if (opened) opened.close();
    opened = next;
    viewer.opened = opened;
    $("title").textContent = opened.title;
    $("description").textContent = (opened.incomplete ? "(incomplete: a live or interrupted run) " : "") + opened.description;
    $("branch").innerHTML =
      opened.kind === "plan"
        ? opened.tracks.map((track) => `<option value="${escapeHtml(track.label)}">After: ${escapeHtml(track.description)}</option>`).join("")
        : "";
    $("branch").value = ""; // the patient view chooses (?branch= or the first with an intervention)
    // The verdict before "ready": a test (or a person) that sees the twin sees its badge too.
    viewer.verification = await verificationOf(url, opened);
    renderBadge($("trust-badge"), viewer.verification);
    setStatus("ready"); // first: layout() may leave a notice in the message box
    layout();
  } catch (error) {
    $("description").textContent = "";
    if (error instanceof UnreadableFile) showMessage(error.message);
    else showMessage(`${name} could not be shown: ${error.message ?? error}`);
    if (!(error instanceof UnreadableFile)) console.warn(error);
  }
}

async function openUrl(url) {
  const name = decodeURIComponent(url.split("/").pop().split("?")[0]) || url;
  setStatus("loading");
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    showMessage(`${name} could not be fetched (${error.message}): is physiotwin view still running?`);
    return;
  }
  if (!response.ok) {
    showMessage(`${name} could not be fetched: the server answered ${response.status} ${response.statusText}`);
    return;
  }
  await open(new Uint8Array(await response.arrayBuffer()), name, url);
}

async function openLocal(file) {
  await open(new Uint8Array(await file.arrayBuffer()), file.name);
}

$("file-input").addEventListener("change", (event) => {
  if (event.target.files[0]) openLocal(event.target.files[0]);
});
window.addEventListener("dragover", (event) => {
  event.preventDefault();
  $("drop-hint").hidden = false;
});
window.addEventListener("dragleave", () => ($("drop-hint").hidden = true));
window.addEventListener("drop", (event) => {
  event.preventDefault();
  $("drop-hint").hidden = true;
  const file = event.dataTransfer.files[0];
  if (file) openLocal(file);
});
$("mode").addEventListener("change", () => opened && layout());
$("branch").addEventListener("change", () => opened && layout());
$("colour-by").addEventListener("change", () => opened && layout());
$("trace-track").addEventListener("change", () => draw(true));
$("frame-heart").addEventListener("click", () => stage.frame("heart"));
$("frame-body").addEventListener("click", () => stage.frame("body"));

let lastFrame = performance.now();
stage.renderer.setAnimationLoop(() => {
  const now = performance.now();
  // A long pause (a hidden tab) is not played back in one step.
  const elapsed = Math.min(0.1, (now - lastFrame) / 1000);
  lastFrame = now;
  if (viewer.clock && viewer.clock.playing) viewer.clock.tick(elapsed);
  stage.render();
});

if (parameters.has("file")) openUrl(parameters.get("file"));

// The viewer in a real browser: Debian's headless Chromium (no downloaded browser), driven by
// puppeteer-core, against pages `physiotwin view` serves (docs/viewer.md, "Tests").
//
//   node browser_test.mjs TWIN_URL PLAN_URL BAD_FILES_DIR SCREENSHOT_DIR TAMPERED_URL
//
// TWIN_URL, PLAN_URL: the addresses `physiotwin view` printed for a reference run and a plan.
// BAD_FILES_DIR: not_hdf5.h5 (text), foreign.h5 (HDF5, another format), version2.h5 (a twin's
// file claiming format version 2), cohort.h5 (a cohort's file): each opened through the page's
// file chooser. Checks:
// - the twin loads with no console error or page error; the 3D canvas is not blank;
// - two screenshots a systole apart (end-diastole and end-systole of one beat, from the file's
//   LV volume) differ where the left ventricle is drawn, and the drawn ventricle (its pixels:
//   those that change when it is hidden) is smaller at end-systole;
// - the traces are drawn (Wiggers, PV loop) and the vitals table shows the run's heart rate;
// - the plan shows one figure per branch and every branch in the vitals table and the traces'
//   menu, in step (one clock); its patient view shows before and after in plain words;
// - each bad file gives a readable message in the page, naming what is wrong;
// - "Enter VR" is offered (three.js's VRButton; headless Chromium says VR is not supported);
// - the signature badge: "verified" for the signed twin served by `physiotwin view`,
//   "TAMPERED" naming the changed dataset for TAMPERED_URL (a copy with one heart rate
//   changed), "signed, not checked here" for a signed file opened from disk
//   (BAD_FILES_DIR/signed_from_disk.h5).
// Screenshots of the twin, the plan and the patient view go to SCREENSHOT_DIR.
import fs from "node:fs";
import path from "node:path";

import { launchChromium } from "./chromium.mjs";

const [twinUrl, planUrl, badFiles, screenshotDir, tamperedUrl] = process.argv.slice(2);
fs.mkdirSync(screenshotDir, { recursive: true });
const failures = [];
function check(condition, message) {
  console.log(`${condition ? "ok  " : "FAIL"} ${message}`);
  if (!condition) failures.push(message);
}

const browser = await launchChromium();

async function openPage(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 800 });
  // Generous: CI runs this beside the sanitizer build's tests on two cores, and SwiftShader
  // renders on the CPU (a load takes 2-4 s on an idle machine, docs/performance.md).
  page.setDefaultTimeout(180000);
  page.setDefaultNavigationTimeout(180000);
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.physiotwinViewer && ["ready", "error"].includes(window.physiotwinViewer.status));
  return { page, problems };
}

/** Pauses the clock at t and draws that frame now. */
async function showAt(page, t) {
  await page.evaluate((time) => {
    const viewer = window.physiotwinViewer;
    viewer.clock.playing = false;
    viewer.clock.seek(time);
    viewer.stage.render();
  }, t);
}

/** RGBA pixels of a screenshot region (the page decodes its own PNG: no image library needed). */
async function pixels(page, clip) {
  const png = await page.screenshot({ clip, encoding: "base64" });
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return Array.from(context.getImageData(0, 0, image.width, image.height).data);
  }, png);
}

function differing(a, b) {
  let count = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 30) ++count;
  }
  return count;
}

// ---- a twin's run -------------------------------------------------------------------------
{
  const { page, problems } = await openPage(twinUrl);
  const status = await page.evaluate(() => [window.physiotwinViewer.status, window.physiotwinViewer.message]);
  check(status[0] === "ready", `the twin's file loads (${status.join(": ")})`);
  const badge = await page.evaluate(() => [window.physiotwinViewer.verification?.status, document.querySelector("#trust-badge").textContent]);
  check(badge[0] === "verified" && badge[1].includes("verified"), `the signed twin's badge says verified (${badge.join(": ")})`);
  const stage = await page.evaluate(() => {
    const r = document.querySelector("#stage > canvas").getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  });
  // End-diastole (largest LV volume) and end-systole (smallest) of the second-last whole beat.
  const beat = await page.evaluate(() => {
    const run = window.physiotwinViewer.tracks[0].runs[0];
    const beats = run.beats.time;
    const from = beats[beats.length - 2];
    const to = beats[beats.length - 1];
    const volume = run.series("lv.volume");
    let ed = from;
    let es = from;
    for (let i = run.indexAt(from); i <= run.indexAt(to); ++i) {
      if (volume[i] > volume[run.indexAt(ed)]) ed = run.time[i];
      if (volume[i] < volume[run.indexAt(es)]) es = run.time[i];
    }
    return { ed, es, edv: volume[run.indexAt(ed)], esv: volume[run.indexAt(es)] };
  });
  check(beat.edv - beat.esv > 30, `the file's LV ejects a stroke volume (${beat.edv.toFixed(0)} -> ${beat.esv.toFixed(0)} mL)`);

  await showAt(page, beat.ed);
  const whole = await pixels(page, stage);
  let background = 0;
  for (let i = 0; i < whole.length; i += 4) if (whole[i] === 0x15 && whole[i + 1] === 0x18 && whole[i + 2] === 0x1e) ++background;
  const drawn = 1 - background / (whole.length / 4);
  check(drawn > 0.2, `the 3D canvas is not blank (${(100 * drawn).toFixed(0)} % of it drawn)`);

  // Where the LV is on screen (a margin of its diastolic radius around it).
  const circle = await page.evaluate(() => {
    const viewer = window.physiotwinViewer;
    return viewer.stage.screenCircle(viewer.stage.figures[0].chamberMesh("87878005"));
  });
  const margin = Math.ceil(circle.radius * 1.3);
  const clip = { x: Math.max(0, circle.x - margin), y: Math.max(0, circle.y - margin), width: 2 * margin, height: 2 * margin };
  const lvPixels = async (t) => {
    await showAt(page, t);
    const shown = await pixels(page, clip);
    await page.evaluate(() => {
      const viewer = window.physiotwinViewer;
      viewer.stage.figures[0].chamberMesh("87878005").visible = false;
      viewer.stage.render();
    });
    const hidden = await pixels(page, clip);
    await page.evaluate(() => {
      const viewer = window.physiotwinViewer;
      viewer.stage.figures[0].chamberMesh("87878005").visible = true;
      viewer.stage.render();
    });
    return { shown, count: differing(shown, hidden) };
  };
  const diastole = await lvPixels(beat.ed);
  const systole = await lvPixels(beat.es);
  // The LV is drawn as a sphere of its volume: 120 -> 39 mL is a radius 0.69 times, a disc
  // 0.48 times as large; "smaller" below asks for 0.85 (overlapping neighbours hide part of
  // it), and "differ" for 5 % of the region around it (it changes size and colour).
  const changed = differing(diastole.shown, systole.shown);
  check(changed > 0.05 * (clip.width * clip.height), `screenshots a systole apart differ where the LV is (${changed} of ${clip.width * clip.height} pixels)`);
  check(
    systole.count < 0.85 * diastole.count && systole.count > 0,
    `the drawn LV is smaller at end-systole: ${systole.count} pixels against ${diastole.count} at end-diastole`,
  );
  const traces = await page.evaluate(() => {
    const ink = (id) => {
      const canvas = document.getElementById(id);
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ++n;
      return n / (canvas.width * canvas.height);
    };
    return { wiggers: ink("wiggers"), pv: ink("pv-loop"), vitals: document.getElementById("vitals").textContent };
  });
  check(traces.wiggers > 0.05 && traces.pv > 0.01, `the Wiggers diagram and the PV loop are drawn (${traces.wiggers.toFixed(2)}, ${traces.pv.toFixed(2)} of their pixels)`);
  const heartRate = await page.evaluate((t) => window.physiotwinViewer.tracks[0].beatMetric("heart_rate", t), beat.es);
  check(traces.vitals.includes(String(Math.round(heartRate))), `the vitals table shows the file's heart rate (${Math.round(heartRate)} /min)`);
  check((await page.$("#vr-button")) !== null, `"Enter VR" is offered: ${await page.$eval("#vr-button", (b) => b.textContent)}`);
  // The VR session's seated scale and its panel's controls, without a headset: what the
  // session's start does, then the buttons' actions, then its end.
  const vr = await page.evaluate(() => {
    const viewer = window.physiotwinViewer;
    const stage = viewer.stage;
    stage.enterSeatedScale();
    stage.scene.updateMatrixWorld(true);
    const heart = stage.figures[0].heartCentre().add(stage.figures[0].group.position).add(stage.content.position);
    const panel = stage.vrPanel.group.visible;
    stage.render();
    viewer.clock.playing = true;
    viewer.clock.speed = 1;
    viewer.vrControl("faster");
    const faster = viewer.clock.speed;
    viewer.vrControl("toggle");
    const paused = !viewer.clock.playing;
    stage.leaveSeatedScale();
    return { heart: [heart.x, heart.y, heart.z], panel, faster, paused, after: stage.content.position.length() };
  });
  check(
    Math.abs(vr.heart[0]) < 0.01 && Math.abs(vr.heart[1] + 0.2) < 0.01 && Math.abs(vr.heart[2] + 0.55) < 0.01 && vr.panel,
    `VR, seated: the heart 0.55 m ahead and 0.2 m below the head's start (${vr.heart.map((v) => v.toFixed(2)).join(", ")}), the control panel shown`,
  );
  check(vr.faster === 2 && vr.paused && vr.after === 0, `VR panel: faster (1x -> ${vr.faster}x), pause, and leaving VR restores the scene`);
  await showAt(page, beat.es);
  await page.screenshot({ path: path.join(screenshotDir, "viewer_twin.png") });
  check(problems.length === 0, `no console errors, page errors or failed requests (${problems.join("; ") || "none"})`);

  // ---- files the viewer cannot show, through the file chooser ----
  const expected = {
    "not_hdf5.h5": "is not an HDF5 file",
    "foreign.h5": "not one physiotwin wrote",
    "version2.h5": "format version 2",
    "cohort.h5": "is a cohort file",
  };
  for (const [name, words] of Object.entries(expected)) {
    const input = await page.$("#file-input");
    await input.uploadFile(path.join(badFiles, name));
    await page.waitForFunction(() => window.physiotwinViewer.status === "error");
    const message = await page.$eval("#message", (m) => (m.hidden ? "" : m.textContent));
    check(message.includes(words) && message.includes(name), `${name}: the page says "${message}"`);
    await page.evaluate(() => (window.physiotwinViewer.status = "waiting"));
  }
  // A signed file opened from disk: the page cannot check it, and says so.
  const input = await page.$("#file-input");
  await input.uploadFile(path.join(badFiles, "signed_from_disk.h5"));
  await page.waitForFunction(() => window.physiotwinViewer.status === "ready");
  const fromDisk = await page.evaluate(() => [window.physiotwinViewer.verification.status, document.querySelector("#trust-badge").textContent]);
  check(fromDisk[0] === "unchecked" && fromDisk[1].includes("not checked"), `a signed file from disk: "${fromDisk[1]}"`);
  await page.close();
}

// ---- a tampered copy, served: the badge says so and names what changed ------------------------
{
  const { page } = await openPage(tamperedUrl);
  const tampered = await page.evaluate(() => ({
    status: window.physiotwinViewer.verification?.status,
    text: document.querySelector("#trust-badge").textContent,
    report: document.querySelector("#trust-badge").title,
  }));
  check(
    tampered.status === "tampered" && tampered.text.includes("TAMPERED") && tampered.report.includes("changed: dataset /beats/heart_rate"),
    `a tampered file's badge: "${tampered.text}", its report naming the change`,
  );
  await page.close();
}

// ---- a plan: its branches side by side ------------------------------------------------------
{
  const { page, problems } = await openPage(planUrl);
  const plan = await page.evaluate(() => {
    const viewer = window.physiotwinViewer;
    return {
      status: viewer.status,
      branches: viewer.opened.tracks.map((track) => track.label),
      figures: viewer.stage.figures.length,
      menu: Array.from(document.querySelectorAll("#trace-track option"), (o) => o.textContent),
      vitals: document.getElementById("vitals").textContent,
      marks: document.getElementById("marks").textContent,
    };
  });
  check(plan.status === "ready", "the plan's file loads");
  check(plan.branches.length >= 2 && plan.figures === plan.branches.length, `one figure per branch (${plan.figures} for ${plan.branches.join(", ")})`);
  check(
    plan.branches.every((b) => plan.menu.includes(b) && plan.vitals.includes(b)),
    `every branch is in the traces' menu and the vitals table (${plan.menu.join(", ")})`,
  );
  check(plan.marks.includes("fork"), `the timeline marks the fork and the interventions (${plan.marks})`);
  // In step: after the fork every figure shows its own branch at the clock's one time.
  const late = await page.evaluate(() => {
    const viewer = window.physiotwinViewer;
    const t = viewer.clock.end - 0.5;
    viewer.clock.playing = false;
    viewer.clock.seek(t);
    return viewer.tracks.map((track) => track.runAt(t).label);
  });
  check(late.join() === plan.branches.join(), `after the fork each figure shows its branch (${late.join(", ")})`);
  await page.evaluate(() => window.physiotwinViewer.clock.seek(window.physiotwinViewer.clock.end - 3));
  await page.screenshot({ path: path.join(screenshotDir, "viewer_plan.png") });
  check(problems.length === 0, `plan: no console errors (${problems.join("; ") || "none"})`);
  await page.close();

  const patient = await openPage(`${planUrl}&mode=patient`);
  const plain = await patient.page.evaluate(() => ({
    figures: window.physiotwinViewer.stage.figures.length,
    text: document.getElementById("plain-panels").textContent,
    tracesHidden: document.getElementById("panels").hidden,
  }));
  check(plain.figures === 2 && plain.text.includes("Before") && plain.text.includes("After"), "the patient view shows before and after");
  check(plain.text.includes("Heartbeats per minute") && plain.text.includes("Blood pressure") && plain.tracesHidden, "in plain words, without the traces");
  await new Promise((resolve) => setTimeout(resolve, 1500)); // a beat and a half of the loops playing
  await patient.page.screenshot({ path: path.join(screenshotDir, "viewer_patient.png") });
  check(patient.problems.length === 0, `patient view: no console errors (${patient.problems.join("; ") || "none"})`);
  // A branch the plan does not have: said, and the first with an intervention shown instead.
  const typo = await openPage(`${planUrl}&mode=patient&branch=tavi`);
  const notice = await typo.page.$eval("#message", (m) => (m.hidden ? "" : m.textContent));
  check(notice.includes('no branch "tavi"') && notice.includes("showing tavr"), `a branch the plan lacks: "${notice}"`);
}

await browser.close();
if (failures.length > 0) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed");

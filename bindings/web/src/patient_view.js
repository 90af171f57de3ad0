// The patient view: the same page made simple for showing a patient their own twin. Large
// labels in plain words, four vital signs with what is usual, and for a plan a before and after:
// the heart today (the baseline's last beats, looped) beside the heart after the chosen
// intervention (the branch's last beats, when it has settled).
import { trackColour } from "./colours.js";
import { PLAIN_METRICS, PLAIN_VITALS } from "./plain_words.js";
import { escapeHtml } from "./traces.js";

// Seconds of whole beats the before and after loops show.
const LOOP_SECONDS = 6;

/** Start times of the whole beats in [from, to] of a run. */
function beatStarts(run, from, to) {
  return Array.from(run.beats.time).filter((t) => t >= from && t <= to);
}

/** A span of whole beats ending at the run's last beat start: seamless when played in a loop. */
function loopSpan(run, seconds) {
  const starts = beatStarts(run, run.start, run.end);
  if (starts.length < 2) return [Math.max(run.start, run.end - seconds), run.end];
  const end = starts[starts.length - 1];
  let start = starts[0];
  for (let i = starts.length - 2; i >= 0; --i) {
    start = starts[i];
    if (end - start >= seconds) break;
  }
  return [start, end];
}

/** A track played as a loop of [loopStart, loopEnd] whatever the clock's time. */
export class LoopedTrack {
  constructor(track, [loopStart, loopEnd], clockStart) {
    this.track = track;
    this.loopStart = loopStart;
    this.length = Math.max(1e-3, loopEnd - loopStart);
    this.clockStart = clockStart;
    this.label = track.label;
    this.description = track.description;
    this.runs = track.runs;
    this.anatomy = track.anatomy;
    this.markers = [];
  }

  at(t) {
    const offset = (((t - this.clockStart) % this.length) + this.length) % this.length;
    return this.loopStart + offset;
  }

  has(signal) {
    return this.track.has(signal);
  }

  valueAt(signal, t) {
    return this.track.valueAt(signal, this.at(t));
  }

  beatMetric(name, t) {
    return this.track.beatMetric(name, this.at(t));
  }

  breathMetric(name, t) {
    return this.track.breathMetric(name, this.at(t));
  }

  window(signal, t0, t1) {
    return this.track.window(signal, this.at(t0), this.at(t0) + (t1 - t0));
  }
}

/**
 * What the patient view shows of an opened file: {tracks, titles, labels (in 3D), start, end,
 * branch, notice (a branch asked for that the plan does not have)}.
 * A plan: before (the baseline) and after (the branch named, or the first with an intervention).
 */
export function patientLayout(opened, branchName) {
  if (opened.kind !== "plan") {
    const track = opened.tracks[0];
    return { tracks: [track], titles: ["Your heart and lungs"], labels: null, start: track.start, end: track.end };
  }
  const named = opened.tracks.find((track) => track.label === branchName);
  const after = named ?? opened.tracks.find((track) => track.runs[1].markers.length > 0) ?? opened.tracks[0];
  const notice =
    branchName && !named
      ? `This plan has no branch "${branchName}" (it has ${opened.tracks.map((t) => t.label).join(", ")}): showing ${after.label}.`
      : "";
  const branch = after.runs[after.runs.length - 1];
  const [start, end] = loopSpan(branch, 3 * LOOP_SECONDS);
  const before = new LoopedTrack(opened.baseline, loopSpan(opened.baseline.runs[0], LOOP_SECONDS), start);
  return {
    tracks: [before, after],
    titles: ["Before: today", `After: ${after.description}`],
    labels: ["Before", "After"], // above the figures; the panels carry the long titles
    start,
    end,
    branch: after.label,
    notice,
  };
}

function plainValue(track, vital, t) {
  if (vital.metric === "blood_pressure") {
    const systolic = track.beatMetric("systolic_pressure", t);
    const diastolic = track.beatMetric("diastolic_pressure", t);
    return Number.isFinite(systolic) ? `${systolic.toFixed(0)}/${diastolic.toFixed(0)}` : "–";
  }
  const value = vital.source === "beats" ? track.beatMetric(vital.metric, t) : track.breathMetric(vital.metric, t);
  return Number.isFinite(value) ? value.toFixed(vital.digits) : "–";
}

function number(value) {
  if (!Number.isFinite(value)) return "–";
  return Math.abs(value) >= 10 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(1) : value.toFixed(2);
}

/** A plan's outcomes for one branch in plain words: before, after, and the goal when it has one. */
function plainOutcomes(comparison, branch) {
  if (!comparison || comparison.length === 0 || !branch) return "";
  const rows = comparison
    .map((row) => {
      const name = PLAIN_METRICS.get(row.metric) ?? row.metric.replaceAll("_", " ");
      const after = row.values[branch];
      const goal = row.threshold ? ` <span class="goal ${row.met[branch] === 1 ? "met" : "missed"}">goal ${escapeHtml(row.threshold)} ${escapeHtml(row.unit)}: ${row.met[branch] === 1 ? "reached" : "not reached"}</span>` : "";
      return `<tr><td>${escapeHtml(name)}</td><td>${number(row.baseline)}</td><td>${number(after)}</td><td>${escapeHtml(row.unit)}${goal}</td></tr>`;
    })
    .join("");
  return `<section><h2>What the plan changes</h2><table class="outcomes"><tr><th></th><th>before</th><th>after</th><th></th></tr>${rows}</table></section>`;
}

/**
 * Large cards: each vital sign in plain words, per view, with what is usual at rest; for a plan
 * also its outcomes before and after the chosen branch.
 */
export function renderPlainVitals(container, tracks, titles, t, comparison = null, branch = null) {
  container.innerHTML =
    plainOutcomes(comparison, branch) +
    tracks
    .map((track, i) => {
      const cards = PLAIN_VITALS.filter((vital) => vital.source === "beats" || track.has(vital.metric))
        .map(
          (vital) =>
            `<div class="card"><div class="value">${plainValue(track, vital, t)}</div><div class="name">${vital.name}</div><div class="usual">usual at rest: ${vital.usual}</div></div>`,
        )
        .join("");
      return `<section><h2 style="border-color:${trackColour(i)}">${escapeHtml(titles[i])}</h2><div class="cards">${cards}</div></section>`;
    })
    .join("");
}

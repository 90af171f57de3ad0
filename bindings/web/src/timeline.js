// The viewer's clock and its controls: play, pause, speed, a slider over the run with the
// actions (and a plan's fork) marked on it. Every view reads the same clock, so the 3D figures,
// the traces and a plan's branches stay in step.
import { escapeHtml } from "./traces.js";

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 10];

export class Clock {
  constructor(start, end, time = start) {
    this.start = start;
    this.end = end;
    this.time = time;
    this.speed = 1;
    this.playing = true;
    this.loopFrom = start;
    this.listeners = [];
  }

  /** Advances by a wall-clock interval (s); at the end it starts again from loopFrom. */
  tick(wallSeconds) {
    if (!this.playing) return;
    this.time += wallSeconds * this.speed;
    if (this.time > this.end) this.time = this.loopFrom;
    this.changed();
  }

  seek(time) {
    this.time = Math.min(this.end, Math.max(this.start, time));
    this.changed();
  }

  toggle() {
    this.playing = !this.playing;
    this.changed();
  }

  faster(step) {
    const index = SPEEDS.indexOf(this.speed);
    this.speed = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (index < 0 ? 3 : index) + step))];
    this.changed();
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  changed() {
    for (const listener of this.listeners) listener(this);
  }
}

function describeAction({ action, details }) {
  const fields = Object.entries(details ?? {})
    .map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(", ");
  return fields ? `${action} (${fields})` : action;
}

/** Wires the HTML controls to a clock; markers: [{time, action, details}], forkTime or null. */
export function bindTimeline(elements, clock, markers, forkTime) {
  const { play, speed, slider, time, marks } = elements;
  speed.innerHTML = SPEEDS.map((s) => `<option value="${s}">${s}×</option>`).join("");
  slider.min = String(clock.start);
  slider.max = String(clock.end);
  slider.step = "0.01";
  const percent = (t) => ((t - clock.start) / (clock.end - clock.start)) * 100;
  // Markers at the same time (a plan's fork and its branches' interventions) share one label.
  const byTime = new Map();
  const add = (time, short, long) => {
    const key = time.toFixed(2);
    const entry = byTime.get(key) ?? { time, short: new Set(), long: new Set() };
    entry.short.add(short);
    entry.long.add(long);
    byTime.set(key, entry);
  };
  if (forkTime !== null && forkTime !== undefined) add(forkTime, "fork", "the branches fork from the baseline");
  for (const marker of markers) add(marker.time, marker.action, describeAction(marker));
  const items = [...byTime.values()].map(
    ({ time, short, long }) =>
      `<span class="mark${short.has("fork") ? " fork" : ""}" style="left:${percent(time)}%" title="${escapeHtml(`${time} s: ${[...long].join("; ")}`)}">${escapeHtml([...short].join(" · "))}</span>`,
  );
  marks.innerHTML = items.join("");
  play.onclick = () => clock.toggle();
  speed.onchange = () => {
    clock.speed = Number(speed.value);
    clock.changed();
  };
  slider.oninput = () => clock.seek(Number(slider.value));
  const show = () => {
    play.textContent = clock.playing ? "Pause" : "Play";
    speed.value = String(clock.speed);
    if (document.activeElement !== slider) slider.value = String(clock.time);
    time.textContent = `${clock.time.toFixed(2)} s`;
  };
  clock.onChange(show);
  show();
}

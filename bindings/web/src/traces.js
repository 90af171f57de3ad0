// The traces beside the 3D figure, drawn on 2D canvases at the clock's time: a Wiggers diagram
// (aortic, left ventricular and left atrial pressure, LV volume, the valves' openings and closings
// marked and the cardiac phases shaded), the LV pressure-volume loop with a moving point (every
// track's loop overlaid), and the vital signs of each track. The chambers and valves are found
// through the model's anatomy codes, not names, so a model of one's own is drawn as well.
import { trackColour } from "./colours.js";

export const SNOMED = {
  leftVentricle: "87878005",
  leftAtrium: "82471001",
  aorta: "113262008",
};

const heartSignalsOf = new WeakMap(); // anatomy -> its heart signals: found once, drawn every frame

/** The signals of the Wiggers diagram and PV loop for a model, found by anatomy codes. */
export function heartSignals(anatomy) {
  let found = heartSignalsOf.get(anatomy);
  if (!found) {
    found = findHeartSignals(anatomy);
    heartSignalsOf.set(anatomy, found);
  }
  return found;
}

function findHeartSignals(anatomy) {
  const byCode = (code) => [...anatomy.compartments.values()].find((c) => String(c.snomedCt) === code) ?? null;
  const lv = byCode(SNOMED.leftVentricle) ?? anatomy.compartments.get("lv") ?? null;
  const la = byCode(SNOMED.leftAtrium) ?? anatomy.compartments.get("la") ?? null;
  const aorta = byCode(SNOMED.aorta) ?? anatomy.compartments.get("aorta") ?? null;
  const valveBetween = (from, to) =>
    from && to
      ? ([...anatomy.connections.values()].find((c) => c.kind === "valve" && c.from === from.name && c.to === to.name) ?? null)
      : null;
  return {
    lv,
    la,
    aorta,
    inflowValve: valveBetween(la, lv),
    outflowValve: valveBetween(lv, aorta),
  };
}

function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  context.font = "11px sans-serif";
  return { context, width, height };
}

function axisLabel(context, text, x, y, align = "left") {
  context.fillStyle = "#c8ccd4";
  context.textAlign = align;
  context.fillText(text, x, y);
  context.textAlign = "left";
}

function polyline(context, xs, ys, colour, width = 1.6) {
  context.strokeStyle = colour;
  context.lineWidth = width;
  context.beginPath();
  let started = false;
  for (let i = 0; i < xs.length; ++i) {
    if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) {
      started = false;
      continue;
    }
    if (started) context.lineTo(xs[i], ys[i]);
    else context.moveTo(xs[i], ys[i]);
    started = true;
  }
  context.stroke();
}

const WIGGERS_SECONDS = 3;

/** Valve openings and closings in a window: [{time, opened}] where opening crosses 5 %. */
function valveEvents(track, signal, t0, t1) {
  const { time, values } = track.window(signal, t0, t1);
  const events = [];
  for (let i = 1; i < values.length; ++i) {
    const was = values[i - 1] > 0.05;
    const is = values[i] > 0.05;
    if (was !== is) events.push({ time: time[i], opened: is });
  }
  return { time, values, events };
}

export function drawWiggers(canvas, track, t) {
  const { context, width, height } = prepare(canvas);
  const signals = heartSignals(track.anatomy);
  const left = 34;
  const right = width - 6;
  const pressureTop = 22;
  const pressureBottom = height * 0.68;
  const volumeTop = pressureBottom + 14;
  const volumeBottom = height - 14;
  const t0 = t - WIGGERS_SECONDS;
  const x = (time) => left + ((time - t0) / WIGGERS_SECONDS) * (right - left);
  axisLabel(context, `Wiggers diagram: ${track.label}`, left, 11);
  if (!signals.lv) {
    axisLabel(context, "this model has no left ventricle (SNOMED CT 87878005) to draw", left, 40);
    return;
  }
  // Phases: ejection while the outflow valve is open, filling while the inflow valve is.
  const shade = (valve, colour) => {
    if (!valve) return [];
    const { time, values, events } = valveEvents(track, `${valve.name}.opening`, t0, t);
    context.fillStyle = colour;
    for (let i = 0; i < values.length - 1; ++i) {
      if (values[i] > 0.05) context.fillRect(x(time[i]), pressureTop, x(time[i + 1]) - x(time[i]) + 0.5, volumeBottom - pressureTop);
    }
    return events;
  };
  const ejection = shade(signals.outflowValve, "rgba(213, 94, 0, 0.14)");
  const filling = shade(signals.inflowValve, "rgba(0, 114, 178, 0.14)");

  const series = [
    [signals.aorta, "#e34a33", "aorta"],
    [signals.lv, "#56b4e9", "LV"],
    [signals.la, "#009e73", "LA"],
  ].filter(([compartment]) => compartment && track.has(compartment.pressureSignal));
  let highest = 140;
  const windows = series.map(([compartment]) => track.window(compartment.pressureSignal, t0, t));
  for (const w of windows) for (const v of w.values) highest = Math.max(highest, v);
  const yPressure = (p) => pressureBottom - (p / highest) * (pressureBottom - pressureTop);
  for (let i = 0; i < series.length; ++i) {
    polyline(context, windows[i].time.map(x), windows[i].values.map(yPressure), series[i][1]);
    // The legend on the title's line, right-aligned: aorta, LV, LA.
    const legendX = right - 50 * (series.length - i);
    context.fillStyle = series[i][1];
    context.fillRect(legendX, 7, 10, 3);
    axisLabel(context, series[i][2], legendX + 13, 11);
  }
  for (let p = 0; p <= highest; p += 40) {
    axisLabel(context, String(p), left - 4, yPressure(p) + 4, "right");
  }
  axisLabel(context, "mmHg", 2, pressureTop + 2);

  const volume = track.window(signals.lv.volumeSignal, t0, t);
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const v of volume.values) {
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  const span = Math.max(10, vMax - vMin);
  const yVolume = (v) => volumeBottom - ((v - vMin + 0.1 * span) / (1.2 * span)) * (volumeBottom - volumeTop);
  polyline(context, volume.time.map(x), volume.values.map(yVolume), "#cc79a7");
  axisLabel(context, "LV volume", right - 4, volumeTop + 8, "right");
  if (Number.isFinite(vMax)) {
    axisLabel(context, `${Math.round(vMax)}`, left - 4, yVolume(vMax) + 4, "right");
    axisLabel(context, "mL", 2, volumeTop + 2);
    axisLabel(context, `${Math.round(vMin)}`, left - 4, yVolume(vMin) + 4, "right");
  }

  // Valve events as Wiggers diagrams mark them: AO/AC aortic opening/closure, MO/MC mitral.
  const mark = (events, opened, closed) => {
    for (const event of events) {
      const ex = x(event.time);
      context.strokeStyle = "rgba(255,255,255,0.35)";
      context.setLineDash([2, 3]);
      context.beginPath();
      context.moveTo(ex, pressureTop);
      context.lineTo(ex, volumeBottom);
      context.stroke();
      context.setLineDash([]);
      // Openings on one row, closures on the next: the isovolumic phases are short on screen.
      axisLabel(context, event.opened ? opened : closed, ex + 2, event.opened ? pressureTop + 8 : volumeBottom + 11);
    }
  };
  mark(ejection, "AO", "AC");
  mark(filling, "MO", "MC");
  axisLabel(context, "ejection", left + 2, pressureBottom - 4);
  context.fillStyle = "rgba(213, 94, 0, 0.5)";
  context.fillRect(left + 48, pressureBottom - 10, 10, 6);
  axisLabel(context, "filling", left + 64, pressureBottom - 4);
  context.fillStyle = "rgba(0, 114, 178, 0.5)";
  context.fillRect(left + 98, pressureBottom - 10, 10, 6);
}

/** Pressure-volume loops of the last 1.5 s of every track, the current point on each. */
export function drawPressureVolume(canvas, tracks, t) {
  const { context, width, height } = prepare(canvas);
  const left = 40;
  const bottom = height - 20;
  const top = 16;
  const right = width - 8;
  axisLabel(context, "LV pressure-volume loop", left, 11);
  const loops = tracks.map((track) => {
    const { lv } = heartSignals(track.anatomy);
    if (!lv) return null;
    const pressure = track.window(lv.pressureSignal, t - 1.5, t).values;
    const volume = track.window(lv.volumeSignal, t - 1.5, t).values;
    return { pressure, volume };
  });
  let pMax = 140;
  let vMax = 160;
  for (const loop of loops) {
    if (!loop) continue;
    for (const p of loop.pressure) pMax = Math.max(pMax, p);
    for (const v of loop.volume) vMax = Math.max(vMax, v);
  }
  vMax = Math.ceil(vMax / 20) * 20;
  const x = (v) => left + (v / vMax) * (right - left);
  const y = (p) => bottom - (p / pMax) * (bottom - top);
  context.strokeStyle = "#555b66";
  context.strokeRect(left, top, right - left, bottom - top);
  for (let v = 0; v <= vMax; v += 40) axisLabel(context, String(v), x(v), bottom + 12, "center");
  for (let p = 0; p <= pMax; p += 40) axisLabel(context, String(p), left - 4, y(p) + 4, "right");
  axisLabel(context, "mL", right, bottom - 4, "right");
  axisLabel(context, "mmHg", left + 4, top + 12);
  loops.forEach((loop, i) => {
    if (!loop || loop.volume.length === 0) return;
    const colour = trackColour(i);
    polyline(context, loop.volume.map(x), loop.pressure.map(y), colour, 2);
    const last = loop.volume.length - 1;
    context.fillStyle = colour;
    context.beginPath();
    context.arc(x(loop.volume[last]), y(loop.pressure[last]), 5, 0, 2 * Math.PI);
    context.fill();
    context.strokeStyle = "#fff";
    context.lineWidth = 1;
    context.stroke();
  });
}

function format(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** One row of vital signs per track: the last complete beat's and breath's values at t. */
export function vitalsRows(tracks, t) {
  return tracks.map((track) => {
    const beat = (name) => track.beatMetric(name, t);
    const breath = (name) => track.breathMetric(name, t);
    return {
      label: track.label,
      heartRate: format(beat("heart_rate"), 0),
      bloodPressure: `${format(beat("systolic_pressure"), 0)}/${format(beat("diastolic_pressure"), 0)}`,
      meanPressure: format(beat("mean_arterial_pressure"), 0),
      cardiacOutput: format(beat("cardiac_output"), 1),
      ejectionFraction: format(100 * beat("lv_ejection_fraction"), 0),
      spo2: format(breath("spo2"), 0),
      respiratoryRate: format(breath("respiratory_rate"), 0),
      endTidalCo2: format(breath("end_tidal_co2"), 0),
    };
  });
}

export const VITALS_COLUMNS = [
  ["heartRate", "HR /min"],
  ["bloodPressure", "BP mmHg"],
  ["meanPressure", "MAP"],
  ["cardiacOutput", "CO L/min"],
  ["ejectionFraction", "EF %"],
  ["spo2", "SpO2 %"],
  ["respiratoryRate", "RR /min"],
  ["endTidalCo2", "EtCO2"],
];

export function renderVitals(table, tracks, t) {
  const rows = vitalsRows(tracks, t);
  const header = `<tr><th></th>${VITALS_COLUMNS.map(([, title]) => `<th>${title}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (row, i) =>
        `<tr><th style="color:${trackColour(i)}">${escapeHtml(row.label)}</th>${VITALS_COLUMNS.map(([key]) => `<td>${row[key]}</td>`).join("")}</tr>`,
    )
    .join("");
  table.innerHTML = header + body;
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** A plan's comparison table (/comparison): each outcome, the baseline and every branch. */
export function renderOutcomes(table, comparison, tracks) {
  if (!comparison || comparison.length === 0) {
    table.innerHTML = "";
    return;
  }
  const cell = (value) => (Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : "–");
  const header = `<tr><th>outcome</th><th>baseline</th>${tracks.map((track, i) => `<th style="color:${trackColour(i)}">${escapeHtml(track.label)}</th>`).join("")}</tr>`;
  const rows = comparison
    .map((row) => {
      const target = row.threshold ? ` (target ${escapeHtml(row.threshold)})` : "";
      const cells = tracks
        .map((track) => {
          const met = row.met[track.label];
          const mark = met === 1 ? " ✓" : met === 0 ? " ✗" : "";
          return `<td class="${met === 0 ? "missed" : ""}" title="${escapeHtml(row.thresholdSource)}">${cell(row.values[track.label])}${mark}</td>`;
        })
        .join("");
      return `<tr><th title="${escapeHtml(`${row.statistic} over ${row.window[0]}-${row.window[1]} s`)}">${escapeHtml(row.metric)} ${escapeHtml(row.unit)}${target}</th><td>${cell(row.baseline)}</td>${cells}</tr>`;
    })
    .join("");
  table.innerHTML = header + rows;
}

// Colour scales of the 3D figure and the traces, as [r, g, b] in 0..1.

/** Okabe & Ito (2008) colour-blind-safe palette: one colour per track (branch) in traces. */
export const TRACK_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000"];

/** A track's colour; past the eighth, the palette repeats a shade darker so no two are equal. */
export function trackColour(index) {
  const base = TRACK_COLOURS[index % TRACK_COLOURS.length];
  const round = Math.floor(index / TRACK_COLOURS.length);
  if (round === 0) return base;
  const shade = Math.pow(0.7, round);
  const channels = [1, 3, 5].map((i) => Math.round(parseInt(base.slice(i, i + 2), 16) * shade));
  return `#${channels.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

function interpolate(stops, fraction) {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const scaled = f * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(scaled));
  const local = scaled - i;
  return stops[i].map((c, k) => c + (stops[i + 1][k] - c) * local);
}

// Viridis at five points (perceptually uniform, readable by colour-blind viewers).
const VIRIDIS = [
  [0.267, 0.005, 0.329],
  [0.231, 0.322, 0.545],
  [0.128, 0.567, 0.551],
  [0.369, 0.789, 0.383],
  [0.993, 0.906, 0.144],
];

/** Pressure scale: logarithmic from 0 to 130 mmHg, so veins (2-10) and arteries (80-120) both read. */
export const PRESSURE_SCALE_MAX = 130;
export function pressureFraction(mmHg) {
  return Math.log1p(Math.max(0, mmHg)) / Math.log1p(PRESSURE_SCALE_MAX);
}
export function pressureColour(mmHg) {
  return interpolate(VIRIDIS, pressureFraction(mmHg));
}

/** Flow as a fraction of the connection's own peak over the run: dark (still) to white (peak). */
export function flowColour(fraction) {
  return interpolate([[0.15, 0.15, 0.2], [0.9, 0.55, 0.1], [1, 1, 0.85]], fraction);
}

/**
 * Blood colour from its O2 content relative to the best-oxygenated blood of the run (arterial):
 * 1 is bright arterial red, 0.7 (mixed venous at rest) dark red, 0.4 and below purple-blue.
 */
export function bloodColour(relativeContent) {
  return interpolate([[0.25, 0.1, 0.45], [0.45, 0.05, 0.2], [0.86, 0.08, 0.1]], (relativeContent - 0.4) / 0.6);
}

export function toCss([r, g, b]) {
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}

/** CSS gradient of a scale, for the legend. */
export function legendGradient(colourAt) {
  const stops = [];
  for (let i = 0; i <= 10; ++i) stops.push(`${toCss(colourAt(i / 10))} ${i * 10}%`);
  return `linear-gradient(to right, ${stops.join(", ")})`;
}
export const viridisAt = (fraction) => interpolate(VIRIDIS, fraction);

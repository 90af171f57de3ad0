// Reads a physiotwin HDF5 file (docs/hdf5-format.md) with h5wasm into what the viewer shows: one
// or more runs (a twin's file: one; a plan's file: the baseline and each branch), each with its
// series, per-beat and per-breath metrics, actions and the model's anatomy. Series are read when
// first asked for, so opening a plan of four 4-minute runs reads only the signals drawn.
//
// Works in the browser (h5wasm's ESM build) and in Node (h5wasm/node): the module and its
// file system (`(await h5wasm.ready).FS`) are passed in.

export const TWIN_FORMAT = "physiotwin-hdf5";
export const PLAN_FORMAT = "physiotwin-plan-result";
export const COHORT_FORMAT = "physiotwin-cohort";
export const KNOWN_FORMAT_VERSION = 1;

/** A file the viewer cannot show; its message is written for the person who opened it. */
export class UnreadableFile extends Error {}

function attribute(entity, name) {
  const attrs = entity.attrs;
  if (!(name in attrs)) return undefined;
  const value = attrs[name].value;
  return typeof value === "bigint" ? Number(value) : value;
}

function datasetValue(file, path) {
  const entity = file.get(path);
  if (!entity || entity.type !== "Dataset") return null;
  return entity.value;
}

function groupKeys(file, path) {
  const entity = file.get(path);
  return entity && entity.type === "Group" ? entity.keys() : [];
}

/** /model/compartments and /model/connections: where each signal sits in the body. */
function readAnatomy(file) {
  const compartments = new Map();
  for (const name of groupKeys(file, "model/compartments")) {
    const group = file.get(`model/compartments/${name}`);
    const position = attribute(group, "position");
    compartments.set(name, {
      name,
      kind: attribute(group, "kind") ?? "compliance",
      region: attribute(group, "region") ?? "",
      description: attribute(group, "description") ?? name,
      snomedCt: attribute(group, "snomed_ct") ?? null,
      display: attribute(group, "snomed_ct_display") ?? null,
      position: position ? Array.from(position, Number) : null,
      pressureSignal: attribute(group, "pressure_signal") ?? `${name}.pressure`,
      volumeSignal: attribute(group, "volume_signal") ?? `${name}.volume`,
    });
  }
  const connections = new Map();
  for (const name of groupKeys(file, "model/connections")) {
    const group = file.get(`model/connections/${name}`);
    connections.set(name, {
      name,
      kind: attribute(group, "kind") ?? "resistance",
      from: attribute(group, "from"),
      to: attribute(group, "to"),
      organBed: attribute(group, "organ_bed") ?? "",
      description: attribute(group, "description") ?? name,
      flowSignal: attribute(group, "flow_signal") ?? `${name}.flow`,
    });
  }
  const model = file.get("model");
  const referenceHeight = model ? attribute(model, "position_reference_height") : undefined;
  return { compartments, connections, referenceHeight: referenceHeight ?? 1.76 };
}

function readEvents(file, prefix) {
  const time = datasetValue(file, `${prefix}/time`);
  const metrics = new Map();
  for (const name of groupKeys(file, prefix)) {
    if (name !== "time") metrics.set(name, datasetValue(file, `${prefix}/${name}`));
  }
  return { time: time ?? new Float64Array(0), metrics };
}

function readActions(file, prefix) {
  const time = datasetValue(file, `${prefix}/actions/time`) ?? [];
  const action = datasetValue(file, `${prefix}/actions/action`) ?? [];
  const details = datasetValue(file, `${prefix}/actions/details`) ?? [];
  const actions = [];
  for (let i = 0; i < time.length; ++i) {
    let parsed = {};
    try {
      parsed = JSON.parse(details[i]);
    } catch {
      parsed = { details: String(details[i]) };
    }
    actions.push({ time: Number(time[i]), action: String(action[i]), details: parsed });
  }
  return actions;
}

/** One run: a twin's file, a plan's baseline or one of its branches. */
export class Run {
  constructor(file, prefix, label, description, anatomy) {
    this.file = file;
    this.prefix = prefix; // "" for a twin's file, "baseline" or "branches/<name>" in a plan's
    this.label = label;
    this.description = description;
    this.anatomy = anatomy;
    const at = (path) => (prefix ? `${prefix}/${path}` : path);
    this.time = datasetValue(file, at("timeseries/time"));
    if (!this.time || this.time.length < 2) {
      throw new UnreadableFile(`${label}: the run holds fewer than two samples (/${at("timeseries/time")})`);
    }
    this.signalNames = new Set(groupKeys(file, at("timeseries")).filter((n) => n !== "time"));
    this.start = this.time[0];
    this.end = this.time[this.time.length - 1];
    this.interval = (this.end - this.start) / (this.time.length - 1);
    this.beats = readEvents(file, at("beats"));
    this.breaths = readEvents(file, at("breaths"));
    this.actions = readActions(file, prefix);
    this.markers = this.actions; // what the timeline marks; a branch's are its interventions
    this.cache = new Map();
  }

  has(signal) {
    return this.signalNames.has(signal);
  }

  /** The whole series of a signal (a typed array), or null when the run does not have it. */
  series(signal) {
    if (!this.has(signal)) return null;
    let values = this.cache.get(signal);
    if (!values) {
      const path = this.prefix ? `${this.prefix}/timeseries/${signal}` : `timeseries/${signal}`;
      values = datasetValue(this.file, path);
      this.cache.set(signal, values);
    }
    return values;
  }

  /** Index of the sample nearest time t (samples are evenly spaced: sample_rate). */
  indexAt(t) {
    const index = Math.round((t - this.start) / this.interval);
    return Math.min(this.time.length - 1, Math.max(0, index));
  }

  /** A signal at time t, linearly interpolated; NaN when the run does not have it. */
  valueAt(signal, t) {
    const values = this.series(signal);
    if (!values) return NaN;
    const position = (t - this.start) / this.interval;
    const lower = Math.min(this.time.length - 1, Math.max(0, Math.floor(position)));
    const upper = Math.min(this.time.length - 1, lower + 1);
    const fraction = Math.min(1, Math.max(0, position - lower));
    return values[lower] + (values[upper] - values[lower]) * fraction;
  }

  /** Index of the last complete beat (or breath) that started at or before t; null if none. */
  eventAt(events, t) {
    let low = 0;
    let high = events.time.length - 1;
    if (high < 0 || events.time[0] > t) return null;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (events.time[middle] <= t) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  beatMetric(name, t) {
    const values = this.beats.metrics.get(name);
    const index = this.eventAt(this.beats, t);
    return values && index !== null ? values[index] : NaN;
  }

  breathMetric(name, t) {
    const values = this.breaths.metrics.get(name);
    const index = this.eventAt(this.breaths, t);
    return values && index !== null ? values[index] : NaN;
  }
}

/**
 * A view's timeline: the runs it shows, one after another (a branch continues its baseline). The
 * clock's time picks the run that covers it.
 */
export class Track {
  constructor(label, runs, description = "") {
    this.label = label;
    this.description = description;
    this.runs = runs;
    this.start = runs[0].start;
    this.end = runs[runs.length - 1].end;
    this.anatomy = runs[0].anatomy;
    this.markers = runs.flatMap((run) => run.markers);
  }

  runAt(t) {
    for (let i = this.runs.length - 1; i > 0; --i) {
      if (t >= this.runs[i].start) return this.runs[i];
    }
    return this.runs[0];
  }

  valueAt(signal, t) {
    return this.runAt(t).valueAt(signal, t);
  }

  has(signal) {
    return this.runs.some((run) => run.has(signal));
  }

  beatMetric(name, t) {
    return this.runAt(t).beatMetric(name, t);
  }

  breathMetric(name, t) {
    return this.runAt(t).breathMetric(name, t);
  }

  /** Samples of a signal between t0 and t1 as {time, values} arrays (across runs). */
  window(signal, t0, t1) {
    const time = [];
    const values = [];
    for (const run of this.runs) {
      const series = run.series(signal);
      if (!series || run.end < t0 || run.start > t1) continue;
      const next = this.runs[this.runs.indexOf(run) + 1];
      const last = next ? Math.min(t1, next.start) : t1;
      for (let i = run.indexAt(t0); i < run.time.length && run.time[i] <= last; ++i) {
        if (run.time[i] < t0 || (next && run.time[i] >= next.start)) continue;
        time.push(run.time[i]);
        values.push(series[i]);
      }
    }
    return { time, values };
  }
}

/**
 * Opens the bytes of a file and returns what the viewer shows:
 * {kind: "twin" | "plan", title, description, tracks, forkTime, comparison, incomplete, signed,
 * close()}.
 * Throws UnreadableFile with a message for the person who opened it.
 */
export function openTwinFile(h5wasm, fileSystem, bytes, name) {
  const scratch = `/physiotwin-view-${Date.now()}-${Math.random().toString(36).slice(2)}.h5`;
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || !signature.every((byte, i) => bytes[i] === byte)) {
    throw new UnreadableFile(
      `${name} is not an HDF5 file (it does not start with HDF5's signature): open a file physiotwin wrote, e.g. physiotwin run --out twin.h5`,
    );
  }
  fileSystem.writeFile(scratch, bytes);
  let file;
  try {
    file = new h5wasm.File(scratch, "r");
  } catch (error) {
    fileSystem.unlink(scratch);
    throw new UnreadableFile(`${name}: HDF5 could not open it (${error.message ?? error}); is the file whole?`);
  }
  const close = () => {
    file.close();
    fileSystem.unlink(scratch);
  };
  try {
    return describe(file, name, close);
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * A plan's /comparison (docs/planning.md): one row per outcome with the baseline's value, each
 * branch's, and whether the threshold was met (1, 0; -1 when the outcome has none or no value).
 */
function readComparison(file) {
  const column = (name) => datasetValue(file, `comparison/${name}`);
  const outcomes = column("outcome");
  const branches = column("branch");
  if (!outcomes || !branches) return [];
  const values = column("value");
  const met = column("met");
  const text = (name) => column(name) ?? outcomes.map(() => "");
  const [metric, unit, statistic, threshold, thresholdSource] = ["metric", "unit", "statistic", "threshold", "threshold_source"].map(text);
  const windowFrom = column("window_from");
  const windowTo = column("window_to");
  const baseline = column("baseline");
  return Array.from(outcomes, (outcome, o) => ({
    outcome,
    metric: metric[o],
    unit: unit[o],
    statistic: statistic[o],
    window: [windowFrom?.[o], windowTo?.[o]],
    threshold: threshold[o],
    thresholdSource: thresholdSource[o],
    baseline: baseline?.[o],
    values: Object.fromEntries(Array.from(branches, (branch, b) => [branch, values?.[o * branches.length + b]])),
    met: Object.fromEntries(Array.from(branches, (branch, b) => [branch, Number(met?.[o * branches.length + b] ?? -1)])),
  }));
}

/** A branch's interventions as the plan named them (its /actions hold the changes they made). */
function interventions(group, actions) {
  const text = attribute(group, "interventions");
  if (!text) return actions;
  try {
    return JSON.parse(text).map(({ time, action, ...details }) => ({ time: Number(time), action, details }));
  } catch {
    return actions;
  }
}

function describe(file, name, close) {
  const format = attribute(file, "format");
  const version = attribute(file, "format_version");
  if (format === COHORT_FORMAT) {
    throw new UnreadableFile(
      `${name} is a cohort file (format "${format}"): the viewer shows one twin or one plan; analyse cohorts with physiotwin's Python package (docs/cohorts.md)`,
    );
  }
  if (format !== TWIN_FORMAT && format !== PLAN_FORMAT) {
    throw new UnreadableFile(
      `${name} is an HDF5 file but not one physiotwin wrote (its root attribute "format" is ${format === undefined ? "missing" : `"${format}"`}, expected "${TWIN_FORMAT}" or "${PLAN_FORMAT}")`,
    );
  }
  if (version !== KNOWN_FORMAT_VERSION) {
    throw new UnreadableFile(
      `${name} is a physiotwin file of format version ${version}; this viewer reads version ${KNOWN_FORMAT_VERSION}: update the viewer (npm package physiotwin-viewer)`,
    );
  }
  const anatomy = readAnatomy(file);
  const incomplete = attribute(file, "complete") === 0;
  const signed = file.keys().includes("signature"); // checked by `physiotwin view` (trust_badge.js)
  if (format === TWIN_FORMAT) {
    const run = new Run(file, "", attribute(file, "patient_id") || "twin", attribute(file, "model_description") ?? "", anatomy);
    return {
      kind: "twin",
      title: `${run.label}: ${attribute(file, "model_name") ?? "model"}`,
      description: attribute(file, "model_description") ?? "",
      tracks: [new Track(run.label, [run])],
      forkTime: null,
      comparison: [],
      incomplete,
      signed,
      close,
    };
  }
  const baseline = new Run(file, "baseline", "baseline", "before any intervention", anatomy);
  const tracks = [];
  for (const branch of groupKeys(file, "branches")) {
    const group = file.get(`branches/${branch}`);
    const description = attribute(group, "branch_description") || branch;
    if (attribute(group, "error")) {
      throw new UnreadableFile(`${name}: branch "${branch}" failed (${attribute(group, "error")}); its plan needs rerunning`);
    }
    const run = new Run(file, `branches/${branch}`, branch, description, anatomy);
    run.markers = interventions(group, run.actions);
    tracks.push(new Track(branch, [baseline, run], description));
  }
  if (tracks.length === 0) throw new UnreadableFile(`${name}: the plan file has no branches (/branches is empty)`);
  return {
    kind: "plan",
    title: attribute(file, "plan_file") ?? "plan",
    description: attribute(file, "plan_description") ?? "",
    tracks,
    baseline: new Track("baseline", [baseline], "before any intervention"),
    comparison: readComparison(file),
    forkTime: baseline.end,
    incomplete,
    signed,
    close,
  };
}

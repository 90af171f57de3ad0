// physiotwin's files read by the JavaScript HDF5 readers front ends use: h5wasm (HDF5 compiled
// to WebAssembly) and jsfive (pure JavaScript), from npm (issue 14 item 7; docs/hdf5-format.md).
//
//   node read_files.mjs HDF5_FORMAT_MD TWIN.h5 LIVE.h5 COHORT.h5 DURATION_S
//
// TWIN.h5 and LIVE.h5: the same scenario (a haemorrhage at 1 s, a heart-rate change at 2 s)
// written whole and live. Checks, in both readers where they apply:
// - every root attribute the format page's table lists is there, with the type it gives, and
//   nothing the page does not list; strings without NULs; integers equal to Numbers;
// - /model's and the series' attributes are named on the page;
// - the time series (length, last time, one signal identical in both readers), the actions;
// - a live file: h5wasm reads it like the whole one (jsfive cannot: the 1.10 format);
// - a cohort file's root attributes and member groups.
import fs from "node:fs";

import h5wasm from "h5wasm/node";
import * as jsfive from "jsfive";

const [formatPage, twinPath, livePath, cohortPath, durationText] = process.argv.slice(2);
const duration = Number(durationText);
const failures = [];
function check(condition, message) {
  if (!condition) {
    failures.push(message);
    console.log("FAIL:", message);
  }
}

// ---- what the format page documents -------------------------------------------------------------
const page = fs.readFileSync(formatPage, "utf8");
function section(title) {
  const start = page.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`${formatPage}: no section "${title}"`);
  const end = page.indexOf("\n## ", start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}
/** Root attributes: name -> type, from the table's rows ("| `a`, `b` | string | ..."). */
const documentedRoot = new Map();
for (const line of section("Root attributes").split("\n")) {
  const cells = line.split("|").map((c) => c.trim());
  if (cells.length < 4 || !cells[1].startsWith("`")) continue;
  for (const name of cells[1].matchAll(/`([^`]+)`/g)) documentedRoot.set(name[1], cells[2]);
}
check(documentedRoot.size >= 15, `the format page lists ${documentedRoot.size} root attributes`);
const modelSection = section("`/model`");
const seriesSection = section("`/timeseries`");

function checkRootAttributes(reader, attributes) {
  for (const [name, type] of documentedRoot) {
    const value = attributes[name];
    if (type.startsWith("string")) {
      check(typeof value === "string", `${reader}: root ${name} should be a string (${typeof value})`);
      check(typeof value !== "string" || !value.includes("\0"), `${reader}: root ${name} has a NUL`);
    } else if (type.startsWith("int32")) {
      check(Number.isInteger(value), `${reader}: root ${name} should be a Number (${typeof value})`);
    } else if (type.startsWith("float64")) {
      check(typeof value === "number", `${reader}: root ${name} should be a number (${typeof value})`);
    } else {
      check(false, `the format page gives root ${name} a type this test does not know: ${type}`);
    }
  }
  for (const name of Object.keys(attributes)) {
    check(documentedRoot.has(name), `${reader}: root attribute ${name} is not in the format page`);
  }
  check(attributes.format === "physiotwin-hdf5", `${reader}: format is ${JSON.stringify(attributes.format)}`);
  check(attributes.format_version === 1, `${reader}: format_version === 1`);
  check(attributes.complete === 1, `${reader}: complete === 1`);
}

function checkNamedOnPage(reader, where, names, text) {
  for (const name of names) {
    check(text.includes("`" + name + "`"), `${reader}: ${where} attribute ${name} is not in the format page`);
  }
}

// ---- h5wasm ---------------------------------------------------------------------------------------
await h5wasm.ready;
function h5wasmAttributes(object) {
  const out = {};
  for (const [name, attribute] of Object.entries(object.attrs)) {
    const value = attribute.value;
    out[name] = value;  // a 64-bit integer (a cohort's seed) is a BigInt here
  }
  return out;
}
function readWithH5wasm(path) {
  const file = new h5wasm.File(path, "r");
  try {
    const lv = file.get("model/compartments/lv");
    const valve = file.get("model/connections/aortic_valve");
    const pressure = file.get("timeseries/aorta.pressure");
    return {
      root: h5wasmAttributes(file),
      model: h5wasmAttributes(file.get("model")),
      compartment: h5wasmAttributes(lv),
      connection: h5wasmAttributes(valve),
      signal: h5wasmAttributes(pressure),
      time: Array.from(file.get("timeseries/time").value),
      pressure: Array.from(pressure.value),
      actions: Array.from(file.get("actions/action").value),
      details: Array.from(file.get("actions/details").value),
    };
  } finally {
    file.close();
  }
}

// ---- jsfive ----------------------------------------------------------------------------------------
function readWithJsfive(path) {
  const bytes = fs.readFileSync(path);
  const file = new jsfive.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), path);
  const pressure = file.get("timeseries/aorta.pressure");
  return {
    root: file.attrs,
    model: file.get("model").attrs,
    compartment: file.get("model/compartments/lv").attrs,
    connection: file.get("model/connections/aortic_valve").attrs,
    signal: pressure.attrs,
    time: Array.from(file.get("timeseries/time").value),
    pressure: Array.from(pressure.value),
    actions: Array.from(file.get("actions/action").value),
    details: Array.from(file.get("actions/details").value),
  };
}

function checkTwin(reader, twin) {
  checkRootAttributes(reader, twin.root);
  checkNamedOnPage(reader, "/model/compartments/lv", Object.keys(twin.compartment), modelSection);
  checkNamedOnPage(reader, "/model/connections/aortic_valve", Object.keys(twin.connection), modelSection);
  checkNamedOnPage(reader, "/timeseries/aorta.pressure", Object.keys(twin.signal), seriesSection);
  check(twin.compartment.thoracic === 1, `${reader}: lv's thoracic === 1`);
  const position = Array.from(twin.compartment.position ?? []);
  check(twin.compartment.snomed_ct === "87878005" && twin.compartment.fma === "FMA:7101" &&
        position.length === 3 && position.every((v) => typeof v === "number") && position[2] > 1,
        `${reader}: lv's anatomy (codes, [x, y, z]): ${twin.compartment.snomed_ct} ${position}`);
  check(typeof twin.model.body_frame === "string" && twin.model.position_reference_height === 1.76,
        `${reader}: /model's body_frame and position_reference_height`);
  checkNamedOnPage(reader, "/model", Object.keys(twin.model), modelSection);
  check(twin.signal.unit === "mmHg", `${reader}: aorta.pressure's unit is ${JSON.stringify(twin.signal.unit)}`);
  const samples = Math.round(duration * twin.root.sample_rate) + 1;
  check(twin.time.length === samples && Math.abs(twin.time.at(-1) - duration) < 1e-9,
        `${reader}: ${twin.time.length} samples ending at ${twin.time.at(-1)} (expected ${samples} to ${duration} s)`);
  check(twin.pressure.length === samples && twin.pressure.every((p) => p > 20 && p < 200),
        `${reader}: aorta.pressure has ${twin.pressure.length} samples within 20-200 mmHg`);
  check(JSON.stringify(twin.actions) === JSON.stringify(["hemorrhage", "set"]),
        `${reader}: actions ${JSON.stringify(twin.actions)}`);
  const details = twin.details.map((d) => JSON.parse(d));
  check(details[0].volume === 100 && details[1].parameter === "heart.rate",
        `${reader}: action details ${JSON.stringify(twin.details)}`);
}

const whole = readWithH5wasm(twinPath);
checkTwin("h5wasm", whole);
const five = readWithJsfive(twinPath);
checkTwin("jsfive", five);
check(five.pressure.every((p, i) => p === whole.pressure[i]), "jsfive and h5wasm read the same aorta.pressure");

const live = readWithH5wasm(livePath);
checkTwin("h5wasm (live file)", live);
check(live.pressure.every((p, i) => p === whole.pressure[i]), "the live file holds the whole file's aorta.pressure");

// ---- a cohort file ---------------------------------------------------------------------------------
{
  const file = new h5wasm.File(cohortPath, "r");
  const attributes = h5wasmAttributes(file);
  check(attributes.format === "physiotwin-cohort", `cohort format ${JSON.stringify(attributes.format)}`);
  check(attributes.format_version === 1 && attributes.member_count === 2 && attributes.ok_count === 2,
        `cohort counts: ${attributes.format_version} ${attributes.member_count} ${attributes.ok_count}`);
  const member = h5wasmAttributes(file.get("members/000001"));
  check(member.complete === 1 && member.status === "ok", `a member's complete and status: ${JSON.stringify(member)}`);
  check(Array.from(file.get("summary_columns/name").value).includes("heart.rate"),
        "the cohort's /summary_columns/name lists heart.rate");
  file.close();
  const bytes = fs.readFileSync(cohortPath);
  const five = new jsfive.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), cohortPath);
  check(five.attrs.format === "physiotwin-cohort" && five.attrs.member_count === 2,
        `jsfive: cohort attributes ${JSON.stringify(five.attrs.format)} ${five.attrs.member_count}`);
  check(five.get("members/000001").attrs.status === "ok", "jsfive: a member's status");
}

console.log(`${failures.length} failure(s)`);
process.exit(failures.length ? 1 : 0);

// How long a browser front end takes to read a twin's file: every /timeseries dataset, read
// whole, 5 times; prints the median, fastest and slowest (docs/performance.md, "Files"). A
// measurement, not a test: uses the readers tests/js installs.
//
//   node tests/js/read_time.mjs FILE.h5 [h5wasm|jsfive]
import fs from "node:fs";

import h5wasm from "h5wasm/node";
import * as jsfive from "jsfive";

const [path, reader = "h5wasm"] = process.argv.slice(2);
await h5wasm.ready;

function readAll() {
  let values = 0;
  if (reader === "h5wasm") {
    const file = new h5wasm.File(path, "r");
    const group = file.get("timeseries");
    for (const name of group.keys()) values += group.get(name).value.length;
    file.close();
  } else {
    const bytes = fs.readFileSync(path);
    const file = new jsfive.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), path);
    const group = file.get("timeseries");
    for (const name of group.keys) values += group.get(name).value.length;
  }
  return values;
}

const times = [];
let values = 0;
for (let repetition = 0; repetition < 5; ++repetition) {
  const start = performance.now();
  values = readAll();
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(`${path} with ${reader}: ${values} values; median ${times[2].toFixed(0)} ms ` +
            `(fastest ${times[0].toFixed(0)}, slowest ${times[4].toFixed(0)})`);

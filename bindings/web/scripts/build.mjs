// Builds the viewer into dist/: the page's own modules as they are (plain ES modules, no
// bundler: the page's import map resolves "three" and "h5wasm"), and the files of its two
// dependencies it loads, copied from node_modules (the versions package-lock.json pins) with
// their licences. `physiotwin view` serves dist/; so can any static web server.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, "dist");
const modules = path.join(root, "node_modules");

const vendored = [
  ["three/build/three.module.js", "three/build/three.module.js"],
  ["three/build/three.core.js", "three/build/three.core.js"],
  ["three/examples/jsm/controls/OrbitControls.js", "three/examples/jsm/controls/OrbitControls.js"],
  ["three/examples/jsm/webxr/VRButton.js", "three/examples/jsm/webxr/VRButton.js"],
  ["three/LICENSE", "three/LICENSE"],
  ["h5wasm/dist/esm/hdf5_hl.js", "h5wasm/hdf5_hl.js"],
  ["h5wasm/dist/esm/hdf5_util.js", "h5wasm/hdf5_util.js"],
  ["h5wasm/LICENSE.txt", "h5wasm/LICENSE.txt"],
];

for (const [from] of vendored) {
  if (!fs.existsSync(path.join(modules, from))) {
    console.error(`build: ${path.join("node_modules", from)} is missing: run npm ci in ${root} first`);
    process.exit(1);
  }
}
// Built under a temporary name and renamed: a server never sees half a build.
const staging = `${dist}.building-${process.pid}`;
fs.rmSync(staging, { recursive: true, force: true });
fs.mkdirSync(staging, { recursive: true });
for (const name of fs.readdirSync(path.join(root, "src"))) {
  fs.copyFileSync(path.join(root, "src", name), path.join(staging, name));
}
for (const [from, to] of vendored) {
  const target = path.join(staging, "vendor", to);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(modules, from), target);
}
const versions = Object.fromEntries(
  ["three", "h5wasm"].map((name) => [name, JSON.parse(fs.readFileSync(path.join(modules, name, "package.json"))).version]),
);
fs.writeFileSync(path.join(staging, "vendor", "versions.json"), `${JSON.stringify(versions, null, 1)}\n`);
fs.rmSync(dist, { recursive: true, force: true });
fs.renameSync(staging, dist);
console.log(`build: ${path.relative(process.cwd(), dist) || dist} (three ${versions.three}, h5wasm ${versions.h5wasm})`);

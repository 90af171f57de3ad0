// One twin's schematic body in 3D: every compartment at the position its model file gives
// (/model/compartments/<name>/position, docs/anatomy.md), heart chambers sized by their volume,
// valves that open and close, connections and vessels coloured by flow or pressure, lungs that
// inflate with lung volume, blood coloured by its oxygen content. Nothing is placed by a table of
// its own: a model of one's own shows up as its file describes it.
import * as THREE from "three";

import { bloodColour, flowColour, pressureColour } from "./colours.js";
import { plainWords } from "./plain_words.js";

/** Body frame (DICOM LPS, metres, z up) to the scene (glTF: +Y up, the body facing +Z). */
export function toScene([x, y, z]) {
  return new THREE.Vector3(x, z, -y);
}

/** Radius (m) of a sphere holding a volume in mL. */
function sphereRadius(millilitres) {
  return Math.cbrt((3 * Math.max(millilitres, 0.1)) / (4 * Math.PI)) / 100;
}

// Chambers are drawn at 85 % of their true-volume sphere so that neighbours overlap less; the
// size ratio between systole and diastole (what the eye follows) is the true one.
const CHAMBER_SCALE = 0.85;
const BED_RADIUS = 0.016;
const VESSEL_RADIUS = 0.004;
const LUNG_SNOMED_CT = "39607008";

/** A label that faces the camera and shows in VR (a sprite, not HTML). */
export function textSprite(text, { height = 0.022, colour = "#ffffff", background = "rgba(0,0,0,0.55)" } = {}) {
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d");
  const fontSize = 48;
  context.font = `${fontSize}px sans-serif`;
  const width = Math.ceil(context.measureText(text).width) + 24;
  canvas.width = width;
  canvas.height = fontSize + 20;
  context.font = `${fontSize}px sans-serif`;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = colour;
  context.textBaseline = "middle";
  context.fillText(text, 12, canvas.height / 2);
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthTest: false, transparent: true }));
  sprite.scale.set((height * canvas.width) / canvas.height, height, 1);
  sprite.renderOrder = 10;
  return sprite;
}

function material(colour, opacity = 1) {
  return new THREE.MeshStandardMaterial({
    color: colour,
    roughness: 0.55,
    metalness: 0.05,
    transparent: opacity < 1,
    opacity,
    depthWrite: opacity >= 1,
  });
}

/**
 * Translucent body outline from the stature (ANSUR II landmark heights, docs/anatomy.md); without
 * arms when figures stand side by side (a plan's branches), so that they do not overlap.
 */
function bodyOutline(height, withArms) {
  const group = new THREE.Group();
  const skin = new THREE.MeshStandardMaterial({ color: 0x9fb4c8, transparent: true, opacity: 0.09, depthWrite: false });
  const add = (geometry, [x, y, z], scale = [1, 1, 1]) => {
    const mesh = new THREE.Mesh(geometry, skin);
    mesh.position.copy(toScene([x, y, z]));
    mesh.scale.set(...scale);
    group.add(mesh);
  };
  const H = height;
  // Trunk from the iliac crest (0.604 H) to the shoulders (0.819 H); chest 0.33 m wide, 0.25 m deep.
  add(new THREE.CapsuleGeometry(0.16, 0.819 * H - 0.604 * H, 8, 24), [0, 0, (0.819 * H + 0.604 * H) / 2], [1, 1, 0.72]);
  add(new THREE.SphereGeometry(0.1, 24, 16), [0, 0, 0.935 * H], [0.8, 1.1, 1]); // head, vertex at 1.0 H
  for (const side of [-1, 1]) {
    add(new THREE.CapsuleGeometry(0.065, 0.48 * H, 6, 16), [side * 0.09, 0, 0.27 * H]); // legs to the trochanter
    if (!withArms) continue;
    const arm = new THREE.Mesh(new THREE.CapsuleGeometry(0.045, 0.33 * H, 6, 16), skin);
    arm.position.copy(toScene([side * 0.24, 0, 0.64 * H]));
    arm.rotation.z = side * 0.12;
    group.add(arm);
  }
  return group;
}

export class BodyFigure {
  /**
   * track: the Track it shows (twin_file.js); options.colourBy: "pressure" or "flow";
   * options.plain: patient view (plain-word labels, fewer of them).
   */
  constructor(track, options = {}) {
    this.track = track;
    this.anatomy = track.anatomy;
    this.colourBy = options.colourBy ?? "pressure";
    this.plain = options.plain ?? false;
    this.group = new THREE.Group();
    this.group.add(bodyOutline(this.anatomy.referenceHeight, options.arms ?? true));
    this.chambers = [];
    this.beds = [];
    this.connections = [];
    this.valves = [];
    this.lungs = null;
    this.referenceO2 = this.highestO2Content();
    this.build();
  }

  /** The run's best-oxygenated blood (arterial): the scale's 1 for blood colour. */
  highestO2Content() {
    let highest = 0;
    for (const name of this.anatomy.compartments.keys()) {
      for (const run of this.track.runs) {
        const values = run.series(`${name}.o2_content`);
        if (!values) continue;
        for (let i = 0; i < values.length; i += 10) highest = Math.max(highest, values[i]);
      }
    }
    return highest;
  }

  position(name) {
    const compartment = this.anatomy.compartments.get(name);
    return compartment && compartment.position ? toScene(compartment.position) : null;
  }

  /**
   * A compartment's label: in the patient view its plain words (docs/viewer.md); otherwise the
   * chambers by name and each organ bed by the bed its arterioles feed (/model/connections
   * organ_bed), so the heart is not buried under the names of every vessel.
   */
  label(compartment) {
    if (this.plain) return compartment.kind === "chamber" || compartment.region !== "heart" ? (plainWords(compartment)?.name ?? null) : null;
    if (compartment.kind === "chamber") return compartment.name.toUpperCase();
    const feeding = [...this.anatomy.connections.values()].find((c) => c.to === compartment.name && c.organBed);
    return feeding ? feeding.organBed : null;
  }

  build() {
    const sphere = new THREE.SphereGeometry(1, 32, 20);
    for (const compartment of this.anatomy.compartments.values()) {
      if (!compartment.position) continue;
      const at = toScene(compartment.position);
      const chamber = compartment.kind === "chamber";
      const mesh = new THREE.Mesh(sphere, material(chamber ? 0xc0202a : 0x888888, chamber ? 0.92 : 1));
      mesh.position.copy(at);
      mesh.name = compartment.name;
      this.group.add(mesh);
      const entry = {
        compartment,
        mesh,
        referenceVolume: this.track.runs[0].series(compartment.volumeSignal)?.[0] ?? NaN,
      };
      (chamber ? this.chambers : this.beds).push(entry);
      const text = this.label(compartment);
      if (text && String(compartment.snomedCt) !== LUNG_SNOMED_CT) {
        const sprite = textSprite(text, { height: this.plain ? 0.016 : 0.012 });
        sprite.position.copy(at).add(new THREE.Vector3(0, chamber ? 0.0 : 0.024, 0.045));
        entry.label = sprite;
        this.group.add(sprite);
      }
    }
    const tube = new THREE.CylinderGeometry(1, 1, 1, 10, 1, true);
    const disc = new THREE.CircleGeometry(1, 24);
    const ring = new THREE.TorusGeometry(1, 0.12, 8, 24);
    for (const connection of this.anatomy.connections.values()) {
      const from = this.position(connection.from);
      const to = this.position(connection.to);
      if (!from || !to || from.distanceTo(to) < 1e-4) continue;
      const direction = new THREE.Vector3().subVectors(to, from);
      const orientation = new THREE.Quaternion().setFromUnitVectors(new THREE.Vector3(0, 1, 0), direction.clone().normalize());
      const peak = this.peakFlow(connection.flowSignal);
      if (connection.kind === "valve") {
        const valve = new THREE.Group();
        valve.position.copy(from).addScaledVector(direction, 0.5);
        valve.quaternion.copy(orientation);
        valve.rotateX(-Math.PI / 2); // discs lie across the direction of flow
        // Drawn over the chambers (no depth test): a valve sits inside the spheres around it.
        const seeThrough = { color: 0xf2efe6, side: THREE.DoubleSide, depthTest: false, transparent: true, opacity: 0.95 };
        const leaflets = new THREE.Mesh(disc, new THREE.MeshBasicMaterial(seeThrough));
        const annulus = new THREE.Mesh(ring, new THREE.MeshBasicMaterial({ ...seeThrough, color: 0xb8b2a0 }));
        leaflets.renderOrder = annulus.renderOrder = 5;
        valve.scale.setScalar(0.011);
        valve.add(leaflets, annulus);
        valve.name = connection.name;
        this.group.add(valve);
        this.valves.push({ connection, leaflets });
        continue;
      }
      const mesh = new THREE.Mesh(tube, material(0x444444));
      mesh.position.copy(from).addScaledVector(direction, 0.5);
      mesh.quaternion.copy(orientation);
      mesh.scale.set(VESSEL_RADIUS, direction.length(), VESSEL_RADIUS);
      mesh.name = connection.name;
      this.group.add(mesh);
      this.connections.push({ connection, mesh, peak });
    }
    this.buildLungs();
    this.spreadChamberLabels();
  }

  /** Chamber labels moved out from the heart's centre (in the frontal plane), so they do not overlap. */
  spreadChamberLabels() {
    const centre = this.heartCentre();
    for (const { mesh, label } of this.chambers) {
      if (!label) continue;
      const outward = new THREE.Vector3(mesh.position.x - centre.x, mesh.position.y - centre.y, 0);
      if (outward.lengthSq() < 1e-8) outward.set(0, 1, 0);
      const reach = this.plain ? 0.035 : 0.025;
      label.position.copy(mesh.position).addScaledVector(outward.normalize(), reach);
      label.position.z += 0.045;
      label.center.set(outward.x < -0.3 ? 1 : outward.x > 0.3 ? 0 : 0.5, 0.5);
    }
  }

  /** Lungs either side of the compartment coded as lung (SNOMED CT 39607008), if the model has one. */
  buildLungs() {
    const lung = [...this.anatomy.compartments.values()].find((c) => String(c.snomedCt) === LUNG_SNOMED_CT && c.position);
    const volumes = this.track.runs[0].series("lungs.volume");
    if (!lung || !volumes) return;
    let mean = 0;
    for (const v of volumes) mean += v;
    mean /= volumes.length;
    const centre = toScene(lung.position);
    const meshes = [];
    for (const side of [-1, 1]) {
      const mesh = new THREE.Mesh(new THREE.SphereGeometry(1, 32, 20), material(0xe89aa8, 0.3));
      mesh.position.copy(centre).add(new THREE.Vector3(side * 0.1, 0.02, -0.02));
      mesh.name = side < 0 ? "right lung" : "left lung";
      this.group.add(mesh);
      meshes.push(mesh);
    }
    const sprite = textSprite(this.plain ? "Lungs" : "lungs", { height: this.plain ? 0.03 : 0.016 });
    sprite.position.copy(centre).add(new THREE.Vector3(0.1, 0.17, 0));
    this.group.add(sprite);
    this.lungs = { meshes, mean };
  }

  peakFlow(signal) {
    let peak = 0;
    for (const run of this.track.runs) {
      const values = run.series(signal);
      if (values) for (let i = 0; i < values.length; i += 2) peak = Math.max(peak, Math.abs(values[i]));
    }
    return peak;
  }

  /** Shows the twin at time t (s) of its track. */
  update(t) {
    const track = this.track;
    for (const { compartment, mesh } of this.chambers) {
      const volume = track.valueAt(compartment.volumeSignal, t);
      mesh.scale.setScalar(sphereRadius(volume) * CHAMBER_SCALE);
      mesh.material.color.setRGB(...this.blood(compartment, t));
    }
    for (const { compartment, mesh, referenceVolume } of this.beds) {
      const volume = track.valueAt(compartment.volumeSignal, t);
      const relative = Number.isFinite(referenceVolume) && referenceVolume > 0 ? volume / referenceVolume : 1;
      mesh.scale.setScalar(BED_RADIUS * Math.cbrt(Math.max(relative, 0.05)));
      const colour = this.colourBy === "oxygen" ? this.blood(compartment, t) : pressureColour(track.valueAt(compartment.pressureSignal, t));
      mesh.material.color.setRGB(...colour);
    }
    for (const { connection, mesh, peak } of this.connections) {
      const flow = track.valueAt(connection.flowSignal, t);
      const fraction = peak > 0 ? Math.abs(flow) / peak : 0;
      const upstream = this.anatomy.compartments.get(connection.from);
      if (this.colourBy === "flow") {
        mesh.material.color.setRGB(...flowColour(fraction));
      } else if (this.colourBy === "oxygen" && upstream) {
        mesh.material.color.setRGB(...this.blood(upstream, t));
      } else {
        mesh.material.color.setRGB(...pressureColour(track.valueAt(upstream?.pressureSignal, t)));
      }
      const radius = VESSEL_RADIUS * (0.6 + 0.8 * fraction);
      mesh.scale.x = radius;
      mesh.scale.z = radius;
    }
    for (const { connection, leaflets } of this.valves) {
      const opening = track.valueAt(`${connection.name}.opening`, t);
      // Closed: a solid disc; open: the leaflets fold away leaving the annulus (ring).
      leaflets.scale.setScalar(Math.max(0.02, 1 - (Number.isFinite(opening) ? opening : 0)));
    }
    if (this.lungs) {
      const volume = track.valueAt("lungs.volume", t);
      const scale = Math.cbrt(Math.max(volume, 1) / this.lungs.mean);
      for (const mesh of this.lungs.meshes) mesh.scale.set(0.06 * scale, 0.11 * scale, 0.06 * scale);
    }
  }

  blood(compartment, t) {
    const content = this.track.valueAt(`${compartment.name}.o2_content`, t);
    if (!Number.isFinite(content) || this.referenceO2 <= 0) return bloodColour(0.95);
    return bloodColour(content / this.referenceO2);
  }

  /** Centre of the heart's chambers in the scene (where the camera looks first). */
  heartCentre() {
    const centre = new THREE.Vector3();
    const points = this.chambers.map(({ mesh }) => mesh.position);
    if (points.length === 0) return toScene([0, 0, 0.74 * this.anatomy.referenceHeight]);
    for (const p of points) centre.add(p);
    return centre.divideScalar(points.length);
  }

  /** Where the left ventricle is (the test and the patient view point at it), or null. */
  chamberMesh(snomedCt) {
    return this.chambers.find(({ compartment }) => String(compartment.snomedCt) === snomedCt)?.mesh ?? null;
  }
}

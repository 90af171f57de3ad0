// The 3D stage: renderer, camera, lights, the twins' figures side by side, orbit controls on a
// screen and WebXR ("Enter VR") with a seated-scale scene and the same controls on a panel.
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { VRButton } from "three/addons/webxr/VRButton.js";

import { BodyFigure, textSprite } from "./body_figure.js";

// Figures of a plan's branches stand this far apart (m), left to right in the file's order
// (their outlines have no arms: the trunk is 0.33 m wide).
const FIGURE_SPACING = 0.42;

export class Stage {
  constructor(container, { onVrControl } = {}) {
    this.container = container;
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.xr.enabled = true;
    this.renderer.xr.setReferenceSpaceType("local"); // seated: the origin is where the head starts
    container.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x15181e);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x303040, 1.6));
    const key = new THREE.DirectionalLight(0xffffff, 1.8);
    key.position.set(1, 3, 4);
    this.scene.add(key);
    this.content = new THREE.Group(); // everything that moves to the seated position in VR
    this.scene.add(this.content);
    this.camera = new THREE.PerspectiveCamera(35, 1, 0.01, 50);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.figures = [];
    this.onVrControl = onVrControl;
    this.vrPanel = null;
    this.resize();
    new ResizeObserver(() => this.resize()).observe(container);
    this.renderer.xr.addEventListener("sessionstart", () => this.enterSeatedScale());
    this.renderer.xr.addEventListener("sessionend", () => this.leaveSeatedScale());
  }

  /** The "Enter VR" button (three.js's VRButton: says so when the browser has no WebXR). */
  vrButton() {
    const button = VRButton.createButton(this.renderer);
    button.id = "vr-button";
    return button;
  }

  resize() {
    const width = this.container.clientWidth || 1;
    const height = this.container.clientHeight || 1;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
  }

  /** Replaces the figures: one per track, with its title above it. */
  show(tracks, options) {
    for (const figure of this.figures) this.content.remove(figure.group);
    this.figures = tracks.map((track, i) => {
      const figure = new BodyFigure(track, { ...options, arms: tracks.length === 1 });
      figure.group.position.x = (i - (tracks.length - 1) / 2) * FIGURE_SPACING;
      if (tracks.length > 1 || options.titles) {
        const title = textSprite(options.titles?.[i] ?? track.label, { height: options.plain ? 0.04 : 0.03 });
        title.position.copy(figure.heartCentre()).add(new THREE.Vector3(0, 0.21, 0));
        figure.group.add(title);
      }
      this.content.add(figure.group);
      return figure;
    });
    this.frame("heart");
  }

  /** Camera presets: "heart" (the chest, close) or "body" (head to toe). */
  frame(preset) {
    if (this.figures.length === 0) return;
    const centre = new THREE.Vector3();
    for (const figure of this.figures) centre.add(figure.heartCentre().add(figure.group.position));
    centre.divideScalar(this.figures.length);
    const width = (this.figures.length - 1) * FIGURE_SPACING;
    if (preset === "body") {
      const height = this.figures[0].anatomy.referenceHeight;
      centre.y = height / 2;
      this.camera.position.set(centre.x, centre.y + 0.1, 1.6 * height + width);
    } else {
      // Close enough for the chambers, far enough that every figure's chest (0.4 m) fits across.
      centre.y -= 0.02;
      const halfWidth = Math.atan(Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2)) * this.camera.aspect);
      const distance = Math.max(0.6, (width + 0.4) / 2 / Math.tan(halfWidth));
      this.camera.position.set(centre.x + (this.figures.length === 1 ? 0.12 : 0), centre.y + 0.1, distance);
    }
    this.controls.target.copy(centre);
    this.controls.update();
  }

  update(times) {
    this.figures.forEach((figure, i) => figure.update(times[i]));
    if (this.vrPanel) this.vrPanel.refresh();
  }

  render() {
    if (!this.renderer.xr.isPresenting) this.controls.update();
    this.renderer.render(this.scene, this.camera);
  }

  /** Seated scale: the hearts at arm's length in front of the viewer, a little below the eyes. */
  enterSeatedScale() {
    const centre = new THREE.Vector3();
    for (const figure of this.figures) centre.add(figure.heartCentre().add(figure.group.position));
    centre.divideScalar(Math.max(1, this.figures.length));
    this.content.position.set(-centre.x, -0.2 - centre.y, -0.55 - centre.z);
    if (this.vrPanel) this.vrPanel.group.visible = true;
  }

  leaveSeatedScale() {
    this.content.position.set(0, 0, 0);
    if (this.vrPanel) this.vrPanel.group.visible = false;
  }

  /** Where a mesh's centre and radius fall on the canvas (CSS pixels): for tests and callouts. */
  screenCircle(mesh) {
    const centre = new THREE.Vector3();
    mesh.getWorldPosition(centre);
    const edge = centre.clone().add(new THREE.Vector3(mesh.scale.x, 0, 0));
    const canvas = this.renderer.domElement.getBoundingClientRect();
    const project = (point) => {
      const p = point.clone().project(this.camera);
      return [canvas.left + ((p.x + 1) / 2) * canvas.width, canvas.top + ((1 - p.y) / 2) * canvas.height];
    };
    const [x, y] = project(centre);
    const [ex] = project(edge);
    return { x, y, radius: Math.abs(ex - x) };
  }
}

/**
 * In VR: a panel in front of the viewer with the same controls as the page (play/pause, slower,
 * faster, heart/body) and the traces (the page's canvases as textures). Controllers point and
 * press their trigger ("select").
 */
export class VrPanel {
  constructor(stage, canvases, onControl) {
    this.stage = stage;
    this.group = new THREE.Group();
    this.group.position.set(0, -0.45, -0.5);
    this.group.rotation.x = -0.6;
    this.group.visible = false;
    stage.scene.add(this.group);
    this.buttons = [];
    const labels = [
      ["toggle", "Play / Pause"],
      ["slower", "Slower"],
      ["faster", "Faster"],
      ["next", "Next view"],
    ];
    labels.forEach(([action, text], i) => {
      const sprite = textSprite(text, { height: 0.035, background: "rgba(40,60,90,0.9)" });
      const button = new THREE.Mesh(
        new THREE.PlaneGeometry(sprite.scale.x, sprite.scale.y),
        new THREE.MeshBasicMaterial({ map: sprite.material.map, transparent: true }),
      );
      button.position.set((i - 1.5) * 0.16, 0, 0);
      button.userData.action = action;
      this.group.add(button);
      this.buttons.push(button);
    });
    this.textures = canvases.map((canvas, i) => {
      const texture = new THREE.CanvasTexture(canvas);
      texture.colorSpace = THREE.SRGBColorSpace;
      const aspect = canvas.width / Math.max(1, canvas.height);
      const plane = new THREE.Mesh(new THREE.PlaneGeometry(0.3 * aspect, 0.3), new THREE.MeshBasicMaterial({ map: texture }));
      plane.position.set((i - (canvases.length - 1) / 2) * (0.32 * aspect), 0.2, -0.05);
      this.group.add(plane);
      return texture;
    });
    const raycaster = new THREE.Raycaster();
    for (let i = 0; i < 2; ++i) {
      const controller = stage.renderer.xr.getController(i);
      const ray = new THREE.Line(
        new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(0, 0, 0), new THREE.Vector3(0, 0, -1)]),
        new THREE.LineBasicMaterial({ color: 0xffffff }),
      );
      controller.add(ray);
      controller.addEventListener("select", () => {
        const matrix = new THREE.Matrix4().extractRotation(controller.matrixWorld);
        raycaster.ray.origin.setFromMatrixPosition(controller.matrixWorld);
        raycaster.ray.direction.set(0, 0, -1).applyMatrix4(matrix);
        const hit = raycaster.intersectObjects(this.buttons)[0];
        if (hit) onControl(hit.object.userData.action);
      });
      stage.scene.add(controller);
    }
  }

  refresh() {
    if (!this.group.visible) return;
    for (const texture of this.textures) texture.needsUpdate = true;
  }
}

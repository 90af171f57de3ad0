// Plain words for the patient view, keyed by the SNOMED CT concept a model file gives each
// compartment (docs/anatomy.md), so a model of one's own with the same codes gets them too.
// A compartment whose code is not here keeps the model's own description.

const PLAIN_WORDS = new Map([
  ["87878005", { name: "Main pumping chamber", detail: "left ventricle: pumps blood to the body" }],
  ["53085002", { name: "Lung pumping chamber", detail: "right ventricle: pumps blood to the lungs" }],
  ["82471001", { name: "Left filling chamber", detail: "left atrium: collects blood back from the lungs" }],
  ["73829009", { name: "Right filling chamber", detail: "right atrium: collects blood back from the body" }],
  ["113262008", { name: "Main artery", detail: "aorta: carries blood from the heart to the body" }],
  ["39607008", { name: "Lungs", detail: "where blood picks up oxygen" }],
  ["12738006", { name: "Brain", detail: "blood flow to the brain" }],
  ["74281007", { name: "Heart muscle", detail: "blood flow feeding the heart itself" }],
  ["10200004", { name: "Gut and liver", detail: "blood flow to the digestive organs" }],
  ["303402001", { name: "Kidneys", detail: "blood flow to the kidneys" }],
  ["102292000", { name: "Muscles", detail: "blood flow to the leg and arm muscles" }],
]);

/** Plain words for a compartment, or null when the code has none. */
export function plainWords(compartment) {
  return compartment.snomedCt ? (PLAIN_WORDS.get(String(compartment.snomedCt)) ?? null) : null;
}

/** The vital signs the patient view shows, in plain words with what is usual at rest. */
export const PLAIN_VITALS = [
  { metric: "heart_rate", source: "beats", name: "Heartbeats per minute", digits: 0, usual: "60 to 100" },
  { metric: "blood_pressure", source: "beats", name: "Blood pressure", digits: 0, usual: "below 120/80" },
  { metric: "cardiac_output", source: "beats", name: "Blood pumped per minute (litres)", digits: 1, usual: "4 to 8" },
  { metric: "spo2", source: "breaths", name: "Oxygen in the blood (%)", digits: 0, usual: "95 to 100" },
];

/**
 * Plain words for the per-beat metrics a plan's outcomes name (docs/hdf5-format.md, "/beats");
 * an outcome not here is shown by its metric's name.
 */
export const PLAIN_METRICS = new Map([
  ["aortic_valve_mean_gradient", "Pressure lost across the aortic valve (the narrower, the higher)"],
  ["aortic_valve_peak_velocity", "Speed of the blood through the aortic valve"],
  ["aortic_valve_regurgitant_fraction", "Share of each beat leaking back through the aortic valve"],
  ["mitral_valve_regurgitant_fraction", "Share of each beat leaking back through the mitral valve"],
  ["mitral_valve_mean_gradient", "Pressure lost across the mitral valve"],
  ["lv_peak_systolic_pressure", "Pressure the main pumping chamber has to make"],
  ["lv_ejection_fraction", "Share of its blood the main pumping chamber pushes out each beat"],
  ["systolic_pressure", "Blood pressure, upper number"],
  ["diastolic_pressure", "Blood pressure, lower number"],
  ["mean_arterial_pressure", "Average blood pressure"],
  ["cardiac_output", "Blood pumped per minute"],
  ["heart_rate", "Heartbeats per minute"],
  ["stroke_volume", "Blood pumped forward with each beat"],
  ["pulmonary_capillary_wedge_pressure", "Pressure backing up into the lungs"],
]);

#pragma once
// Where a compartment is in the body, for a scene that puts signals on anatomy: an anatomical
// code (SNOMED CT body structure and FMA) and a position in the reference body frame below.
// Declared per compartment in the model file ("anatomy"), read by the model loader, written to
// /model by the HDF5 writer; the frame and the values' sources are in docs/anatomy.md.
#include <array>
#include <string>

namespace physiotwin {

/// The reference body frame, as /model's `body_frame` attribute states it (docs/anatomy.md).
/// DICOM's patient axes (PS3.3 C.7.6.2.1.1), with an origin a standing body has.
inline constexpr const char* body_frame_description =
    "metres; right-handed; DICOM patient axes (LPS): +x toward the patient's left, +y "
    "posterior, +z toward the head; origin on the floor midway between the ankle joints; "
    "standing in the anatomical position; positions are for an adult man 1.76 m tall (scale by "
    "height / 1.76 m for another stature)";
/// The stature the positions are for, m (ICRP Publication 89 reference male; ANSUR II's mean
/// man, 1.756 m).
inline constexpr double anatomy_reference_height_m = 1.76;

struct Anatomy {
  std::string snomed_ct;              ///< SNOMED CT body structure concept id ("87878005")
  std::string snomed_ct_display;      ///< its fully specified name
  std::string fma;                    ///< Foundational Model of Anatomy id ("FMA:7101")
  std::string fma_display;            ///< its name
  std::array<double, 3> position{};   ///< m, in the reference body frame
  double position_uncertainty = 0.0;  ///< m: how far the structure's centre may be from it
  std::string position_basis;         ///< how the position was found
};

}  // namespace physiotwin

// Creating, forking, snapshotting, restoring and destroying twins through the C interface; the
// handle's channel.
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "c_twin.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/trust/decryption_keys.hpp"

using physiotwin::c_api::fail;
using physiotwin::c_api::guarded;

namespace {

/// The channel's layout: time, signals, beat metrics, breath metrics.
std::size_t latest_size_of(const physiotwin::Twin& twin) {
  const std::size_t breaths = twin.breaths() ? twin.breaths()->metrics().size() : 0;
  return 1 + twin.signals().size() + twin.beats().metrics().size() + breaths;
}

/// A session of `model` for the patient input (none: the model's reference body as it is).
physiotwin::Session session_of(physiotwin::BodyModel model,
                               const std::optional<physiotwin::PatientInputFile>& patient) {
  using namespace physiotwin;
  if (!patient) {
    PersonalisedModel as_is{std::move(model), Patient{}, {}, {}, false, {}, "none"};
    as_is.patient.sex = as_is.model.reference_body.sex;
    as_is.patient.age_years = as_is.model.reference_body.age_years;
    as_is.patient.height_cm = as_is.model.reference_body.height_cm;
    as_is.patient.weight_kg = as_is.model.reference_body.weight_kg;
    as_is.patient.id = "reference_body";
    as_is.patient.description = "the model's reference body";
    return Session(as_is);
  }
  return Session(personalise(std::move(model), *patient));
}

/// Creates a twin into *out from the model `model_source` (a path or JSON text, `what` names
/// it), or fails with *out NULL.
template <typename MakeSession>
pt_status create(pt_twin** out, const char* model_source, const char* what,
                 MakeSession&& make) noexcept {
  if (out == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the output pointer is NULL");
  *out = nullptr;
  if (model_source == nullptr)
    return fail(PT_ERROR_NULL_ARGUMENT, fmt::format("the {} is NULL", what));
  return guarded([&] {
    auto twin = std::make_unique<pt_twin>(make());
    twin->publish();  // readers see the initial state at once
    *out = twin.release();
    return PT_OK;
  });
}

}  // namespace

pt_twin::pt_twin(physiotwin::Session s)
    : session(std::move(s)), latest(latest_size_of(session.twin())), outgoing(latest.size()) {}

pt_twin::pt_twin(const pt_twin& other)
    : session(other.session),
      budget(other.budget),
      failed(other.failed),
      latest(other.latest.size()),
      outgoing(other.outgoing.size()) {}

std::size_t pt_twin::beat_metric_count() const noexcept {
  return session.twin().beats().metrics().size();
}

std::size_t pt_twin::breath_metric_count() const noexcept {
  const auto& breaths = session.twin().breaths();
  return breaths ? breaths->metrics().size() : 0;
}

void pt_twin::publish() {
  const physiotwin::Twin& twin = session.twin();
  constexpr double none = std::numeric_limits<double>::quiet_NaN();
  auto next = outgoing.begin();
  *next++ = twin.time();
  for (double v : twin.signal_values()) *next++ = v;
  const bool beat = twin.beats().completed() > 0;
  for (double v : twin.beats().last_beat()) *next++ = beat ? v : none;
  if (const auto& breaths = twin.breaths()) {
    const bool breath = breaths->completed() > 0;
    for (double v : breaths->last_breath()) *next++ = breath ? v : none;
  }
  latest.publish(outgoing);
}

extern "C" {

PT_API pt_status pt_twin_create_from_files(const char* model_path, const char* patient_path,
                                           pt_twin** out) {
  return pt_twin_create_from_files_with_key(model_path, patient_path, nullptr, out);
}

PT_API pt_status pt_twin_create_from_files_with_key(const char* model_path,
                                                    const char* patient_path,
                                                    const char* decryption_key_path,
                                                    pt_twin** out) {
  return create(out, model_path, "model path", [&] {
    namespace trust = physiotwin::trust;
    // The rule the tool and Python follow (trust/decryption_keys.hpp): the key file given, else
    // the key folder's; read only when the patient file is encrypted.
    const std::filesystem::path key =
        decryption_key_path == nullptr ? std::filesystem::path() : decryption_key_path;
    constexpr std::string_view how_to_give = "decryption_key_path";
    std::optional<physiotwin::PatientInputFile> patient;
    if (patient_path != nullptr) {
      patient = physiotwin::read_patient_input_file(patient_path,
                                                    trust::decryption_keys(key, how_to_give));
      trust::check_was_encrypted(key, !patient->sealed_to.empty(), "the patient file", how_to_give);
    } else if (!key.empty()) {
      throw physiotwin::InputError(
          "decryption_key_path given without a patient file: there is nothing to open");
    }
    return session_of(physiotwin::load_circulation(model_path), patient);
  });
}

PT_API pt_status pt_twin_create_from_json(const char* model_json, const char* patient_json,
                                          pt_twin** out) {
  return create(out, model_json, "model JSON", [&] {
    std::optional<physiotwin::PatientInputFile> patient;
    if (patient_json != nullptr)
      patient = physiotwin::patient_input_from_text(patient_json, "patient JSON");
    return session_of(physiotwin::load_circulation_text(model_json, "model JSON"), patient);
  });
}

PT_API pt_status pt_twin_fork(const pt_twin* twin, pt_twin** out) {
  if (out == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the output pointer is NULL");
  *out = nullptr;
  if (twin == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "the twin is NULL");
  return guarded([&] {
    auto fork = std::make_unique<pt_twin>(*twin);
    fork->publish();
    *out = fork.release();
    return PT_OK;
  });
}

PT_API pt_status pt_twin_snapshot(const pt_twin* twin, uint8_t* buffer, size_t capacity,
                                  size_t* size) {
  if (size == nullptr) return fail(PT_ERROR_NULL_ARGUMENT, "pt_twin_snapshot: size is NULL");
  *size = 0;
  return physiotwin::c_api::guarded_twin(const_cast<pt_twin*>(twin), [&] {
    const std::vector<std::uint8_t> bytes = twin->session.twin().snapshot();
    *size = bytes.size();
    if (buffer == nullptr) return PT_OK;  // the size only
    if (capacity < bytes.size()) {
      return fail(PT_ERROR_BUFFER_TOO_SMALL,
                  fmt::format("pt_twin_snapshot: the snapshot is {} bytes, the buffer {}",
                              bytes.size(), capacity));
    }
    std::memcpy(buffer, bytes.data(), bytes.size());
    return PT_OK;
  });
}

namespace {

/// A NULL snapshot is a NULL argument, as any other pointer is (the output cleared first).
pt_status null_snapshot(pt_twin** out) {
  if (out != nullptr) *out = nullptr;
  return fail(PT_ERROR_NULL_ARGUMENT, "pt_twin_restore: the snapshot is NULL");
}

}  // namespace

PT_API pt_status pt_twin_restore_from_file(const char* model_path, const uint8_t* snapshot,
                                           size_t size, pt_twin** out) {
  if (snapshot == nullptr) return null_snapshot(out);
  return create(out, model_path, "model path", [&] {
    return physiotwin::Session::restored(physiotwin::load_circulation(model_path),
                                         std::span<const std::uint8_t>(snapshot, size));
  });
}

PT_API pt_status pt_twin_restore_from_json(const char* model_json, const uint8_t* snapshot,
                                           size_t size, pt_twin** out) {
  if (snapshot == nullptr) return null_snapshot(out);
  return create(out, model_json, "model JSON", [&] {
    return physiotwin::Session::restored(
        physiotwin::load_circulation_text(model_json, "model JSON"),
        std::span<const std::uint8_t>(snapshot, size));
  });
}

PT_API void pt_twin_destroy(pt_twin* twin) {
  delete twin;
}

}  // extern "C"

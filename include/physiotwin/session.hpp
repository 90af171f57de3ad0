#pragma once
// A run: a personalised model, the twin over it, the recorders that take its outputs and the
// description of the run they all carry. Built once from a patient input of any kind
// (patient/personalise.hpp is the one personalisation path); the command-line tool and the
// Python module run sessions, and a session is what a C ABI hands an engine.
//
//   record or patient file --personalise--> PersonalisedModel --> Session --> Twin --> recorders
#include <string>
#include <utility>
#include <vector>

#include "physiotwin/core/sha256.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/io/run_header.hpp"
#include "physiotwin/patient/personalise.hpp"
#include "physiotwin/twin.hpp"

namespace physiotwin {

/// How outputs name a run: the patient, the sources by label (never a path), the calibration,
/// and the parameter overrides as given (`NAME=VALUE`).
[[nodiscard]] inline RunDescription describe_run(const PersonalisedModel& personalised,
                                                 std::vector<std::string> overrides = {}) {
  const Patient& p = personalised.patient;
  return {p.id,
          p.description,
          model_source_label(personalised.model),
          personalised.patient_source,
          std::move(overrides),
          p.measured,
          p.assumed,
          personalised.calibration};
}

class Session {
 public:
  /// A session of `personalised`'s model (overrides already applied; `overrides` says which,
  /// for the outputs).
  explicit Session(const PersonalisedModel& personalised, TwinOptions options = {},
                   std::vector<std::string> overrides = {})
      : patient_(personalised.patient),
        header_(RunHeader::of(personalised.model, options.sample_rate,
                              describe_run(personalised, std::move(overrides)))),
        twin_(personalised.model, options) {}

  /// A session of a twin made elsewhere (a restored snapshot): its header describes the
  /// model as the twin holds it now, not as the run began, and no patient.
  Session(Twin twin, RunDescription description)
      : header_(RunHeader::of(twin.model(), twin.options().sample_rate, std::move(description))),
        twin_(std::move(twin)) {}

  /// A session of the twin `snapshot` holds (Twin::restore(), on the model file it was taken
  /// with). Its outputs name the source by the snapshot's time and digest, never by a path.
  [[nodiscard]] static Session restored(BodyModel model, std::span<const std::uint8_t> snapshot) {
    Twin twin = Twin::restore(std::move(model), snapshot);
    const std::string_view bytes(reinterpret_cast<const char*>(snapshot.data()), snapshot.size());
    RunDescription description;
    description.patient_file = fmt::format("a snapshot at {} s (sha256 {})", twin.time(),
                                           crypto::hex(crypto::sha256(bytes), 8));
    return Session(std::move(twin), std::move(description));
  }

  /// Attaches a recorder (not owned): it begins from the session's header and receives every
  /// sample, beat, breath and action from now on.
  void add_recorder(Recorder& recorder) { twin_.add_recorder(recorder, header_); }

  /// The run as it began: the description and the model every output describes.
  [[nodiscard]] const RunHeader& header() const noexcept { return header_; }
  [[nodiscard]] const Patient& patient() const noexcept { return patient_; }
  [[nodiscard]] Twin& twin() noexcept { return twin_; }
  [[nodiscard]] const Twin& twin() const noexcept { return twin_; }

 private:
  Patient patient_;
  RunHeader header_;
  Twin twin_;
};

}  // namespace physiotwin

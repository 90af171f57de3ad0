// Twin parameter files (docs/patient-format.md): a calibrated twin written and read back is
// the same twin, to the last bit; a file that does not fit the model is refused, naming the
// JSON path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../helpers.hpp"
#include "physiotwin/patient/calibration.hpp"
#include "physiotwin/patient/twin_parameters.hpp"

using namespace physiotwin;

namespace {

std::filesystem::path temporary(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("physiotwin_" + name);
}

BodyModel fresh_model() {
  return load_circulation(test_support::model_path("circulation/adult.json"));
}

/// The example patient with measured vitals, scaled and calibrated, written to `file`.
BodyModel write_calibrated(const std::filesystem::path& file) {
  const Patient patient =
      load_patient(test_support::model_path("patients/example_measured_male.json"));
  BodyModel model = fresh_model();
  scale_to_patient(model, patient);
  const CalibrationReport report = calibrate(model, patient);
  std::vector<std::string> lines;
  for (const auto& r : report.results) lines.push_back(r.target);
  write_twin_parameters(file, model, {patient, lines, true});
  return model;
}

/// Rewrites `file` with `edit` applied to its JSON.
template <typename Edit>
void edit_json(const std::filesystem::path& file, Edit edit) {
  nlohmann::json j = read_json_file(file);
  edit(j);
  std::ofstream(file) << j.dump(1);
}

std::string twin_parameters_error(const std::filesystem::path& file) {
  BodyModel model = fresh_model();
  try {
    (void)load_twin_parameters(file, model);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TwinParameters, RoundTripGivesTheSameTwin) {
  const auto folder = test_support::private_folder("twin_roundtrip");
  const auto file = folder / "twin.json";
  const BodyModel calibrated = write_calibrated(file);
  EXPECT_EQ(test_support::names_in(folder), std::vector<std::string>{"twin.json"});
  BodyModel loaded = fresh_model();
  std::string warning;
  const TwinParameters twin = load_twin_parameters(file, loaded, &warning);
  EXPECT_TRUE(warning.empty()) << warning;
  EXPECT_TRUE(twin.calibrated);
  EXPECT_EQ(twin.patient.id, "example_measured_male");
  EXPECT_DOUBLE_EQ(twin.patient.measurement(Measure::systolic_pressure), 138.0);
  ASSERT_EQ(loaded.parameters.size(), calibrated.parameters.size());
  for (std::size_t i = 0; i < loaded.parameters.size(); ++i) {
    EXPECT_EQ(loaded.parameters.at(i).value, calibrated.parameters.at(i).value)
        << loaded.parameters.at(i).name;
  }
  // Same parameters, same initial state (calibration's settled state, stored whole): the
  // same trajectory, bit for bit.
  ASSERT_FALSE(calibrated.start_state.empty());
  EXPECT_EQ(loaded.start_state, calibrated.start_state);
  std::vector<double> a(calibrated.state_size()), b(loaded.state_size());
  calibrated.initial_state(a);
  loaded.initial_state(b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, calibrated.start_state);
  Twin first{BodyModel(calibrated)}, second{std::move(loaded)};
  first.advance(3.0);
  second.advance(3.0);
  for (const char* signal : {"aorta.pressure", "lv.volume", "arterial.po2"}) {
    EXPECT_EQ(first.signal(signal), second.signal(signal)) << signal;
  }
}

TEST(TwinParameters, FilesThatDoNotFitTheModelAreRefused) {
  const auto file = temporary("twin_bad.json");
  write_calibrated(file);
  const nlohmann::json good = read_json_file(file);
  auto with = [&](auto edit) {
    std::ofstream(file) << good.dump(1);
    edit_json(file, edit);
    return twin_parameters_error(file);
  };
  EXPECT_NE(with([](nlohmann::json& j) {
              j["parameters"]["heart.rat"] = j["parameters"]["heart.rate"];
            }).find("parameters.heart.rat: model adult_circulation has no parameter"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["parameters"].erase("heart.rate");
            }).find("parameter \"heart.rate\" of model adult_circulation is missing"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["parameters"]["heart.rate"]["unit"] = "1/s";
            }).find("parameters.heart.rate.unit: expected \"1/min\""),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) { j["parameters"]["heart.rate"]["value"] = 900; })
                .find("parameters.heart.rate.value: heart.rate = 900 1/min is outside the allowed "
                      "range"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["model"]["name"] = "other";
            }).find("model.name: made from model \"other\""),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["patient"]["age"]["value"] = 9;
            }).find("patient.age.value: age = 9 a is outside the allowed range [18, 90] a"),
            std::string::npos);
  EXPECT_NE(
      with([](nlohmann::json& j) { j["version"] = 3; }).find("version: only versions 1 and 2"),
      std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["start_state"]["lv.volum"] = 1.0;
            }).find("start_state.lv.volum: model adult_circulation has no state"),
            std::string::npos);
  EXPECT_NE(with([](nlohmann::json& j) {
              j["start_state"].erase("lv.volume");
            }).find("state \"lv.volume\" of model adult_circulation is missing"),
            std::string::npos);

  // Another version of the model file: read, with a warning that says so.
  std::ofstream(file) << good.dump(1);
  edit_json(file, [](nlohmann::json& j) { j["model"]["sha256"] = "0123456789abcdef"; });
  BodyModel model = fresh_model();
  std::string warning;
  (void)load_twin_parameters(file, model, &warning);
  EXPECT_NE(warning.find("made from another version of model adult_circulation"), std::string::npos)
      << warning;
}

// A twin calibrated before the model gained a parameter and a state (as exercise's
// post-exercise dilation did on 2026-12-06) still loads from a file made from the older
// model: the parameter takes the model's value, the state starts where the model starts it,
// and the warning names both. From the same model version a missing one stays an error (above).
TEST(TwinParameters, ParametersAndStatesTheModelGainedSinceTakeItsValues) {
  const auto file = temporary("twin_older_model.json");
  const BodyModel written = write_calibrated(file);
  edit_json(file, [](nlohmann::json& j) {
    j["model"]["sha256"] = "0123456789abcdef";
    j["parameters"].erase("exercise.post_dilation_gain");
    j["start_state"].erase("exercise.post_dilation");
  });
  BodyModel model = fresh_model();
  std::string warning;
  (void)load_twin_parameters(file, model, &warning);
  EXPECT_NE(warning.find("parameters the model gained since take its values: "
                         "exercise.post_dilation_gain"),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find("states it gained start where the model starts them: "
                         "exercise.post_dilation"),
            std::string::npos)
      << warning;
  EXPECT_EQ(model.parameters.value("exercise.post_dilation_gain"),
            fresh_model().parameters.value("exercise.post_dilation_gain"));
  EXPECT_EQ(model.parameters.value("heart.rate"), written.parameters.value("heart.rate"));
  const auto& names = model.state_names();
  const auto at = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  ASSERT_EQ(model.start_state.size(), names.size());
  EXPECT_EQ(model.start_state[at("exercise.post_dilation")], 0.0);  // at rest, no dilation
  EXPECT_EQ(model.start_state[at("lv.volume")], written.start_state[at("lv.volume")]);
}

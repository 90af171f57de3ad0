// actions/action_details.hpp: the JSON text recorded for each action (the /actions
// group of the HDF5 file and Twin.actions() in Python): valid JSON whatever the names hold,
// the fields in their order, numbers that read back exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "physiotwin/actions/action_details.hpp"

namespace {

/// The recorded details of an action, parsed back (fails the test if they are not JSON).
nlohmann::ordered_json parsed_details(const physiotwin::Action& a) {
  const std::string text = physiotwin::action_details(a);
  EXPECT_TRUE(nlohmann::ordered_json::accept(text)) << text;
  return nlohmann::ordered_json::parse(text, nullptr, false);
}

std::vector<std::string> member_names_of(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

}  // namespace

TEST(ActionDetails, QuotesAndBackslashesInNamesAreEscapedAndReadBack) {
  physiotwin::Action a;
  a.kind = physiotwin::ActionKind::infusion;
  a.rate = 100.0;
  a.volume = 500.0;
  a.fluid = R"(saline", "volume": 1e9, "x": ")";  // would add fields if written unescaped
  a.compartment = "C:\\veins\\\"left\"\n\ttab";
  const std::string text = physiotwin::action_details(a);
  EXPECT_NE(text.find(R"(\")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(\\)"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;  // control characters escaped too
  const auto j = parsed_details(a);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(member_names_of(j),
            (std::vector<std::string>{"rate", "volume", "fluid", "compartment"}));
  EXPECT_EQ(j.at("fluid"), a.fluid);
  EXPECT_EQ(j.at("compartment"), a.compartment);
  EXPECT_EQ(j.at("volume"), 500.0);

  physiotwin::Action set;
  set.kind = physiotwin::ActionKind::set_parameter;
  set.parameter = R"(heart."rate"\)";
  set.value = 72.0;
  const auto s = parsed_details(set);
  EXPECT_EQ(s.at("parameter"), set.parameter);
  EXPECT_EQ(s.at("value"), 72.0);
}

TEST(ActionDetails, NumbersReadBackExactly) {
  physiotwin::Action a;
  a.kind = physiotwin::ActionKind::hemorrhage;
  a.rate = 123.456789012345;  // {:g} wrote 123.457
  a.volume = 1.0 / 3.0;
  a.compartment = "systemic_arteries";
  const auto j = parsed_details(a);
  EXPECT_EQ(member_names_of(j), (std::vector<std::string>{"rate", "volume", "compartment"}));
  EXPECT_EQ(j.at("rate").get<double>(), a.rate);
  EXPECT_EQ(j.at("volume").get<double>(), a.volume);
  EXPECT_EQ(
      physiotwin::action_details(a),
      R"({"rate":123.456789012345,"volume":0.3333333333333333,"compartment":"systemic_arteries"})");
}

TEST(ActionDetails, VentilatorPressuresInTheCmH2OTheyWereGivenIn) {
  physiotwin::Action a;
  a.kind = physiotwin::ActionKind::ventilator;
  a.ventilator.mode = physiotwin::resp::VentilatorMode::pressure_control;
  a.ventilator.rate = 14.0;
  a.ventilator.ie_ratio = 0.5;
  // 7 and 13 cmH2O do not come back exactly from mmHg (6.999999999999999, 13.000000000000002).
  a.ventilator.peep = 7.0 * physiotwin::units::mmHg_per_cmH2O;
  a.ventilator.inspiratory_pressure = 13.0 * physiotwin::units::mmHg_per_cmH2O;
  a.ventilator.fio2 = 0.4;
  const auto j = parsed_details(a);
  EXPECT_EQ(member_names_of(j),
            (std::vector<std::string>{"mode", "rate", "ie_ratio", "peep_cmH2O",
                                      "inspiratory_pressure_cmH2O", "tidal_volume", "fio2"}));
  EXPECT_EQ(j.at("mode"), "pressure_control");
  EXPECT_EQ(j.at("peep_cmH2O").get<double>(), 7.0);
  EXPECT_EQ(j.at("inspiratory_pressure_cmH2O").get<double>(), 13.0);
  EXPECT_EQ(j.at("fio2").get<double>(), 0.4);
}

TEST(ActionDetails, AnUnchangedGasFractionIsNull) {
  physiotwin::Action a;
  a.kind = physiotwin::ActionKind::inspired_gas;
  a.fio2 = 0.12;
  const auto j = parsed_details(a);
  EXPECT_EQ(j.at("fio2").get<double>(), 0.12);
  EXPECT_TRUE(j.at("fico2").is_null());
  EXPECT_EQ(physiotwin::action_details(a), R"({"fio2":0.12,"fico2":null})");
}

TEST(ActionDetails, TextThatIsNotUtf8IsReplacedNotThrown) {
  physiotwin::Action a;
  a.kind = physiotwin::ActionKind::set_parameter;
  a.parameter = "heart\xff.rate";
  a.value = 1.0;
  std::string text;
  ASSERT_NO_THROW(text = physiotwin::action_details(a));
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.at("parameter"), "heart\xEF\xBF\xBD.rate");  // U+FFFD
}

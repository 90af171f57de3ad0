// The model loader (model/model_loader.hpp): the shipped models load, and each error of a bad
// model file names the file, the JSON path, the value and what is allowed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;

namespace {

/// Writes the default model with one modification applied to its JSON.
template <typename Edit>
std::string write_variant(const std::string& name, Edit edit) {
  auto json = read_json_file(test_support::model_path("circulation/adult.json"));
  edit(json);
  const auto path = std::filesystem::temp_directory_path() / ("physiotwin_" + name + ".json");
  std::ofstream(path) << json.dump(1);
  return path.string();
}

std::string load_error(const std::string& file) {
  try {
    (void)load_circulation(file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ModelLoader, LoadsTheDefaultModel) {
  const BodyModel m = load_circulation(test_support::model_path("circulation/adult.json"));
  EXPECT_EQ(m.compartments.size(), 22u);
  EXPECT_TRUE(m.roles.left_ventricle.has_value());
  for (const char* name :
       {"aorta.pressure", "lv.pressure", "lv.volume", "rv.pressure", "rv.volume", "la.pressure",
        "la.volume", "ra.pressure", "ra.volume", "pulmonary_artery.pressure", "aortic_valve.flow",
        "mitral_valve.flow", "tricuspid_valve.flow", "pulmonary_valve.flow"}) {
    EXPECT_TRUE(m.signals().find(name).has_value()) << name;
  }
}

TEST(ModelLoader, MalformedJsonNamesLineAndColumn) {
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_malformed.json";
  std::ofstream(path) << "{\n  \"format\": \"physiotwin-circulation\",\n  \"version\": 1,,\n}";
  const std::string m = load_error(path.string());
  EXPECT_NE(m.find("physiotwin_malformed.json: not valid JSON"), std::string::npos) << m;
  EXPECT_NE(m.find("line 3"), std::string::npos) << m;
}

TEST(ModelLoader, MissingParameterNamesItsPath) {
  const auto file = write_variant("missing", [](nlohmann::json& j) {
    j["compartments"][1]["parameters"].erase("end_systolic_elastance");
  });
  const std::string m = load_error(file);
  EXPECT_NE(
      m.find("compartments[1].parameters: missing required member \"end_systolic_elastance\""),
      std::string::npos)
      << m;
}

TEST(ModelLoader, UnknownParameterIsRejected) {
  const auto file = write_variant("unknown", [](nlohmann::json& j) {
    j["compartments"][1]["parameters"]["elastance_typo"] = {
        {"value", 1}, {"unit", "mmHg/mL"}, {"source", "x"}};
  });
  EXPECT_NE(load_error(file).find("unknown member \"elastance_typo\""), std::string::npos);
}

TEST(ModelLoader, OutOfRangeValueNamesValueAndRange) {
  const auto file = write_variant("range", [](nlohmann::json& j) {
    j["compartments"][1]["parameters"]["end_systolic_elastance"]["value"] = 250.0;
  });
  const std::string m = load_error(file);
  EXPECT_NE(m.find("compartments[1].parameters.end_systolic_elastance.value"), std::string::npos)
      << m;
  EXPECT_NE(m.find("lv.end_systolic_elastance = 250 mmHg/mL is outside the allowed range [0.001, "
                   "20] mmHg/mL"),
            std::string::npos)
      << m;
}

TEST(ModelLoader, WrongUnitNamesTheExpectedUnit) {
  const auto file = write_variant("unit", [](nlohmann::json& j) {
    j["compartments"][4]["parameters"]["compliance"]["unit"] = "mmHg";
  });
  const std::string m = load_error(file);
  EXPECT_NE(m.find("unit \"mmHg\" is not a unit of aorta.compliance (expected \"mL/mmHg\")"),
            std::string::npos)
      << m;
}

TEST(ModelLoader, ConvertibleUnitIsConverted) {
  const auto file = write_variant("convert", [](nlohmann::json& j) {
    j["compartments"][4]["parameters"]["unstressed_volume"] = {
        {"value", 0.06}, {"unit", "L"}, {"source", "test"}};
  });
  const BodyModel m = load_circulation(file);
  EXPECT_DOUBLE_EQ(m.parameters.value("aorta.unstressed_volume"), 60.0);
}

TEST(ModelLoader, ConnectionToUnknownCompartmentIsNamed) {
  const auto file =
      write_variant("dangling", [](nlohmann::json& j) { j["connections"][0]["to"] = "lv_typo"; });
  EXPECT_NE(load_error(file).find("connections[0].to: no compartment named \"lv_typo\""),
            std::string::npos);
}

TEST(ModelLoader, RegurgitantAreaMustBeBelowMaximalArea) {
  const auto file = write_variant("valve", [](nlohmann::json& j) {
    j["connections"][1]["parameters"]["min_area"]["value"] = 4.0;
  });
  EXPECT_NE(load_error(file).find("connections[1].parameters.min_area.value: aortic_valve.min_area "
                                  "(4 cm2) must be below aortic_valve.max_area (3.5 cm2)"),
            std::string::npos)
      << load_error(file);
}

TEST(ModelLoader, MissingFileIsReported) {
  EXPECT_NE(load_error("/nonexistent/model.json").find("/nonexistent/model.json: cannot open file"),
            std::string::npos);
}

TEST(ModelLoader, LoadsTheSmith2004ModelWithItsInteractionAndIdealValves) {
  const BodyModel m = load_circulation(test_support::model_path("circulation/smith2004.json"));
  ASSERT_TRUE(m.interaction.has_value());
  EXPECT_EQ(m.event_count(), 4u);
  EXPECT_TRUE(m.signals().find("septum.septum_volume").has_value());
  EXPECT_DOUBLE_EQ(m.parameters.value("septum.septum_end_systolic_elastance"), 48.754);
}

TEST(ModelLoader, InteractionMustJoinTwoChambers) {
  auto json = read_json_file(test_support::model_path("circulation/smith2004.json"));
  json["ventricular_interaction"]["right"] = "aorta";
  const auto path = std::filesystem::temp_directory_path() / "physiotwin_interaction.json";
  std::ofstream(path) << json.dump(1);
  EXPECT_NE(
      load_error(path.string()).find("ventricular_interaction.right: \"aorta\" is not a chamber"),
      std::string::npos)
      << load_error(path.string());
}

// Issue 3's signals exist in the default model, from the one registry.
TEST(ModelLoader, DefaultModelHasTheCardiopulmonarySignals) {
  const BodyModel m = load_circulation(test_support::model_path("circulation/adult.json"));
  for (const char* name :
       {"lungs.volume", "airway.pressure", "airway.flow", "pleural.pressure", "arterial.po2",
        "arterial.pco2", "arterial.so2", "venous.po2", "venous.so2", "spo2", "etco2"}) {
    EXPECT_TRUE(m.signals().find(name).has_value()) << name;
  }
}

TEST(ModelLoader, GasExchangeSectionErrorsNameThePath) {
  EXPECT_NE(load_error(write_variant("gas_no_lungs",
                                     [](nlohmann::json& j) {
                                       j.erase("respiration");
                                       j.erase("chemoreflex");
                                     }))
                .find("gas_exchange: gas exchange needs a \"respiration\" section"),
            std::string::npos);
  EXPECT_NE(
      load_error(write_variant("chemo_no_gas", [](nlohmann::json& j) { j.erase("gas_exchange"); }))
          .find("chemoreflex: chemoreflexes need a \"gas_exchange\" section"),
      std::string::npos);
  EXPECT_NE(load_error(write_variant("gas_bad_tissue",
                                     [](nlohmann::json& j) {
                                       j["gas_exchange"]["tissues"]["liver_capillaries"] =
                                           j["gas_exchange"]["tissues"]["brain_capillaries"];
                                     }))
                .find("gas_exchange.tissues.liver_capillaries: no compartment named"),
            std::string::npos);
  EXPECT_NE(load_error(write_variant("gas_bad_exchange",
                                     [](nlohmann::json& j) {
                                       j["gas_exchange"]["exchange"] = "pulmonary_shortcut";
                                     }))
                .find("gas_exchange.exchange: no connection named \"pulmonary_shortcut\""),
            std::string::npos);
  EXPECT_NE(load_error(write_variant("gas_bad_initial",
                                     [](nlohmann::json& j) {
                                       j["gas_exchange"]["initial_state"]["aorta"]["po2"] = -3;
                                     }))
                .find("gas_exchange.initial_state.aorta.po2: po2 -3 mmHg is outside the allowed "
                      "range [0, 5000] mmHg"),
            std::string::npos);
  const std::string hb = load_error(write_variant("gas_bad_hb", [](nlohmann::json& j) {
    j["gas_exchange"]["parameters"]["hemoglobin"]["value"] = 150;
  }));
  EXPECT_NE(hb.find("gas.hemoglobin = 150 g/dL is outside the allowed range [3, 25] g/dL"),
            std::string::npos)
      << hb;
  const std::string hb_unit = load_error(write_variant("gas_hb_unit", [](nlohmann::json& j) {
    j["gas_exchange"]["parameters"]["hemoglobin"] = {
        {"value", 150}, {"unit", "g/L"}, {"source", "x"}};
  }));
  EXPECT_EQ(hb_unit, "no error");  // 150 g/L is 15 g/dL
}

// The fluid exchange section (docs/model-format.md): its beds' shares add up to 1, its beds
// are vessels, and it needs gas exchange (the red cells carry the haemoglobin).
TEST(ModelLoader, FluidExchangeBedsAreCheckedAndNamed) {
  const auto shares = write_variant("fluid_shares", [](nlohmann::json& j) {
    j["fluid_exchange"]["capillary_beds"][0]["share"] = 0.6;
  });
  EXPECT_NE(load_error(shares).find(
                "fluid_exchange.capillary_beds: the beds' shares add up to 1.1, not 1"),
            std::string::npos)
      << load_error(shares);
  const auto chamber = write_variant("fluid_chamber", [](nlohmann::json& j) {
    j["fluid_exchange"]["capillary_beds"][1]["veins"] = "lv";
  });
  EXPECT_NE(load_error(chamber).find(
                "fluid_exchange.capillary_beds[1].veins: \"lv\" is a heart chamber, not a vessel"),
            std::string::npos)
      << load_error(chamber);
  const auto no_gases = write_variant("fluid_no_gases", [](nlohmann::json& j) {
    j.erase("chemoreflex");
    j.erase("gas_exchange");
  });
  EXPECT_NE(load_error(no_gases).find("fluid_exchange: fluid exchange needs a \"gas_exchange\""),
            std::string::npos)
      << load_error(no_gases);
}

// The cardiopulmonary reflex section (docs/model-format.md): it senses a heart chamber and
// needs the baroreflex whose resistances and veins it acts on.
TEST(ModelLoader, CardiopulmonaryReflexIsCheckedAndNamed) {
  const auto vessel = write_variant(
      "cp_vessel", [](nlohmann::json& j) { j["cardiopulmonary_reflex"]["sensor"] = "vena_cava"; });
  EXPECT_NE(load_error(vessel).find("cardiopulmonary_reflex.sensor: \"vena_cava\" is not a heart "
                                    "chamber"),
            std::string::npos)
      << load_error(vessel);
  const auto no_baroreflex =
      write_variant("cp_no_baroreflex", [](nlohmann::json& j) { j.erase("baroreflex"); });
  EXPECT_NE(load_error(no_baroreflex)
                .find("cardiopulmonary_reflex: the cardiopulmonary reflex needs a \"baroreflex\""),
            std::string::npos)
      << load_error(no_baroreflex);
  const auto gain = write_variant("cp_gain", [](nlohmann::json& j) {
    j["cardiopulmonary_reflex"]["parameters"]["resistance_gain"]["value"] = 0.5;
  });
  EXPECT_NE(load_error(gain).find("cardiopulmonary_reflex.parameters.resistance_gain"),
            std::string::npos)
      << load_error(gain);
}

TEST(ModelLoader, LocalOxygenBedsAreCheckedAndNamed) {
  const auto vein = write_variant("lo_vein", [](nlohmann::json& j) {
    j["local_oxygen"]["beds"]["brain"] = {"brain_arterioles", "brain_veins"};
  });
  EXPECT_NE(load_error(vein).find(
                "local_oxygen.beds.brain[1]: \"brain_veins\" is not a resistance of this model"),
            std::string::npos)
      << load_error(vein);
  const auto kidney = write_variant("lo_kidney", [](nlohmann::json& j) {
    j["local_oxygen"]["beds"]["kidney"] = {"renal_arterioles"};
  });
  EXPECT_NE(load_error(kidney).find("local_oxygen.beds: unknown member \"kidney\""),
            std::string::npos)
      << load_error(kidney);
  const auto no_chemoreflex =
      write_variant("lo_no_chemoreflex", [](nlohmann::json& j) { j.erase("chemoreflex"); });
  EXPECT_NE(load_error(no_chemoreflex).find("local_oxygen: local_oxygen needs a \"chemoreflex\""),
            std::string::npos)
      << load_error(no_chemoreflex);
  const auto gain = write_variant("lo_gain", [](nlohmann::json& j) {
    j["local_oxygen"]["parameters"]["brain_hyperoxic_gain"]["value"] = 2.0;
  });
  EXPECT_NE(load_error(gain).find("local_oxygen.parameters.brain_hyperoxic_gain"),
            std::string::npos)
      << load_error(gain);
}

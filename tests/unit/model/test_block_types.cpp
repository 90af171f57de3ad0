// model/block_types.hpp: parameters are read by key, and the offset tables that loops use
// point at the parameters their names say.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "physiotwin/model/block_types.hpp"
#include "physiotwin/resp/lung_mechanics.hpp"

using namespace physiotwin;

namespace {

template <std::size_t N>
std::set<std::string_view> keys_of(const std::array<ParameterSpec, N>& table) {
  std::set<std::string_view> keys;
  for (const auto& spec : table) keys.insert(spec.key);
  return keys;
}

}  // namespace

// offset_of() returns the first match: a key written twice in one table would shadow the other.
TEST(BlockTypes, EveryKeyIsUniqueWithinItsTable) {
  EXPECT_EQ(keys_of(blocks::compliance).size(), blocks::compliance.size());
  EXPECT_EQ(keys_of(blocks::chamber).size(), blocks::chamber.size());
  EXPECT_EQ(keys_of(blocks::activation).size(), blocks::activation.size());
  EXPECT_EQ(keys_of(blocks::gaussian_activation).size(), blocks::gaussian_activation.size());
  EXPECT_EQ(keys_of(blocks::ventricular_interaction).size(),
            blocks::ventricular_interaction.size());
  EXPECT_EQ(keys_of(blocks::valve).size(), blocks::valve.size());
  EXPECT_EQ(keys_of(blocks::baroreflex).size(), blocks::baroreflex.size());
  EXPECT_EQ(keys_of(blocks::respiration).size(), blocks::respiration.size());
  EXPECT_EQ(keys_of(blocks::gas_exchange).size(), blocks::gas_exchange.size());
  EXPECT_EQ(keys_of(blocks::tissue).size(), blocks::tissue.size());
  EXPECT_EQ(keys_of(blocks::chemoreflex).size(), blocks::chemoreflex.size());
}

TEST(BlockTypes, BlockValuesReadEachParameterByItsKey) {
  static_assert(blocks::offset_of(blocks::chamber, "dead_volume") == 1);
  ParameterSet set;
  set.add({"unrelated.before", "1", 1.0, 0.0, 10.0, "", "", BodyScaling::none});
  const std::size_t first = set.size();
  for (std::size_t i = 0; i < blocks::chamber.size(); ++i) {
    const ParameterSpec& s = blocks::chamber[i];
    set.add({"lv." + std::string(s.key), std::string(s.unit), s.min + 0.001 * double(i + 1), s.min,
             s.max, "", "", s.scaling});
  }
  const blocks::BlockValues<blocks::chamber> v(set, first);
  EXPECT_EQ(v.get<"end_systolic_elastance">(), blocks::chamber[0].min + 0.001);
  EXPECT_EQ(v.get<"diastolic_rest_volume">(), blocks::chamber[4].min + 0.005);
  EXPECT_EQ(set.at(v.index<"diastolic_stiffness">()).name, "lv.diastolic_stiffness");
}

// The baroreflex's loops read gain, time constant, delay and basal value per effector through
// effector_parameters: each must be the effector's own, and only the heart period's two
// effectors have no basal value (Ursino 1998: the period has T_0 instead).
TEST(BlockTypes, EffectorOffsetsPointAtEachEffectorsOwnParameters) {
  for (std::size_t e = 0; e < control::effector_count; ++e) {
    const std::string name(control::effector_names[e]);
    const auto& at = blocks::effector_parameters[e];
    EXPECT_EQ(blocks::baroreflex[at.gain].key, name + "_gain");
    EXPECT_EQ(blocks::baroreflex[at.time_constant].key, name + "_time_constant");
    EXPECT_EQ(blocks::baroreflex[at.delay].key, name + "_delay");
    EXPECT_EQ(at.has_basal, e < control::sympathetic_period) << name;
    if (at.has_basal) {
      EXPECT_EQ(blocks::baroreflex[at.basal].key, name + "_basal");
    }
  }
}

TEST(BlockTypes, AirwayOffsetsPointAtEachAirwaysOwnParameters) {
  std::set<std::size_t> used;
  for (std::size_t a = 0; a < resp::airway_count; ++a) {
    const auto& at = blocks::airway_parameters[a];
    const std::string_view compliance = blocks::respiration[at.compliance].key;
    const std::string_view unstressed = blocks::respiration[at.unstressed_volume].key;
    const std::string_view resistance = blocks::respiration[at.resistance].key;
    // The file keys say "alveolar" for the alveoli; the first four letters name the airway.
    const std::string_view airway = resp::airway_names[a].substr(0, 4);
    EXPECT_TRUE(compliance.starts_with(airway) && compliance.ends_with("_compliance"))
        << compliance;
    EXPECT_TRUE(unstressed.starts_with(airway) && unstressed.ends_with("_unstressed_volume"))
        << unstressed;
    // The resistance into airway a ends with its name ("mouth_larynx", "bronchi_alveoli").
    EXPECT_TRUE(resistance.ends_with("_resistance")) << resistance;
    EXPECT_NE(resistance.find(airway), std::string_view::npos) << resistance;
    used.insert({at.compliance, at.unstressed_volume, at.resistance});
  }
  EXPECT_EQ(used.size(), 3 * resp::airway_count);
}

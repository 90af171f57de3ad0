// Virtual populations (cohort/population.hpp): the drawn members follow what was asked of
// them, impossible draws are rejected and counted, and bad descriptions are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <physiotwin/cohort/population.hpp>
#include <physiotwin/model/model_loader.hpp>

#include "../../helpers.hpp"

using namespace physiotwin;
using namespace physiotwin::cohort;

namespace {

const BodyModel& adult_model() {
  static const BodyModel model =
      load_circulation(test_support::model_path("circulation/adult.json"));
  return model;
}

Distribution normal_distribution(double mean, double sd) {
  Distribution d{DistributionKind::normal};
  d.mean = mean;
  d.sd = sd;
  return d;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

// The Gaussian copula gives normal marginals the asked Pearson correlation (for normal
// marginals it is exactly the copula's coefficient). Tolerance: the sampling error of a
// correlation over 2048 draws, (1 - r^2)/sqrt(n) = 0.014, with room for the design.
TEST(Population, CorrelatedInputsHaveTheAskedCorrelation) {
  Population p;
  p.size = 2048;
  p.seed = 11;
  p.inputs = {{"height", normal_distribution(172.0, 8.0), std::nullopt, "height"},
              {"weight", normal_distribution(80.0, 10.0), std::nullopt, "weight"}};
  p.correlations = {{"height", "weight", 0.6}};
  const PopulationDraw draw = draw_population(p, adult_model(), "test");
  ASSERT_EQ(draw.members.size(), 2048u);
  std::vector<double> height, weight;
  for (const VirtualMember& m : draw.members) {
    height.push_back(m.patient.height_cm);
    weight.push_back(m.patient.weight_kg);
  }
  EXPECT_NEAR(correlation(height, weight), 0.6, 0.03);
  p.correlations.clear();
  const PopulationDraw independent = draw_population(p, adult_model(), "test");
  height.clear(), weight.clear();
  for (const VirtualMember& m : independent.members) {
    height.push_back(m.patient.height_cm);
    weight.push_back(m.patient.weight_kg);
  }
  EXPECT_NEAR(correlation(height, weight), 0.0, 0.03);
}

// Heights no adult has (outside 120-230 cm, patient/body.hpp) are rejected and counted; the
// population still has its size, all of it possible. The expected share rejected: the normal
// tails beyond (120-175)/30 and (230-175)/30 standard deviations, 2 x 0.0334 = 0.067.
TEST(Population, ImpossibleDrawsAreRejectedAndCounted) {
  Population p;
  p.size = 1000;
  p.inputs = {{"height", normal_distribution(175.0, 30.0), std::nullopt, "height"}};
  const PopulationDraw draw = draw_population(p, adult_model(), "test");
  ASSERT_EQ(draw.members.size(), 1000u);
  for (const VirtualMember& m : draw.members) {
    EXPECT_GE(m.patient.height_cm, 120.0);
    EXPECT_LE(m.patient.height_cm, 230.0);
  }
  // Heights outside the adult limits; and a few short ones that are possible but that the
  // body scaling cannot take at this weight (it would push a volume below its range).
  std::size_t rejected = 0;
  for (const auto& [reason, count] : draw.rejected) {
    EXPECT_TRUE(reason == "height outside 120-230 cm" ||
                reason.starts_with("the body scaling takes "))
        << reason;
    rejected += count;
  }
  ASSERT_TRUE(draw.rejected.contains("height outside 120-230 cm"));
  const double share = double(draw.rejected.at("height outside 120-230 cm")) / double(draw.points);
  EXPECT_NEAR(share, 0.067, 0.02);
  EXPECT_EQ(draw.points, 1000u + rejected);
}

TEST(Population, SexAndSexSpecificDistributions) {
  Population p;
  p.size = 1000;
  p.male_fraction = 0.3;
  p.inputs = {
      {"height", normal_distribution(176.0, 7.0), normal_distribution(162.0, 7.0), "height"}};
  const PopulationDraw draw = draw_population(p, adult_model(), "test");
  double men = 0, men_height = 0, women_height = 0;
  for (const VirtualMember& m : draw.members) {
    const bool man = m.patient.sex == "male";
    men += man ? 1 : 0;
    (man ? men_height : women_height) += m.patient.height_cm;
  }
  // The sex is the design's first dimension: stratified, so within a point or two of 30 %.
  EXPECT_NEAR(men / 1000.0, 0.3, 0.003);
  EXPECT_NEAR(men_height / men, 176.0, 0.5);
  EXPECT_NEAR(women_height / (1000.0 - men), 162.0, 0.5);
}

TEST(Population, ParametersAreDrawnAndTheModelTakesThem) {
  Population p;
  p.size = 16;
  Distribution rate{DistributionKind::uniform};
  rate.min = 55.0;
  rate.max = 95.0;
  p.inputs = {{"heart.rate", rate, std::nullopt, "population.parameters.heart.rate"}};
  const PopulationDraw draw = draw_population(p, adult_model(), "test");
  for (const VirtualMember& m : draw.members) {
    ASSERT_EQ(m.parameters.size(), 1u);
    const BodyModel model = member_model(adult_model(), m);
    EXPECT_EQ(model.parameters.value("heart.rate"), m.parameters[0].second);
    EXPECT_GE(m.parameters[0].second, 55.0);
    EXPECT_LE(m.parameters[0].second, 95.0);
  }
  // Reproducible.
  const PopulationDraw again = draw_population(p, adult_model(), "test");
  for (std::size_t i = 0; i < 16; ++i)
    EXPECT_EQ(again.members[i].parameters, draw.members[i].parameters);
}

TEST(Population, BadDescriptionsAreRefusedWithTheirPath) {
  Population p;
  p.size = 4;
  p.inputs = {{"heart.rat", normal_distribution(70, 5), std::nullopt,
               "cohort.json: population.parameters.heart.rat"}};
  try {
    (void)draw_population(p, adult_model(), "cohort.json");
    FAIL() << "an unknown parameter was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(test_support::contains(e.what(), "population.parameters.heart.rat"));
    EXPECT_TRUE(test_support::contains(e.what(), "no parameter \"heart.rat\""));
  }
  // Three inputs each strongly anti-correlated with the others: no population has that.
  Population q;
  q.size = 4;
  q.inputs = {{"age", normal_distribution(50, 10), std::nullopt, "age"},
              {"height", normal_distribution(170, 8), std::nullopt, "height"},
              {"weight", normal_distribution(80, 10), std::nullopt, "weight"}};
  q.correlations = {{"age", "height", -0.9}, {"age", "weight", -0.9}, {"height", "weight", -0.9}};
  try {
    (void)draw_population(q, adult_model(), "cohort.json");
    FAIL() << "impossible correlations were accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(test_support::contains(e.what(), "population.correlations"));
  }
  // Nearly every draw impossible: refused, with the reasons counted.
  Population r;
  r.size = 10;
  r.inputs = {{"age", normal_distribution(5, 1), std::nullopt, "age"}};
  try {
    (void)draw_population(r, adult_model(), "cohort.json");
    FAIL() << "a population of children was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(test_support::contains(e.what(), "age outside 18-90 years"));
  }
}

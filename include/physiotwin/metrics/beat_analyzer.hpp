#pragma once
// Per-beat clinical metrics, computed from the signals sampled at a fixed rate. A beat runs
// from one onset of ventricular activation to the next (end-diastole, the R wave). Peaks and
// troughs are taken over the samples, volumes and means by the trapezoidal rule.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "physiotwin/cardio/valve.hpp"
#include "physiotwin/metrics/heart_rate_variability.hpp"
#include "physiotwin/model/body_model.hpp"

namespace physiotwin {

struct MetricInfo {
  std::string name;
  std::string unit;
  std::string description;
};

class BeatAnalyzer {
 public:
  explicit BeatAnalyzer(const BodyModel& model) { build(model); }

  [[nodiscard]] const std::vector<MetricInfo>& metrics() const noexcept { return metrics_; }

  /// Index of a metric by name, or metrics().size() if the model lacks it.
  [[nodiscard]] std::size_t find(const std::string& metric) const noexcept {
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
      if (metrics_[i].name == metric) return i;
    }
    return metrics_.size();
  }

  /// Feeds one sample. `beat_position` counts ventricular beats continuously (it crosses an
  /// integer at each ventricular onset). Returns true when the sample closed a beat; the
  /// beat's values are then in last_beat() and its start time in last_beat_time().
  bool add_sample(double t, std::span<const double> s, double beat_position) {
    bool closed = false;
    if (has_previous_) {
      const double dt = t - previous_time_;
      integrate(dt, s);
      if (std::floor(beat_position) > std::floor(previous_position_)) {
        const double crossing =
            previous_time_ + (std::ceil(previous_position_) - previous_position_) /
                                 (beat_position - previous_position_) * dt;
        if (in_beat_) {
          finish_beat(t, crossing);
          closed = true;
        }
        start_beat(t, crossing, s);
      } else if (in_beat_) {
        accumulate_extrema(s);
      }
    }
    std::copy(s.begin(), s.end(), previous_.begin());
    previous_time_ = t;
    previous_position_ = beat_position;
    has_previous_ = true;
    return closed;
  }

  [[nodiscard]] std::span<const double> last_beat() const noexcept { return values_; }
  [[nodiscard]] double last_beat_time() const noexcept { return last_beat_time_; }
  /// Beats completed so far (0: last_beat() holds no beat yet).
  [[nodiscard]] unsigned long long completed() const noexcept { return completed_; }

  /// Everything a beat in progress has gathered, and the last beat's metrics: what a snapshot
  /// carries (docs/snapshots.md). The layout (which signals, valves, beds) comes from the
  /// model. Visited by a ByteImageWriter or Reader; `Self` is BeatAnalyzer or its const.
  template <typename Self, typename Visit>
  static void visit_progress(Self& self, Visit&& visit) {
    // The running values only: the signal indices come from the model, never from bytes.
    for (auto& e : self.extrema_) {
      visit(e.max);
      visit(e.min);
    }
    visit(self.integrals_);
    for (auto& v : self.valves_) {
      visit(v.forward);
      visit(v.backward);
      visit(v.peak_velocity);
      visit(v.peak_gradient);
      visit(v.gradient_integral);
      visit(v.open_time);
      visit(v.peak_flow);
    }
    visit(self.lv_pressure_at_onset_);
    visit(self.blood_density_);
    visit(self.previous_);
    visit(self.values_);
    visit(self.previous_time_);
    visit(self.previous_position_);
    visit(self.beat_start_);
    visit(self.duration_);
    visit(self.last_beat_time_);
    visit(self.completed_);
    visit(self.has_previous_);
    visit(self.in_beat_);
    TrailingHeartRateVariability::visit_progress(self.hrv_, visit);
  }

 private:
  struct Extremum {
    std::size_t signal;
    double max = 0, min = 0;
  };
  struct ValveTrack {
    std::size_t flow, velocity, opening;
    bool doppler;  ///< an orifice valve (Mynard): velocity and gradients exist
    double forward = 0, backward = 0, peak_velocity = 0, peak_gradient = 0, gradient_integral = 0,
           open_time = 0, peak_flow = 0;
  };

  void build(const BodyModel& model) {
    const auto& reg = model.signals();
    blood_density_ = model.parameters.value("blood.density");
    previous_.assign(reg.size(), 0.0);
    auto pressure = [&](std::size_t c) {
      return reg.index_of(model.compartments[c].name + ".pressure");
    };
    auto volume = [&](std::size_t c) {
      return reg.index_of(model.compartments[c].name + ".volume");
    };
    auto add = [&](std::string name, std::string unit, std::string description) {
      metrics_.push_back({std::move(name), std::move(unit), std::move(description)});
    };
    const CompartmentRoles& r = model.roles;

    add("heart_rate", "1/min", "heart rate");
    if (r.aorta) {
      aorta_ = track(pressure(*r.aorta));
      add("systolic_pressure", "mmHg", "aortic systolic pressure");
      add("diastolic_pressure", "mmHg", "aortic diastolic pressure");
      add("mean_arterial_pressure", "mmHg", "mean aortic pressure");
      add("pulse_pressure", "mmHg", "aortic pulse pressure");
    }
    for (std::size_t k = 0; k < model.connections.size(); ++k) {
      const Connection& c = model.connections[k];
      if (c.kind != ConnectionKind::valve && c.kind != ConnectionKind::ideal_valve) continue;
      const bool doppler = c.kind == ConnectionKind::valve;
      valves_.push_back({reg.index_of(c.name + ".flow"),
                         doppler ? reg.index_of(c.name + ".velocity") : npos,
                         reg.index_of(c.name + ".opening"), doppler});
      valve_names_.push_back(c.name);
      if (c.name == "aortic_valve") aortic_valve_ = valves_.size() - 1;
    }
    if (aortic_valve_ != npos) {
      add("stroke_volume", "mL", "net forward volume through the aortic valve per beat");
      add("cardiac_output", "L/min", "net aortic valve flow per minute");
    }
    if (r.left_ventricle) {
      lv_volume_ = track(volume(*r.left_ventricle));
      lv_pressure_ = track(pressure(*r.left_ventricle));
      add("lv_end_diastolic_volume", "mL", "left ventricular end-diastolic (maximal) volume");
      add("lv_end_systolic_volume", "mL", "left ventricular end-systolic (minimal) volume");
      add("lv_stroke_volume", "mL", "left ventricular total stroke volume (EDV - ESV)");
      add("lv_ejection_fraction", "1", "left ventricular ejection fraction");
      add("lv_peak_systolic_pressure", "mmHg", "left ventricular peak systolic pressure");
      add("lv_end_diastolic_pressure", "mmHg",
          "left ventricular pressure at the onset of ventricular contraction (end-diastole)");
    }
    if (r.right_ventricle) {
      rv_volume_ = track(volume(*r.right_ventricle));
      rv_pressure_ = track(pressure(*r.right_ventricle));
      add("rv_end_diastolic_volume", "mL", "right ventricular end-diastolic volume");
      add("rv_end_systolic_volume", "mL", "right ventricular end-systolic volume");
      add("rv_ejection_fraction", "1", "right ventricular ejection fraction");
      add("rv_peak_systolic_pressure", "mmHg", "right ventricular peak systolic pressure");
    }
    if (r.central_veins) {
      cvp_ = track(pressure(*r.central_veins));
      add("central_venous_pressure", "mmHg", "mean pressure in the thoracic vena cava");
    }
    if (r.pulmonary_artery) {
      pa_ = track(pressure(*r.pulmonary_artery));
      add("pulmonary_artery_systolic_pressure", "mmHg", "pulmonary artery systolic pressure");
      add("pulmonary_artery_diastolic_pressure", "mmHg", "pulmonary artery diastolic pressure");
      add("pulmonary_artery_mean_pressure", "mmHg", "mean pulmonary artery pressure");
    }
    if (r.left_atrium) {
      la_ = track(pressure(*r.left_atrium));
      add("pulmonary_capillary_wedge_pressure", "mmHg",
          "wedge pressure, taken as mean left atrial pressure");
    }
    for (std::size_t v = 0; v < valves_.size(); ++v) {
      const std::string& n = valve_names_[v];
      if (valves_[v].doppler) {
        add(n + "_peak_velocity", "m/s", "peak forward blood velocity through the " + n);
        add(n + "_peak_gradient", "mmHg",
            "peak Doppler (Bernoulli, rho v^2/2) gradient across the " + n);
        add(n + "_mean_gradient", "mmHg",
            "Doppler gradient across the " + n + " averaged over forward flow");
      }
      add(n + "_regurgitant_fraction", "1",
          "backward over forward volume through the " + n + " per beat");
    }
    for (std::size_t k = 0; k < model.connections.size(); ++k) {
      const Connection& c = model.connections[k];
      if (c.organ_bed.empty()) continue;
      beds_.push_back(track(reg.index_of(c.name + ".flow")));
      add(c.organ_bed + "_flow", "L/min", "mean blood flow into the " + c.organ_bed + " bed");
      add(c.organ_bed + "_flow_fraction", "1",
          "share of cardiac output going to the " + c.organ_bed + " bed");
    }
    if (reg.find("blood.hemoglobin")) {
      hemoglobin_ = track(reg.index_of("blood.hemoglobin"));
      add("hemoglobin", "g/dL", "mean haemoglobin concentration of the blood");
    }
    if (aortic_valve_ != npos && reg.find("arterial.o2_content")) {
      arterial_o2_ = track(reg.index_of("arterial.o2_content"));
      add("o2_delivery", "mL/min",
          "O2 delivered to the body: cardiac output times mean arterial O2 content (DO2)");
    }
    add("sdnn", "ms",
        "heart rate variability: standard deviation of the beat-to-beat intervals over the "
        "last 60 s (NaN for the first minute)");
    add("rmssd", "ms",
        "heart rate variability: root mean square of successive differences of the beat-to-beat "
        "intervals over the last 60 s (NaN for the first minute)");
    values_.assign(metrics_.size(), std::numeric_limits<double>::quiet_NaN());
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr double minimum_doppler_opening = 0.01;
  static constexpr double minimum_doppler_flow_fraction = 0.1;

  /// Follows a signal's maximum, minimum and time integral over each beat.
  std::size_t track(std::size_t signal) {
    extrema_.push_back({signal});
    integrals_.push_back(0.0);
    return extrema_.size() - 1;
  }

  void integrate(double dt, std::span<const double> s) {
    if (!in_beat_) return;
    for (std::size_t i = 0; i < extrema_.size(); ++i) {
      const std::size_t signal = extrema_[i].signal;
      integrals_[i] += 0.5 * (previous_[signal] + s[signal]) * dt;
    }
    for (auto& v : valves_) {
      const double q0 = previous_[v.flow], q1 = s[v.flow];
      v.forward += 0.5 * (std::max(q0, 0.0) + std::max(q1, 0.0)) * dt;
      v.backward += 0.5 * (std::max(-q0, 0.0) + std::max(-q1, 0.0)) * dt;
      // Doppler metrics only while the valve is at least 1 % open and the jet carries at least
      // a tenth of the beat's peak forward flow so far. Below the first, velocity is a small
      // flow divided by a near-zero area, dominated by solver error. The second leaves out the
      // closing transient of a stenotic valve: decelerating flow through a shrinking orifice
      // gives velocities whose rho v^2 / 2 exceeds the pressure difference driving them
      // (inertia), carried by flows no continuous-wave Doppler trace shows (its signal scales
      // with flow). With it the peak gradient matches the peak instantaneous LV-aortic pressure
      // difference, as Doppler and catheter gradients agree clinically (Currie et al. 1985,
      // Circulation 71:1162); tested in test_valve_disease.cpp.
      v.peak_flow = std::max(v.peak_flow, q1);
      if (v.doppler && q1 > 0.0 && s[v.opening] >= minimum_doppler_opening &&
          q1 >= minimum_doppler_flow_fraction * v.peak_flow) {
        const double gradient = cardio::bernoulli_gradient(s[v.velocity], blood_density_);
        v.peak_velocity = std::max(v.peak_velocity, s[v.velocity]);
        v.peak_gradient = std::max(v.peak_gradient, gradient);
        v.gradient_integral += gradient * dt;
        v.open_time += dt;
      }
    }
    duration_ += dt;
  }

  void accumulate_extrema(std::span<const double> s) {
    for (auto& e : extrema_) {
      e.max = std::max(e.max, s[e.signal]);
      e.min = std::min(e.min, s[e.signal]);
    }
  }

  void start_beat(double t, double crossing, std::span<const double> s) {
    in_beat_ = true;
    beat_start_ = crossing;
    duration_ = 0.0;
    for (auto& e : extrema_) e.max = e.min = s[e.signal];
    std::fill(integrals_.begin(), integrals_.end(), 0.0);
    for (auto& v : valves_) {
      v.forward = v.backward = v.peak_velocity = v.peak_gradient = v.gradient_integral =
          v.open_time = v.peak_flow = 0.0;
    }
    if (lv_volume_ != npos) {
      // At the onset itself, between the samples around it: the sample after it is up to one
      // sampling interval into the contraction, where the pressure climbs by about a mmHg per
      // 10 ms, so single beats' end-diastolic pressures scattered by a mmHg with the sampling.
      const std::size_t p = extrema_[lv_pressure_].signal;
      const double w =
          t > previous_time_ ? (crossing - previous_time_) / (t - previous_time_) : 1.0;
      lv_pressure_at_onset_ = previous_[p] + w * (s[p] - previous_[p]);
    }
  }

  void finish_beat(double /*t*/, double crossing) {
    const double period = crossing - beat_start_;
    std::size_t m = 0;
    auto put = [&](double v) { values_[m++] = v; };
    auto mean_of = [&](std::size_t i) { return integrals_[i] / duration_; };
    put(60.0 / period);
    if (aorta_ != npos) {
      put(extrema_[aorta_].max);
      put(extrema_[aorta_].min);
      put(mean_of(aorta_));
      put(extrema_[aorta_].max - extrema_[aorta_].min);
    }
    double cardiac_output = std::numeric_limits<double>::quiet_NaN();
    if (aortic_valve_ != npos) {
      const ValveTrack& av = valves_[aortic_valve_];
      const double stroke = av.forward - av.backward;
      cardiac_output = stroke / duration_ * 60.0 / 1000.0;
      put(stroke);
      put(cardiac_output);
    }
    if (lv_volume_ != npos) {
      const double edv = extrema_[lv_volume_].max, esv = extrema_[lv_volume_].min;
      put(edv);
      put(esv);
      put(edv - esv);
      put((edv - esv) / edv);
      put(extrema_[lv_pressure_].max);
      put(lv_pressure_at_onset_);
    }
    if (rv_volume_ != npos) {
      const double edv = extrema_[rv_volume_].max, esv = extrema_[rv_volume_].min;
      put(edv);
      put(esv);
      put((edv - esv) / edv);
      put(extrema_[rv_pressure_].max);
    }
    if (cvp_ != npos) put(mean_of(cvp_));
    if (pa_ != npos) {
      put(extrema_[pa_].max);
      put(extrema_[pa_].min);
      put(mean_of(pa_));
    }
    if (la_ != npos) put(mean_of(la_));
    for (const auto& v : valves_) {
      if (v.doppler) {
        put(v.peak_velocity);
        put(v.peak_gradient);
        put(v.open_time > 0.0 ? v.gradient_integral / v.open_time : 0.0);
      }
      put(v.forward > 0.0 ? v.backward / v.forward : 0.0);
    }
    for (std::size_t b : beds_) {
      const double flow = mean_of(b) * 60.0 / 1000.0;
      put(flow);
      put(flow / cardiac_output);
    }
    if (hemoglobin_ != npos) put(mean_of(hemoglobin_));
    // L/min x mL/dL x 10 dL/L
    if (arterial_o2_ != npos) put(cardiac_output * mean_of(arterial_o2_) * 10.0);
    hrv_.add(beat_start_, period);
    put(hrv_.sdnn_ms());
    put(hrv_.rmssd_ms());
    last_beat_time_ = beat_start_;
    ++completed_;
  }

  std::vector<MetricInfo> metrics_;
  std::vector<Extremum> extrema_;
  std::vector<double> integrals_;  ///< time integral of each tracked signal over the beat
  std::vector<ValveTrack> valves_;
  std::vector<std::string> valve_names_;
  std::vector<std::size_t> beds_;
  std::size_t aorta_ = npos, lv_volume_ = npos, lv_pressure_ = npos, rv_volume_ = npos,
              rv_pressure_ = npos, cvp_ = npos, pa_ = npos, la_ = npos, aortic_valve_ = npos,
              hemoglobin_ = npos, arterial_o2_ = npos;
  double lv_pressure_at_onset_ = 0.0;
  double blood_density_ = 1.06;
  TrailingHeartRateVariability hrv_;

  std::vector<double> previous_, values_;
  double previous_time_ = 0.0, previous_position_ = 0.0, beat_start_ = 0.0, duration_ = 0.0,
         last_beat_time_ = 0.0;
  unsigned long long completed_ = 0;
  bool has_previous_ = false, in_beat_ = false;
};

}  // namespace physiotwin

// The figure `physiotwin plan` draws (docs/planning.md, "The figure"): the branches overlaid
// with the baseline, in four panels: aortic and LV pressure over the last beats, the LV's
// pressure-volume loop over the last beat, and mean arterial pressure and heart rate beat by
// beat over the whole plan. Drawn once with cairo on an SVG and a PNG surface alike.
#include "cli/plan_figure.hpp"

#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <system_error>

#include "physiotwin/core/atomic_file.hpp"
#include "physiotwin/core/error.hpp"

namespace physiotwin::cli {

namespace {

struct Colour {
  double r, g, b;
};
/// The baseline in grey, branches in a palette readable by the colour-blind (Okabe & Ito 2008).
constexpr Colour baseline_colour{0.45, 0.45, 0.45};
constexpr std::array<Colour, 8> branch_colours{{{0.00, 0.45, 0.70},
                                                {0.84, 0.37, 0.00},
                                                {0.00, 0.62, 0.45},
                                                {0.80, 0.47, 0.65},
                                                {0.34, 0.71, 0.91},
                                                {0.90, 0.62, 0.00},
                                                {0.94, 0.89, 0.26},
                                                {0.00, 0.00, 0.00}}};

/// A branch's colour: the palette's, a shade darker at each round past its eighth, so that no
/// two of a plan's branches (up to planning::max_branches) look alike.
Colour branch_colour(std::size_t branch) {
  const Colour base = branch_colours[branch % branch_colours.size()];
  const double shade = std::pow(0.65, double(branch / branch_colours.size()));
  return {base.r * shade, base.g * shade, base.b * shade};
}

constexpr double width = 1400.0, height = 900.0;

/// One line to draw: x and y in data units.
struct Line {
  std::vector<double> x, y;
  Colour colour;
  bool dashed = false;
};

/// A panel: a data range mapped onto a rectangle of the page, with its lines.
struct Panel {
  double left, top, w, h;  // px
  std::string title, x_label, y_label;
  std::vector<Line> lines;
  std::optional<double> marker_x;  // a vertical line (the fork)
};

/// Tick spacing of 1, 2 or 5 times a power of ten giving about `count` ticks.
double tick_step(double span, int count) {
  const double raw = span / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * power) return m * power;
  return 10.0 * power;
}

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double size,
               double align = 0.0, bool vertical = false) {
  cairo_save(cr);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  cairo_move_to(cr, x, y);
  if (vertical) cairo_rotate(cr, -M_PI / 2.0);
  cairo_rel_move_to(cr, -align * e.x_advance, 0.0);
  cairo_show_text(cr, text.c_str());
  cairo_restore(cr);
}

void draw_panel(cairo_t* cr, const Panel& p) {
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  for (const Line& l : p.lines) {
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      if (!std::isfinite(l.x[i]) || !std::isfinite(l.y[i])) continue;
      xmin = std::min(xmin, l.x[i]);
      xmax = std::max(xmax, l.x[i]);
      ymin = std::min(ymin, l.y[i]);
      ymax = std::max(ymax, l.y[i]);
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_text(cr, p.title, p.left, p.top - 12.0, 16.0);
  if (!(xmax > xmin)) {
    draw_text(cr, "(no data)", p.left + p.w / 2.0, p.top + p.h / 2.0, 14.0, 0.5);
    return;
  }
  if (!(ymax > ymin)) ymax = ymin + 1.0;
  const double pad = 0.05 * (ymax - ymin);
  ymin -= pad;
  ymax += pad;
  auto px = [&](double x) { return p.left + (x - xmin) / (xmax - xmin) * p.w; };
  auto py = [&](double y) { return p.top + p.h - (y - ymin) / (ymax - ymin) * p.h; };
  // Frame, ticks and labels.
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, p.left, p.top, p.w, p.h);
  cairo_stroke(cr);
  for (int axis = 0; axis < 2; ++axis) {
    const double lo = axis == 0 ? xmin : ymin, hi = axis == 0 ? xmax : ymax;
    const double step = tick_step(hi - lo, 6);
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      const std::string label = fmt::format("{:g}", std::abs(v) < 1e-9 * step ? 0.0 : v);
      if (axis == 0) {
        cairo_move_to(cr, px(v), p.top + p.h);
        cairo_rel_line_to(cr, 0.0, 5.0);
        cairo_stroke(cr);
        draw_text(cr, label, px(v), p.top + p.h + 20.0, 12.0, 0.5);
      } else {
        cairo_move_to(cr, p.left, py(v));
        cairo_rel_line_to(cr, -5.0, 0.0);
        cairo_stroke(cr);
        draw_text(cr, label, p.left - 8.0, py(v) + 4.0, 12.0, 1.0);
      }
    }
  }
  draw_text(cr, p.x_label, p.left + p.w / 2.0, p.top + p.h + 42.0, 13.0, 0.5);
  draw_text(cr, p.y_label, p.left - 52.0, p.top + p.h / 2.0, 13.0, 0.5, true);
  cairo_save(cr);
  cairo_rectangle(cr, p.left, p.top, p.w, p.h);
  cairo_clip(cr);
  if (p.marker_x) {
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    const std::array<double, 2> dots{2.0, 4.0};
    cairo_set_dash(cr, dots.data(), 2, 0.0);
    cairo_move_to(cr, px(*p.marker_x), p.top);
    cairo_line_to(cr, px(*p.marker_x), p.top + p.h);
    cairo_stroke(cr);
  }
  for (const Line& l : p.lines) {
    cairo_set_source_rgb(cr, l.colour.r, l.colour.g, l.colour.b);
    cairo_set_line_width(cr, 2.0);
    const std::array<double, 2> dashes{8.0, 5.0};
    cairo_set_dash(cr, dashes.data(), l.dashed ? 2 : 0, 0.0);
    bool drawing = false;
    for (std::size_t i = 0; i < l.x.size(); ++i) {
      if (!std::isfinite(l.x[i]) || !std::isfinite(l.y[i])) {
        drawing = false;
        continue;
      }
      if (drawing) {
        cairo_line_to(cr, px(l.x[i]), py(l.y[i]));
      } else {
        cairo_move_to(cr, px(l.x[i]), py(l.y[i]));
        drawing = true;
      }
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

std::optional<std::size_t> signal_index(const RunHeader& header, const std::string& name) {
  const auto& all = header.model.signals().all();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].name == name) return i;
  return std::nullopt;
}

std::optional<std::size_t> beat_metric(const RunHeader& header, const std::string& name) {
  for (std::size_t i = 0; i < header.beat_metrics.size(); ++i)
    if (header.beat_metrics[i].name == name) return i;
  return std::nullopt;
}

/// The last `beats` complete beats of `signal`, their times counted from the first's start, so
/// that branches at different heart rates line up beat by beat.
Line trace(const MemoryRecorder& r, std::size_t signal, std::size_t beats, Colour colour,
           bool dashed) {
  Line l{{}, {}, colour, dashed};
  if (r.beat_times.size() < beats + 1) return l;
  const double from = r.beat_times[r.beat_times.size() - beats - 1];
  const double to = r.beat_times.back();  // the last beat that started has not ended
  for (std::size_t i = 0; i < r.times.size(); ++i) {
    if (r.times[i] < from || r.times[i] > to) continue;
    l.x.push_back(r.times[i] - from);
    l.y.push_back(r.samples[i][signal]);
  }
  return l;
}

/// The last complete beat's loop: `x` against `y` between the last two beat starts.
Line loop(const MemoryRecorder& r, std::size_t x, std::size_t y, Colour colour) {
  Line l{{}, {}, colour, false};
  if (r.beat_times.size() < 1) return l;
  const double start = r.beat_times.back();
  double end = std::numeric_limits<double>::infinity();
  // The beat that started last is complete when the next began; the one before it otherwise.
  double from = start;
  if (r.beat_times.size() >= 2) {
    from = r.beat_times[r.beat_times.size() - 2];
    end = start;
  }
  for (std::size_t i = 0; i < r.times.size(); ++i) {
    if (r.times[i] < from || r.times[i] > end) continue;
    l.x.push_back(r.samples[i][x]);
    l.y.push_back(r.samples[i][y]);
  }
  return l;
}

Line trend(const MemoryRecorder& r, std::size_t metric, Colour colour) {
  Line l{{}, {}, colour, false};
  for (std::size_t i = 0; i < r.beat_times.size(); ++i) {
    l.x.push_back(r.beat_times[i]);
    l.y.push_back(r.beats[i][metric]);
  }
  return l;
}

void draw(cairo_t* cr, const planning::Plan& plan, const RunHeader& header,
          const planning::PlanRun& run, const std::string& title) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb(cr, 0, 0, 0);
  draw_text(cr, title, 40.0, 34.0, 20.0);

  constexpr std::size_t beats_shown = 2;  // the last, of each branch and of the baseline
  Panel pressures{100,
                  100,
                  560,
                  300,
                  "Aortic (solid) and LV (dashed) pressure, last two beats",
                  "s from the first's start",
                  "mmHg",
                  {},
                  {}};
  Panel pv{800,
           100,
           560,
           300,
           "LV pressure-volume loop, last beat",
           "LV volume, mL",
           "LV pressure, mmHg",
           {},
           {}};
  Panel map_panel{100,
                  520,
                  560,
                  300,
                  "Mean arterial pressure, beat by beat",
                  "s since the twin started",
                  "mmHg",
                  {},
                  plan.baseline_duration};
  Panel hr{800,
           520,
           560,
           300,
           "Heart rate, beat by beat",
           "s since the twin started",
           "1/min",
           {},
           plan.baseline_duration};

  const auto aorta = signal_index(header, "aorta.pressure");
  const auto lv_p = signal_index(header, "lv.pressure");
  const auto lv_v = signal_index(header, "lv.volume");
  const auto map_metric = beat_metric(header, "mean_arterial_pressure");
  const auto hr_metric = beat_metric(header, "heart_rate");
  auto add = [&](const MemoryRecorder& r, Colour colour) {
    if (aorta) pressures.lines.push_back(trace(r, *aorta, beats_shown, colour, false));
    if (lv_p) pressures.lines.push_back(trace(r, *lv_p, beats_shown, colour, true));
    if (lv_p && lv_v) pv.lines.push_back(loop(r, *lv_v, *lv_p, colour));
    if (map_metric) map_panel.lines.push_back(trend(r, *map_metric, colour));
    if (hr_metric) hr.lines.push_back(trend(r, *hr_metric, colour));
  };
  add(run.baseline, baseline_colour);
  for (std::size_t b = 0; b < plan.branches.size(); ++b)
    add(run.branches[b].record, branch_colour(b));
  for (const Panel* p : {&pressures, &pv, &map_panel, &hr}) draw_panel(cr, *p);

  // Legend, top right, wrapping onto a second line rather than off the page.
  double y = 34.0, x = 700.0;
  auto entry = [&](const std::string& name, Colour c) {
    const double entry_width = 40.0 + 8.0 * double(name.size());
    if (x + entry_width > width - 10.0) {
      x = 700.0;
      y += 18.0;
    }
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_rectangle(cr, x, y - 11.0, 22.0, 10.0);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_text(cr, name, x + 28.0, y, 14.0);
    x += entry_width;
  };
  entry("baseline", baseline_colour);
  for (std::size_t b = 0; b < plan.branches.size(); ++b)
    entry(plan.branches[b].name, branch_colour(b));
}

void check_cairo(cairo_status_t status, const std::filesystem::path& path) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw IoError(fmt::format("{}: could not draw the figure ({})", path.string(),
                              cairo_status_to_string(status)));
  }
}

}  // namespace

void write_plan_figure(const PlanFigurePaths& paths, const planning::Plan& plan,
                       const RunHeader& header, const planning::PlanRun& run,
                       const std::string& title) {
  const std::filesystem::path svg_temporary = temporary_name_for(paths.svg);
  const std::filesystem::path png_temporary = temporary_name_for(paths.png);
  // Owned, so that a throw while drawing (out of memory) frees them.
  using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
  using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;
  try {
    {
      Surface svg(cairo_svg_surface_create(svg_temporary.c_str(), width, height),
                  cairo_surface_destroy);
      cairo_status_t drawn;
      {
        Context cr(cairo_create(svg.get()), cairo_destroy);
        draw(cr.get(), plan, header, run, title);
        drawn = cairo_status(cr.get());
      }
      cairo_surface_finish(svg.get());
      check_cairo(drawn, paths.svg);
      check_cairo(cairo_surface_status(svg.get()), paths.svg);
    }
    {
      Surface png(cairo_image_surface_create(CAIRO_FORMAT_RGB24, int(width), int(height)),
                  cairo_surface_destroy);
      cairo_status_t painted;
      {
        Context cr(cairo_create(png.get()), cairo_destroy);
        draw(cr.get(), plan, header, run, title);
        painted = cairo_status(cr.get());
      }
      check_cairo(painted, paths.png);
      check_cairo(cairo_surface_write_to_png(png.get(), png_temporary.c_str()), paths.png);
    }
    move_into_place(svg_temporary, paths.svg);
    move_into_place(png_temporary, paths.png);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(svg_temporary, ignored);
    std::filesystem::remove(png_temporary, ignored);
    throw;
  }
}

}  // namespace physiotwin::cli

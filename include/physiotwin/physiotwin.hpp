#pragma once
// The physiotwin simulation core and the declarations of its compiled edges: everything needed
// to load a model, scale it to a patient and step it (link physiotwin::physiotwin). The core
// (model, solver, twin) is headers; reading files is compiled (src/files), so including this
// compiles no JSON reader. HDF5 recording is in <physiotwin/io/hdf5.hpp> (physiotwin::io).
#include "physiotwin/actions/action.hpp"
#include "physiotwin/actions/scenario.hpp"
#include "physiotwin/build_info.hpp"
#include "physiotwin/core/error.hpp"
#include "physiotwin/core/parameters.hpp"
#include "physiotwin/core/signals.hpp"
#include "physiotwin/core/units.hpp"
#include "physiotwin/io/recorder.hpp"
#include "physiotwin/metrics/beat_analyzer.hpp"
#include "physiotwin/metrics/normal_ranges.hpp"
#include "physiotwin/model/body_model.hpp"
#include "physiotwin/model/model_loader.hpp"
#include "physiotwin/patient/body.hpp"
#include "physiotwin/solver/cvode_integrator.hpp"
#include "physiotwin/twin.hpp"

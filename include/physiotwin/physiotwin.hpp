#pragma once
// The physiotwin simulation core: everything needed to load a model, scale it to a patient
// and step it, with no compiled part. HDF5 recording is in <physiotwin/io/hdf5.hpp>
// (target physiotwin::io).
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

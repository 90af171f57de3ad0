#pragma once
// Reads a model file (docs/model-format.md) into a BodyModel. Compiled (src/files/
// model_loader.cpp, library physiotwin::physiotwin), so that a program that loads a model
// does not compile the JSON reader.
#include <filesystem>
#include <string>

#include "physiotwin/model/body_model.hpp"

namespace physiotwin {

/// Loads a model file: every member checked, every parameter's unit converted to the internal
/// unit and its value checked against the range its block type declares. Throws InputError
/// naming the file and the JSON path on any problem.
[[nodiscard]] BodyModel load_circulation(const std::filesystem::path& file);

/// The same from a model file's text held in memory (an engine's packaged asset, the C
/// interface's pt_twin_create_from_json); `label` names it in errors and as the model's
/// source_file, where a file's path would.
[[nodiscard]] BodyModel load_circulation_text(const std::string& bytes, const std::string& label);

}  // namespace physiotwin

// `physiotwin view FILE.h5`: serves the browser viewer (bindings/web, docs/viewer.md) and the
// file on the loopback interface only, and prints the page's address. The page reads the file
// itself (h5wasm): this server only hands out the viewer's static files and that one file.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cli.hpp"
#include "physiotwin/cohort/cohort_description.hpp"
#include "physiotwin/cohort/plan_output.hpp"
#include "physiotwin/io/hdf5.hpp"
#include "physiotwin/io/hdf5_signature.hpp"
// Last: it includes <resolv.h>, whose `_res` macro breaks Eigen's headers included after it.
#include <httplib.h>  // NOLINT(llvm-include-order)

namespace physiotwin::cli {

namespace {

struct ViewOptions {
  std::filesystem::path file;
  int port = 0;  ///< 0: a free port the system chooses
  std::filesystem::path viewer;
  std::string mode;
  std::string branch;
  std::filesystem::path trusted_keys;  ///< the badge's trusted keys; empty: the key folder
};

/// The file's verification as the page's badge shows it (docs/viewer.md): what `physiotwin
/// verify` says, as JSON; "unreadable" with the reason when it cannot be checked (an
/// encrypted file, or a live file still being written).
std::string verification_json(const std::filesystem::path& file,
                              const std::filesystem::path& trusted_keys) {
  nlohmann::json out;
  try {
    std::filesystem::path folder = trusted_keys;
    const io::Verification v = io::verify_file(file, folder);
    out = {{"status", io::status_name(v.status)},
           {"key_id", v.key_id},
           {"problems", v.problems},
           {"audit_entries", v.audit_entries},
           {"trusted_keys", folder.string()},
           {"report", io::verification_report(file.filename().string(), v, folder)}};
  } catch (const Error& e) {
    out = {{"status", "unreadable"}, {"report", e.what()}};
  }
  return out.dump();
}

bool is_viewer(const std::filesystem::path& directory) {
  std::error_code error;
  return std::filesystem::is_regular_file(directory / "index.html", error) &&
         std::filesystem::is_regular_file(directory / "vendor" / "h5wasm" / "hdf5_hl.js", error);
}

/// The built viewer: --viewer, $PHYSIOTWIN_VIEWER, the installed one beside the tool
/// (bin/../share/physiotwin/viewer) or, in the build tree, the source tree's bindings/web/dist.
std::filesystem::path viewer_directory(const ViewOptions& options) {
  if (!options.viewer.empty()) {
    if (!is_viewer(options.viewer)) {
      throw UsageError(fmt::format(
          "--viewer {}: not a built viewer (no index.html and vendor/h5wasm/hdf5_hl.js)",
          options.viewer.string()));
    }
    return options.viewer;
  }
  if (const char* env = std::getenv("PHYSIOTWIN_VIEWER"); env != nullptr && *env != '\0') {
    if (!is_viewer(env)) {
      throw UsageError(
          fmt::format("PHYSIOTWIN_VIEWER={}: not a built viewer (docs/viewer.md)", env));
    }
    return env;
  }
  if (const auto installed = beside_tool(PHYSIOTWIN_VIEWER_RELATIVE_TO_TOOL);
      !installed.empty() && is_viewer(installed)) {
    return installed;
  }
  const std::filesystem::path source = PHYSIOTWIN_SOURCE_VIEWER_DIR;
  if (is_viewer(source)) return source;
  throw UsageError(fmt::format(
      "the viewer is not built: run `npm ci && npm run build` in {} (docs/viewer.md), or name "
      "one with --viewer DIR",
      source.parent_path().string()));
}

/// Only a twin's or a plan's file of the version the viewer reads (the page checks again), and
/// a --branch only of a plan that has it.
void check_viewable(const std::filesystem::path& path, const std::string& branch) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw UsageError(
        fmt::format("{}: {}", path.string(),
                    std::filesystem::exists(path, error) ? "not a regular file" : "no such file"));
  }
  const io::FileFormat format = io::read_file_format(path);
  if (format.name == cohort::cohort_format_name) {
    throw UsageError(fmt::format(
        "{}: a cohort file; the viewer shows one twin's file or one plan's (docs/viewer.md)",
        path.string()));
  }
  if (format.name != io::hdf5_format_name && format.name != planning::plan_file_format_name) {
    throw UsageError(fmt::format("{}: format \"{}\" is not a twin's (\"{}\") or a plan's (\"{}\")",
                                 path.string(), format.name, io::hdf5_format_name,
                                 planning::plan_file_format_name));
  }
  if (format.version != io::hdf5_format_version) {
    throw UsageError(fmt::format("{}: format_version {} is not one this viewer reads (version {})",
                                 path.string(), format.version, io::hdf5_format_version));
  }
  if (branch.empty()) return;
  if (format.name != planning::plan_file_format_name)
    throw UsageError(
        fmt::format("--branch {}: {} is a twin's file, not a plan's", branch, path.string()));
  if (std::find(format.branches.begin(), format.branches.end(), branch) == format.branches.end())
    throw UsageError(fmt::format("--branch {}: the plan has no such branch (it has {})", branch,
                                 fmt::join(format.branches, ", ")));
}

/// The file's name in the page's address, percent-encoded (a name may hold any byte).
std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

int run(const ViewOptions& options) {
  if (options.port < 0 || options.port > 65535)
    throw UsageError("--port: 0 (any free port) to 65535");
  if (!options.mode.empty() && options.mode != "patient" && options.mode != "clinician")
    throw UsageError(fmt::format("--mode {}: clinician or patient", options.mode));
  check_viewable(options.file, options.branch);
  const std::filesystem::path viewer = viewer_directory(options);

  httplib::Server server;
  // The file, and nothing else outside the viewer's folder: the page asks for files/<name>
  // (the name is only what the page shows); any other name under files/ is not found.
  const std::string name = options.file.filename().string();
  const std::filesystem::path file = std::filesystem::absolute(options.file);
  server.Get(R"(/files/(.+))",
             [file, name](const httplib::Request& request, httplib::Response& response) {
               if (request.matches[1] != name) {
                 response.status = 404;
                 return;
               }
               auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
               std::error_code error;
               const auto size = std::filesystem::file_size(file, error);
               if (!*stream || error) {
                 response.status = 404;
                 response.set_content("the file is no longer readable", "text/plain");
                 return;
               }
               response.set_header("Cache-Control", "no-store");
               response.set_content_provider(
                   static_cast<std::size_t>(size), "application/x-hdf5",
                   [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                     std::vector<char> buffer(std::min<std::size_t>(length, 1 << 20));
                     stream->seekg(static_cast<std::streamoff>(offset));
                     stream->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                     const auto got = static_cast<std::size_t>(stream->gcount());
                     return got > 0 && sink.write(buffer.data(), got);
                   });
             });
  // The badge's verdict, checked when the page asks (the file may have changed since).
  const std::filesystem::path trusted_keys = options.trusted_keys;
  server.Get(R"(/verification/(.+))", [file, name, trusted_keys](const httplib::Request& request,
                                                                 httplib::Response& response) {
    if (request.matches[1] != name) {
      response.status = 404;
      return;
    }
    response.set_header("Cache-Control", "no-store");
    response.set_content(verification_json(file, trusted_keys), "application/json");
  });
  if (!server.set_mount_point("/", viewer.string())) {
    throw UsageError(fmt::format("{}: cannot be served", viewer.string()));
  }
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  // Loopback only: the twin's data never leaves the machine through this server.
  const char* host = "127.0.0.1";
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw UsageError(fmt::format("--port {}: cannot listen on {}:{} (in use?)", options.port, host,
                                 options.port));
  }
  std::string query = "?file=" + url_encoded("files/" + url_encoded(name));
  if (!options.mode.empty()) query += "&mode=" + options.mode;
  if (!options.branch.empty()) query += "&branch=" + url_encoded(options.branch);
  fmt::print("physiotwin view: {} at http://{}:{}/{}\n(loopback only; Ctrl-C stops)\n",
             options.file.filename().string(), host, port, query);
  std::fflush(stdout);
  std::atomic<bool> finished = false;
  std::thread listener([&server, &finished] {
    server.listen_after_bind();
    finished = true;
  });
  // stop() before the listener runs would be lost: wait until it does (or has given up).
  while (!finished && !server.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const CancellationFlag stop = interruption();
  while (!finished && !stop->load(std::memory_order_relaxed)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  server.stop();
  listener.join();
  fmt::print("physiotwin view: stopped\n");
  return exit_ok;
}

}  // namespace

Command add_view_command(CLI::App& tool) {
  auto options = std::make_shared<ViewOptions>();
  CLI::App* command = tool.add_subcommand(
      "view",
      "show a twin's or a plan's HDF5 file in 3D in a web browser (and in VR): serves the viewer "
      "on this machine only and prints its address (docs/viewer.md)");
  command->add_option("FILE", options->file, "a twin's or a plan's HDF5 file")
      ->required()
      ->type_name("FILE.h5");
  command->add_option("--port", options->port, "the port (default 0: a free one)")->type_name("N");
  command->add_option("--mode", options->mode, "clinician (default) or patient: the page's view")
      ->type_name("MODE");
  command
      ->add_option("--branch", options->branch,
                   "a plan's branch the patient view shows as \"after\" (default: the first "
                   "with an intervention)")
      ->type_name("NAME");
  command
      ->add_option("--viewer", options->viewer,
                   "the built viewer's folder (default: installed with physiotwin, or "
                   "bindings/web/dist in a source tree)")
      ->type_name("DIR");
  command
      ->add_option("--trusted-keys", options->trusted_keys,
                   "folder of trusted public keys for the page's signature badge (default: the "
                   "key folder; docs/security.md)")
      ->type_name("DIR");
  return {command, [options] { return run(*options); }};
}

}  // namespace physiotwin::cli

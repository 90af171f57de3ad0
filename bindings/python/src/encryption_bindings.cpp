// Encrypted twins from Python (docs/security.md, "Encrypted twins"): files sealed to a
// recipient's public key and opened again, as `physiotwin encrypt` and `decrypt` do; bytes (a
// snapshot) sealed and opened in memory; and a new encryption key pair, as `keys new --for
// encryption` makes. The private key is read only when sealed content is met.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "physiotwin/core/temporary_files.hpp"
#include "physiotwin/io/output_file.hpp"
#include "physiotwin/trust/decryption_keys.hpp"
#include "physiotwin/trust/encryption_key.hpp"
#include "physiotwin/trust/file_encryption.hpp"

namespace py = pybind11;

namespace physiotwin::python {

namespace {

/// How Python callers name a private key file in errors.
constexpr std::string_view key_argument_name = "decryption_key=";

void encrypt_file(const std::filesystem::path& file, const std::filesystem::path& recipient_file,
                  const std::filesystem::path& out) {
  const io::InputFile inputs[] = {{file, "the file to encrypt"},
                                  {recipient_file, "the recipient's key"}};
  io::check_output_file(out, inputs, "");
  const trust::PublicKey recipient = trust::read_recipient_key(recipient_file);
  (void)remove_abandoned_temporaries(out);
  py::gil_scoped_release release;
  trust::encrypt_file(file, recipient, out);
}

void decrypt_file(const std::filesystem::path& file, const std::filesystem::path& out,
                  const std::filesystem::path& key_file) {
  std::vector<io::InputFile> inputs{{file, "the encrypted file"}};
  if (!key_file.empty()) inputs.push_back({key_file, "the decryption key"});
  io::check_output_file(out, inputs, "");
  (void)remove_abandoned_temporaries(out);
  py::gil_scoped_release release;
  (void)trust::decrypt_file(file, out, key_file, key_argument_name);
}

py::bytes as_bytes(const std::string& s) {
  return {s.data(), s.size()};
}

}  // namespace

void bind_encryption(py::module_& m) {
  m.def("encrypt_file", &encrypt_file, py::arg("file"), py::arg("recipient"), py::arg("out"),
        "Encrypts a file to a recipient's public key, streaming (as `physiotwin encrypt`).");
  m.def("decrypt_file", &decrypt_file, py::arg("file"), py::arg("out"),
        py::arg("decryption_key") = std::filesystem::path(),
        "Opens a file encrypted to your key, written mode 0600 (as `physiotwin decrypt`).");
  m.def(
      "seal_bytes",
      [](const std::string& plain, const std::filesystem::path& recipient_file) {
        return as_bytes(trust::seal(plain, trust::read_recipient_key(recipient_file)));
      },
      py::arg("plain"), py::arg("recipient"), "Bytes encrypted to a recipient's public key.");
  m.def(
      "open_if_sealed",
      [](const std::string& bytes, const std::filesystem::path& key_file, const std::string& what) {
        return as_bytes(trust::open_if_sealed(bytes, key_file, what, key_argument_name));
      },
      py::arg("bytes"), py::arg("decryption_key"), py::arg("what"),
      "Bytes opened with the decryption key when they are encrypted, else as they are.");
  m.def(
      "is_sealed", [](const std::string& bytes) { return trust::is_sealed(bytes); },
      py::arg("bytes"));
  m.def(
      "new_encryption_key",
      [](const std::filesystem::path& folder) {
        const std::filesystem::path where =
            folder.empty() ? trust::default_key_directory() : folder;
        return trust::write_encryption_key_pair(trust::EncryptionKey::generate(), where);
      },
      py::arg("folder") = std::filesystem::path(),
      "Makes an X25519 key pair (encryption.key, mode 0600, and encryption.pub) in `folder`, "
      "default the key folder; never replaces one.");
}

}  // namespace physiotwin::python

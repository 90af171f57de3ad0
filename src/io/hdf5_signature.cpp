// Signed HDF5 files: io/hdf5_signature.hpp.
#include "physiotwin/io/hdf5_signature.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>

#include "io/audit_writer.hpp"
#include "io/hdf5_handles.hpp"
#include "physiotwin/core/error.hpp"

namespace physiotwin::io {

namespace {

using detail::check;
using detail::Handle;

constexpr std::string_view tree_header = "physiotwin-signature 1\n";
constexpr std::string_view signed_prefix = "physiotwin-signature 1 root ";

/// A running SHA-256 (libsodium's streaming form).
class Hasher {
 public:
  Hasher() {
    crypto::ensure_sodium();
    crypto_hash_sha256_init(&state_);
  }
  void add(const void* data, std::size_t size) {
    crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), size);
  }
  void add(std::string_view text) { add(text.data(), text.size()); }
  void add_number(std::uint64_t n) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(n >> (8 * i));
    add(bytes, sizeof bytes);
  }
  crypto::Digest finish() {
    crypto::Digest out{};
    crypto_hash_sha256_final(&state_, out.data());
    return out;
  }

 private:
  crypto_hash_sha256_state state_{};
};

/// The type's shape as the digest sees it: class, size in memory, and for compounds the members'
/// names and classes, for strings whether variable and their character set. The stored byte
/// order and padding are not part of it: values are hashed as this machine reads them.
void add_type(Hasher& h, hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  h.add_number(static_cast<std::uint64_t>(cls));
  if (cls == H5T_STRING) {
    h.add_number(H5Tis_variable_str(type) > 0 ? 1 : 0);
    h.add_number(static_cast<std::uint64_t>(H5Tget_cset(type)));
  }
  if (cls == H5T_COMPOUND) {
    const int members = H5Tget_nmembers(type);
    h.add_number(static_cast<std::uint64_t>(members));
    for (int m = 0; m < members; ++m) {
      char* name = H5Tget_member_name(type, static_cast<unsigned>(m));
      h.add(name ? name : "");
      h.add_number(0);
      H5free_memory(name);
      Handle member(H5Tget_member_type(type, static_cast<unsigned>(m)), H5Tclose,
                    "H5Tget_member_type");
      add_type(h, member);
    }
  }
}

/// Whether values of `type` hold pointers (variable-length data, references) rather than bytes.
bool has_variable_parts(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_VLEN:
    case H5T_REFERENCE:
      return true;
    case H5T_STRING:
      return H5Tis_variable_str(type) > 0;
    case H5T_COMPOUND:
      for (int m = 0; m < H5Tget_nmembers(type); ++m) {
        Handle member(H5Tget_member_type(type, static_cast<unsigned>(m)), H5Tclose,
                      "H5Tget_member_type");
        if (has_variable_parts(member)) return true;
      }
      return false;
    case H5T_ARRAY: {
      Handle base(H5Tget_super(type), H5Tclose, "H5Tget_super");
      return has_variable_parts(base);
    }
    default:
      return false;
  }
}

/// Adds a dataset's or attribute's shape (rank, dimensions) and type; returns its number of
/// values.
std::size_t add_shape(Hasher& h, hid_t type, hid_t space, const std::string& object) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  h.add_number(static_cast<std::uint64_t>(rank));
  for (hsize_t d : dims) h.add_number(d);
  const hssize_t points = H5Sget_select_npoints(space);
  if (points < 0) throw IoError("cannot count the values of " + object);
  add_type(h, type);
  return static_cast<std::size_t>(points);
}

/// Adds `n` values of file type `type`, read with `read(memory_type, buffer)` into memory laid
/// out as `memory_space`. The values of consecutive blocks follow each other in the digest as
/// they would in one read of them all.
template <class Read>
void add_block(Hasher& h, hid_t type, hid_t memory_space, std::size_t n, const std::string& object,
               Read read) {
  if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
    Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
    check(H5Tset_size(memory, H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(memory, H5Tget_cset(type)), "H5Tset_cset");
    std::vector<char*> strings(n, nullptr);
    if (n > 0) check(read(memory.get(), strings.data()), "reading " + object);
    for (char* s : strings) {
      const std::size_t length = s ? std::strlen(s) : 0;
      h.add_number(length);
      if (length) h.add(s, length);
    }
    if (n > 0) H5Dvlen_reclaim(memory, memory_space, H5P_DEFAULT, strings.data());
    return;
  }
  if (has_variable_parts(type))
    throw IoError(object + ": a type the signature does not cover (variable-length or reference)");
  Handle memory(H5Tget_native_type(type, H5T_DIR_ASCEND), H5Tclose, "H5Tget_native_type");
  const std::size_t size = H5Tget_size(memory);
  std::vector<unsigned char> buffer(n * size);
  if (n > 0) check(read(memory.get(), buffer.data()), "reading " + object);
  h.add(buffer.data(), buffer.size());
}

/// A dataset's digest, its values read in blocks along the first dimension of at most about
/// `block_bytes` each (at least one index of that dimension), so that hashing the largest
/// cohort file takes bounded memory. The digest is the same for any block size.
crypto::Digest dataset_digest(hid_t file, const std::string& path, std::size_t block_bytes) {
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2");
  Handle type(H5Dget_type(dataset), H5Tclose, "H5Dget_type");
  Handle space(H5Dget_space(dataset), H5Sclose, "H5Dget_space");
  const std::string object = "dataset " + path;
  Hasher h;
  h.add("dataset\n");
  h.add(path);
  h.add_number(0);
  const std::size_t n = add_shape(h, type, space, object);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 1 || n == 0) {
    add_block(h, type, space, n, object, [&](hid_t memory, void* buffer) {
      return H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    });
    return h.finish();
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  const std::size_t per_index = n / dims[0];  // values under one index of the first dimension
  const std::size_t index_bytes = std::max<std::size_t>(1, per_index * H5Tget_size(type));
  const hsize_t indices_per_block = std::max<hsize_t>(1, block_bytes / index_bytes);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  for (hsize_t first = 0; first < dims[0]; first += indices_per_block) {
    start[0] = first;
    count[0] = std::min(indices_per_block, dims[0] - first);
    Handle file_space(H5Scopy(space), H5Sclose, "H5Scopy");
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          "H5Sselect_hyperslab");
    Handle memory_space(H5Screate_simple(rank, count.data(), nullptr), H5Sclose,
                        "H5Screate_simple");
    add_block(h, type, memory_space, static_cast<std::size_t>(count[0]) * per_index, object,
              [&](hid_t memory, void* buffer) {
                return H5Dread(dataset, memory, memory_space, file_space, H5P_DEFAULT, buffer);
              });
  }
  return h.finish();
}

crypto::Digest attribute_digest(hid_t owner, const std::string& owner_path,
                                const std::string& name) {
  Handle attribute(H5Aopen(owner, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen");
  Handle type(H5Aget_type(attribute), H5Tclose, "H5Aget_type");
  Handle space(H5Aget_space(attribute), H5Sclose, "H5Aget_space");
  Hasher h;
  h.add("attribute\n");
  h.add(owner_path);
  h.add_number(0);
  h.add(name);
  h.add_number(0);
  const std::string object = "attribute " + owner_path + "@" + name;
  add_block(h, type, space, add_shape(h, type, space, object), object,
            [&](hid_t memory, void* buffer) { return H5Aread(attribute, memory, buffer); });
  return h.finish();
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  hsize_t index = 0;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names), "H5Aiterate2");
  return names;
}

std::vector<std::string> link_paths(hid_t file) {
  std::vector<std::string> paths;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect, &paths), "H5Lvisit");
  return paths;
}

bool inside_signature(const std::string& path) {
  const std::string group = std::string("/") + signature_group;
  return path == group || path.rfind(group + "/", 0) == 0;
}

std::vector<ObjectDigest> digest_open_file(hid_t file, const std::string& name,
                                           std::size_t block_bytes) {
  std::vector<ObjectDigest> leaves;
  auto add_attributes = [&](hid_t object, const std::string& path) {
    for (const std::string& a : attribute_names(object))
      leaves.push_back({"attribute " + path + "@" + a, attribute_digest(object, path, a)});
  };
  add_attributes(file, "/");
  for (const std::string& relative : link_paths(file)) {
    const std::string path = "/" + relative;
    if (inside_signature(path)) continue;
    Handle object(H5Oopen(file, relative.c_str(), H5P_DEFAULT), H5Oclose, "H5Oopen");
    switch (H5Iget_type(object)) {
      case H5I_GROUP: {
        Hasher h;
        h.add("group\n");
        h.add(path);
        leaves.push_back({"group " + path, h.finish()});
        break;
      }
      case H5I_DATASET:
        leaves.push_back({"dataset " + path, dataset_digest(file, path, block_bytes)});
        break;
      default:
        throw IoError(
            fmt::format("{}: {} is neither a group nor a dataset; the signature does "
                        "not cover it",
                        name, path));
    }
    add_attributes(object, path);
  }
  std::sort(leaves.begin(), leaves.end(),
            [](const ObjectDigest& a, const ObjectDigest& b) { return a.object < b.object; });
  return leaves;
}

Handle open_file(const std::filesystem::path& file, unsigned flags) {
  detail::silence_hdf5_errors();
  const hid_t id = H5Fopen(file.c_str(), flags, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot open as an HDF5 file", file.string()));
  return Handle(id, H5Fclose, "H5Fopen");
}

std::vector<std::uint8_t> signed_message(const crypto::Digest& root) {
  std::vector<std::uint8_t> message(signed_prefix.size() + root.size());
  std::memcpy(message.data(), signed_prefix.data(), signed_prefix.size());
  std::memcpy(message.data() + signed_prefix.size(), root.data(), root.size());
  return message;
}

}  // namespace

std::vector<ObjectDigest> digest_objects(const std::filesystem::path& file,
                                         std::size_t block_bytes) {
  const Handle f = open_file(file, H5F_ACC_RDONLY);
  try {
    return digest_open_file(f, file.string(), block_bytes);
  } catch (const IoError& e) {
    throw IoError(fmt::format("{}: {}", file.string(), e.what()));
  }
}

crypto::Digest root_digest(std::span<const ObjectDigest> leaves) {
  Hasher h;
  h.add(tree_header);
  for (const ObjectDigest& leaf : leaves) {
    h.add(leaf.object);
    h.add("\n");
    h.add(leaf.digest.data(), leaf.digest.size());
  }
  return h.finish();
}

void sign_hdf5_file(const std::filesystem::path& file, const trust::SigningKey& key) {
  const std::vector<ObjectDigest> leaves = digest_objects(file);
  const crypto::Digest root = root_digest(leaves);
  const trust::Signature signature = key.sign(signed_message(root));
  Handle f = open_file(file, H5F_ACC_RDWR);
  if (H5Lexists(f, signature_group, H5P_DEFAULT) > 0)
    throw IoError(fmt::format("{}: already signed", file.string()));
  Handle group = detail::create_group(f, signature_group);
  detail::write_string_attribute(group, "format", signature_format);
  detail::write_int_attribute(group, "version", signature_version);
  detail::write_string_attribute(group, "algorithm",
                                 "Ed25519 over SHA-256 of the sorted leaf digests");
  detail::write_string_attribute(group, "key_id", key.public_key().id());
  detail::write_string_attribute(group, "public_key", key.public_key().hex());
  detail::write_string_attribute(group, "root", crypto::hex(root));
  detail::write_string_attribute(group, "signature",
                                 crypto::hex(signature.data(), signature.size()));
  std::vector<std::string> objects, digests;
  for (const ObjectDigest& leaf : leaves) {
    objects.push_back(leaf.object);
    digests.push_back(crypto::hex(leaf.digest));
  }
  detail::write_string_array(group, "objects", objects);
  detail::write_string_array(group, "digests", digests);
  group.reset();
  check(H5Fflush(f, H5F_SCOPE_GLOBAL), "H5Fflush");
  if (H5Fclose(f.release()) < 0)
    throw IoError(fmt::format("{}: could not finish writing the signature", file.string()));
}

namespace {

/// The signature's part of verify_hdf5_file(): the leaves against the signed list, the list
/// against the signature, the signer against the trusted keys.
Verification verify_signature(const Handle& f, const std::filesystem::path& file,
                              std::span<const trust::PublicKey> trusted) {
  Verification v;
  if (H5Lexists(f, signature_group, H5P_DEFAULT) <= 0) return v;
  v.status = Verification::Status::tampered;
  const Handle group(H5Gopen2(f, signature_group, H5P_DEFAULT), H5Gclose, "H5Gopen2");
  std::string key_hex, root_hex, signature_hex;
  std::vector<std::string> objects, digests;
  try {
    if (detail::read_string_attribute(group, "format") != signature_format)
      throw IoError("not a physiotwin signature");
    v.key_id = detail::read_string_attribute(group, "key_id");
    key_hex = detail::read_string_attribute(group, "public_key");
    root_hex = detail::read_string_attribute(group, "root");
    signature_hex = detail::read_string_attribute(group, "signature");
    objects = detail::read_string_array(group, "objects");
    digests = detail::read_string_array(group, "digests");
  } catch (const Error&) {
    v.problems.push_back("the signature group /signature is damaged or incomplete");
    return v;
  }
  trust::PublicKey key;
  crypto::Digest stored_root{};
  trust::Signature signature{};
  if (!crypto::from_hex(key_hex, key.bytes) || !crypto::from_hex(root_hex, stored_root) ||
      !crypto::from_hex(signature_hex, signature) || objects.size() != digests.size()) {
    v.problems.push_back("the signature group /signature is damaged");
    return v;
  }
  if (key.id() != v.key_id) v.problems.push_back("the signer's key id does not match its key");
  // The signed list against the signature.
  std::vector<ObjectDigest> listed;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    ObjectDigest leaf{objects[i], {}};
    if (!crypto::from_hex(digests[i], leaf.digest)) {
      v.problems.push_back("the signature group's digest of " + objects[i] + " is damaged");
      return v;
    }
    listed.push_back(std::move(leaf));
  }
  const crypto::Digest listed_root = root_digest(listed);
  if (listed_root != stored_root ||
      !trust::signature_valid(key, signed_message(stored_root), signature)) {
    v.problems.push_back(
        "the signature does not match the list of digests in /signature (the list or the "
        "signature was changed)");
  }
  // The file's objects against the signed list.
  std::vector<ObjectDigest> actual;
  try {
    actual = digest_open_file(f, file.string(), digest_block_bytes);
  } catch (const IoError& e) {
    v.problems.push_back(std::string("an object cannot be read: ") + e.what());
    return v;
  }
  std::map<std::string, crypto::Digest> expected;
  for (const ObjectDigest& leaf : listed) expected.emplace(leaf.object, leaf.digest);
  for (const ObjectDigest& leaf : actual) {
    const auto it = expected.find(leaf.object);
    if (it == expected.end()) {
      v.problems.push_back("added: " + leaf.object);
      continue;
    }
    if (it->second != leaf.digest) v.problems.push_back("changed: " + leaf.object);
    expected.erase(it);
  }
  for (const auto& [object, digest] : expected) v.problems.push_back("removed: " + object);
  if (!v.problems.empty()) return v;
  const bool is_trusted = std::find(trusted.begin(), trusted.end(), key) != trusted.end();
  v.status = is_trusted ? Verification::Status::verified : Verification::Status::untrusted;
  return v;
}

}  // namespace

Verification verify_hdf5_file(const std::filesystem::path& file,
                              std::span<const trust::PublicKey> trusted) {
  const Handle f = open_file(file, H5F_ACC_RDONLY);
  Verification v = verify_signature(f, file, trusted);
  // The audit trail's chain, checked in signed and unsigned files alike: a broken link is
  // tampering even where there is no signature to say so.
  const AuditCheck audit = detail::check_audit_trail(f);
  v.audit_entries = audit.entries;
  if (!audit.problems.empty()) {
    v.status = Verification::Status::tampered;
    v.problems.insert(v.problems.end(), audit.problems.begin(), audit.problems.end());
  }
  return v;
}

}  // namespace physiotwin::io

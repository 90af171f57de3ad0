// What trust costs (docs/performance.md, "Signing" and "Sealing"): hashing a long run's file at
// several block sizes (io::digest_objects, what signing and `verify` spend their time in), and
// sealing and opening a file (trust::encrypt_file / decrypt_file).
//   physiotwin_benchmarks --benchmark_filter='BM_Digest|BM_Seal|BM_Open'
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true (one line)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <physiotwin/io/hdf5.hpp>
#include <physiotwin/io/hdf5_signature.hpp>
#include <physiotwin/model/model_loader.hpp>
#include <physiotwin/trust/encryption_key.hpp>
#include <physiotwin/trust/file_encryption.hpp>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace physiotwin;

/// A folder for this process's files, removed at exit.
const std::filesystem::path& scratch() {
  static const struct Folder {
    std::filesystem::path path;
    Folder()
        : path(std::filesystem::temp_directory_path() /
               ("physiotwin_trust_benchmarks_" + std::to_string(::getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } folder;
  return folder.path;
}

/// A run's file laid out as `physiotwin run` writes it (every signal of the adult model, gzip
/// chunks of 4,096 samples), 600,001 samples long (100 minutes at 100 Hz: each signal's
/// dataset 4.8 MB, longer than one 4 MiB block), filled with smooth synthetic values rather
/// than simulated (hashing does not care where they came from; simulating would take minutes).
const std::filesystem::path& long_run_file() {
  static const std::filesystem::path file = [] {
    const BodyModel model =
        load_circulation(std::filesystem::path(PHYSIOTWIN_MODELS_DIR) / "circulation/adult.json");
    const std::filesystem::path path = scratch() / "long_run.h5";
    io::Hdf5Recorder recorder(path);
    recorder.begin(RunHeader::of(model, 100.0));
    std::vector<double> row(model.signals().size());
    for (int i = 0; i <= 600'000; ++i) {
      const double t = i / 100.0;
      for (std::size_t s = 0; s < row.size(); ++s)
        row[s] = 80.0 + 40.0 * std::sin(6.3 * t + double(s)) + 0.01 * double(i % 97);
      recorder.sample(t, row);
    }
    recorder.commit();
    return path;
  }();
  return file;
}

// Every leaf of the long run's file, datasets read in blocks of range(0) KiB.
void BM_DigestObjects(benchmark::State& state) {
  const std::filesystem::path& file = long_run_file();
  const auto block_bytes = static_cast<std::size_t>(state.range(0)) << 10;
  for (auto _ : state) benchmark::DoNotOptimize(io::digest_objects(file, block_bytes));
  state.SetBytesProcessed(state.iterations() *
                          std::int64_t(std::filesystem::file_size(file)));  // on disk
}
BENCHMARK(BM_DigestObjects)
    ->Arg(64)
    ->Arg(4 << 10)                // io::digest_block_bytes, the default
    ->Arg(std::int64_t{1} << 30)  // 1 TiB: each dataset in one read, as before 2026-12-06
    ->ArgName("block_KiB")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

/// `megabytes` of random bytes (incompressible, so the size is the content's).
std::filesystem::path random_file(int megabytes) {
  const std::filesystem::path path = scratch() / ("plain_" + std::to_string(megabytes) + ".bin");
  if (std::filesystem::exists(path)) return path;
  std::ofstream out(path, std::ios::binary);
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
  for (int m = 0; m < megabytes; ++m) {
    for (std::uint64_t& v : block) {  // xorshift64: fast, and enough to defeat compression
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      v = x;
    }
    out.write(reinterpret_cast<const char*>(block.data()), std::streamsize(block.size() * 8));
  }
  return path;
}

struct Keys {
  trust::EncryptionKey key = trust::EncryptionKey::generate();
  std::filesystem::path private_file = trust::write_encryption_key_pair(key, scratch() / "keys");
};
const Keys& keys() {
  static const Keys k;
  return k;
}

// A file of range(0) MiB sealed to a recipient (the output written whole, then renamed).
void BM_SealFile(benchmark::State& state) {
  const std::filesystem::path plain = random_file(int(state.range(0)));
  const std::filesystem::path sealed = scratch() / "sealed.bin";
  for (auto _ : state) {
    std::filesystem::remove(sealed);
    trust::encrypt_file(plain, keys().key.public_key(), sealed);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * (std::int64_t{1} << 20));
}
BENCHMARK(BM_SealFile)
    ->Arg(1)
    ->Arg(64)
    ->ArgName("MiB")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same file opened again with the private key file.
void BM_OpenSealedFile(benchmark::State& state) {
  const std::filesystem::path plain = random_file(int(state.range(0)));
  const std::filesystem::path sealed = scratch() / ("sealed_" + std::to_string(state.range(0)));
  if (!std::filesystem::exists(sealed)) trust::encrypt_file(plain, keys().key.public_key(), sealed);
  const std::filesystem::path opened = scratch() / "opened.bin";
  for (auto _ : state) {
    std::filesystem::remove(opened);
    benchmark::DoNotOptimize(trust::decrypt_file(sealed, opened, keys().private_file, ""));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * (std::int64_t{1} << 20));
}
BENCHMARK(BM_OpenSealedFile)
    ->Arg(1)
    ->Arg(64)
    ->ArgName("MiB")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

/* The C interface from C11, as an engine's native plugin meets it (bindings/c/include/
 * physiotwin_c.h): create, step at 90 Hz, read, act, fork, budget, and every kind of bad
 * input answered with a status and a message, never an abort.
 *   test_c_api MODELS_DIR FHIR_RECORD */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physiotwin_c.h"

static int failures = 0;

#define CHECK(condition)                                                                           \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #condition, \
              pt_last_error());                                                                    \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

#define CHECK_STATUS(call, expected)                                                          \
  do {                                                                                        \
    pt_status status_ = (call);                                                               \
    if (status_ != (expected)) {                                                              \
      fprintf(stderr, "%s:%d: %s gave %s, expected %s; last error: %s\n", __FILE__, __LINE__, \
              #call, pt_status_name(status_), pt_status_name(expected), pt_last_error());     \
      ++failures;                                                                             \
    }                                                                                         \
  } while (0)

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = malloc((size_t)size + 1);
  if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
    text[size] = '\0';
  } else {
    free(text);
    text = NULL;
  }
  fclose(f);
  return text;
}

static void advance_frames(pt_twin* twin, int frames) {
  for (int i = 0; i < frames; ++i) CHECK_STATUS(pt_twin_advance(twin, 1.0 / 90.0), PT_OK);
}

/* Every signal of two twins, bit for bit. */
static int same_signals(const pt_twin* a, const pt_twin* b) {
  size_t n = pt_twin_signal_count(a);
  double* x = calloc(n, sizeof(double));
  double* y = calloc(n, sizeof(double));
  int same = n == pt_twin_signal_count(b) && pt_twin_read_signals(a, x, n) == PT_OK &&
             pt_twin_read_signals(b, y, n) == PT_OK && memcmp(x, y, n * sizeof(double)) == 0;
  free(x);
  free(y);
  return same;
}

static double signal_of(const pt_twin* twin, const char* name) {
  size_t index = 0;
  if (pt_twin_signal_index(twin, name, &index) != PT_OK) return NAN;
  size_t n = pt_twin_signal_count(twin);
  double* values = calloc(n, sizeof(double));
  double value = pt_twin_read_signals(twin, values, n) == PT_OK ? values[index] : NAN;
  free(values);
  return value;
}

/* pt_verify_file() on the files tests/c/make_signed_files.py made in `folder` with the default
 * key (PHYSIOTWIN_KEYS, set by ctest), and on an unsigned JSON file (a model). */
static void check_verification(const char* folder, const char* unsigned_json) {
  char path[4096], report[8192];
  size_t size = 0;
  pt_verification result = PT_TAMPERED;
  snprintf(path, sizeof path, "%s/signed.h5", folder);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, NULL, 0, &size), PT_OK); /* the size only */
  CHECK(result == PT_VERIFIED && size > 1);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, report, size - 1, &size),
               PT_ERROR_BUFFER_TOO_SMALL);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, report, sizeof report, &size), PT_OK);
  CHECK(result == PT_VERIFIED && strstr(report, ": verified: every object as signed by key"));
  CHECK(strlen(report) + 1 == size);
  /* Trusting only an empty folder's keys: intact, but untrusted. */
  CHECK_STATUS(pt_verify_file(path, folder, &result, report, sizeof report, &size), PT_OK);
  CHECK(result == PT_UNTRUSTED && strstr(report, "not among the trusted keys"));
  snprintf(path, sizeof path, "%s/tampered.h5", folder);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, report, sizeof report, &size), PT_OK);
  CHECK(result == PT_TAMPERED && strstr(report, "changed: dataset /beats/heart_rate"));
  snprintf(path, sizeof path, "%s/unsigned.h5", folder);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, report, sizeof report, &size), PT_OK);
  CHECK(result == PT_UNSIGNED);
  CHECK_STATUS(pt_verify_file(unsigned_json, NULL, &result, report, sizeof report, &size), PT_OK);
  CHECK(result == PT_UNSIGNED); /* JSON is checked as a twin parameter file is */
  snprintf(path, sizeof path, "%s/not_a_twin.txt", folder);
  CHECK_STATUS(pt_verify_file(path, NULL, &result, report, sizeof report, &size), PT_ERROR_IO);
  CHECK_STATUS(pt_verify_file(NULL, NULL, &result, report, sizeof report, &size),
               PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_verify_file(path, NULL, NULL, report, sizeof report, &size),
               PT_ERROR_NULL_ARGUMENT);
}

/* A whole file's bytes (NULL if it cannot be read); *size their number. */
static uint8_t* read_bytes(const char* path, size_t* size) {
  char* text = read_file(path); /* NUL-terminated, but binary content may hold NULs */
  FILE* f = fopen(path, "rb");
  *size = 0;
  if (f != NULL) {
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fclose(f);
  }
  return (uint8_t*)text;
}

/* Both twins (either may be NULL: a creation that failed, checked already) run 90 frames and
 * must give the same signals bit for bit; both destroyed. */
static void check_run_alike(pt_twin* a, pt_twin* b) {
  if (a != NULL && b != NULL) {
    advance_frames(a, 90);
    advance_frames(b, 90);
    CHECK(same_signals(a, b));
  }
  pt_twin_destroy(a);
  pt_twin_destroy(b);
}

/* pt_open_sealed() on the twin tests/c/make_signed_files.py encrypted to encryption-keys/ in
 * `folder`: opened with that key it runs bit for bit as the plain twin; a changed byte, plain
 * content, a missing or public key and NULLs each get a status, with nothing copied. */
static void check_sealed_twin(const char* folder, const char* model_path) {
  char path[4096], key[4096];
  size_t sealed_size = 0, plain_size = 0;
  snprintf(path, sizeof path, "%s/twin.sealed", folder);
  snprintf(key, sizeof key, "%s/encryption-keys/encryption.key", folder);
  uint8_t* sealed = read_bytes(path, &sealed_size);
  snprintf(path, sizeof path, "%s/twin.json", folder);
  char* plain_twin = read_file(path);
  char* model_json = read_file(model_path);
  CHECK(sealed != NULL && plain_twin != NULL && model_json != NULL);
  char* opened = NULL;
  if (sealed == NULL || plain_twin == NULL || model_json == NULL) goto done;
  CHECK(memcmp(sealed, "PTSEALED", 8) == 0);
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, key, NULL, 0, &plain_size), PT_OK);
  CHECK(plain_size > 1000); /* a twin parameter file: every parameter and the settled state */
  opened = malloc(plain_size + 1);
  if (opened == NULL) goto done;
  CHECK_STATUS(
      pt_open_sealed(sealed, sealed_size, key, (uint8_t*)opened, plain_size - 1, &plain_size),
      PT_ERROR_BUFFER_TOO_SMALL);
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, key, (uint8_t*)opened, plain_size, &plain_size),
               PT_OK);
  opened[plain_size] = '\0';
  pt_twin* from_sealed = NULL;
  pt_twin* from_plain = NULL;
  CHECK_STATUS(pt_twin_create_from_json(model_json, opened, &from_sealed), PT_OK);
  CHECK_STATUS(pt_twin_create_from_json(model_json, plain_twin, &from_plain), PT_OK);
  check_run_alike(from_sealed, from_plain);

  /* The sealed file itself: pt_twin_create_from_files_with_key() opens it in memory with the
   * key, and it runs bit for bit as the plain twin; without a key the key folder (which holds
   * none) is said; a plain twin with a key, and a key without a patient, are refused. */
  char sealed_path[4096];
  snprintf(sealed_path, sizeof sealed_path, "%s/twin.sealed", folder);
  snprintf(path, sizeof path, "%s/twin.json", folder);
  from_sealed = NULL;
  from_plain = NULL;
  CHECK_STATUS(pt_twin_create_from_files_with_key(model_path, sealed_path, key, &from_sealed),
               PT_OK);
  CHECK_STATUS(pt_twin_create_from_files(model_path, path, &from_plain), PT_OK);
  check_run_alike(from_sealed, from_plain);
  pt_twin* refused = (pt_twin*)1;
  CHECK_STATUS(pt_twin_create_from_files(model_path, sealed_path, &refused),
               PT_ERROR_INVALID_INPUT);
  CHECK(refused == NULL && strstr(pt_last_error(), "holds no encryption.key") != NULL);
  CHECK_STATUS(pt_twin_create_from_files_with_key(model_path, path, key, &refused),
               PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "the patient file is not encrypted") != NULL);
  CHECK_STATUS(pt_twin_create_from_files_with_key(model_path, NULL, key, &refused),
               PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "without a patient file") != NULL);

  /* One byte changed: refused, naming the chunk, and nothing copied. */
  sealed[sealed_size - 20] ^= 1;
  memset(opened, 'x', plain_size);
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, key, (uint8_t*)opened, plain_size, &plain_size),
               PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "fails its authentication") != NULL);
  CHECK(opened[0] == 'x');
  sealed[sealed_size - 20] ^= 1;
  /* No key given, and the key folder (PHYSIOTWIN_KEYS, set by ctest) holds none: where it
   * looked is said. */
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, NULL, NULL, 0, &plain_size),
               PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "holds no encryption.key") != NULL);
  snprintf(path, sizeof path, "%s/encryption-keys/encryption.pub", folder);
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, path, NULL, 0, &plain_size),
               PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "a public key") != NULL);
  CHECK_STATUS(
      pt_open_sealed((const uint8_t*)plain_twin, strlen(plain_twin), key, NULL, 0, &plain_size),
      PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "not encrypted") != NULL);
  CHECK_STATUS(pt_open_sealed(NULL, 5, key, NULL, 0, &plain_size), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_open_sealed(sealed, sealed_size, key, NULL, 0, NULL), PT_ERROR_NULL_ARGUMENT);
done:
  free(opened);
  free(sealed);
  free(plain_twin);
  free(model_json);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: test_c_api MODELS_DIR FHIR_RECORD SIGNED_FILES_DIR\n");
    return 2;
  }
  char model[4096], patient[4096];
  snprintf(model, sizeof model, "%s/circulation/adult.json", argv[1]);
  snprintf(patient, sizeof patient, "%s/patients/adult_male.json", argv[1]);

  /* ---- the library ---- */
  CHECK(pt_abi_version() == PT_ABI_VERSION);
  CHECK(strlen(pt_version()) > 0);
  CHECK(strcmp(pt_status_name(PT_ERROR_NOT_FOUND), "PT_ERROR_NOT_FOUND") == 0);

  /* ---- a twin from files, stepped at 90 Hz ---- */
  pt_twin* twin = NULL;
  CHECK_STATUS(pt_twin_create_from_files(model, patient, &twin), PT_OK);
  if (twin == NULL) return 1;
  size_t signals = pt_twin_signal_count(twin);
  CHECK(signals > 50);
  size_t aorta = 0;
  CHECK_STATUS(pt_twin_signal_index(twin, "aorta.pressure", &aorta), PT_OK);
  CHECK(strcmp(pt_twin_signal_name(twin, aorta), "aorta.pressure") == 0);
  CHECK(strcmp(pt_twin_signal_unit(twin, aorta), "mmHg") == 0);
  CHECK(strlen(pt_twin_signal_region(twin, aorta)) > 0);
  CHECK(strlen(pt_twin_signal_description(twin, aorta)) > 0);
  CHECK(pt_twin_beat_metric_count(twin) > 5);
  CHECK(pt_twin_breath_metric_count(twin) > 0);
  CHECK(strcmp(pt_twin_beat_metric_name(twin, 0), "heart_rate") == 0);

  double beat[64], breath[64], start = -1;
  CHECK_STATUS(pt_twin_latest_beat(twin, beat, 64, &start), PT_ERROR_NOT_FOUND); /* none yet */
  advance_frames(twin, 6 * 90);
  CHECK(fabs(pt_twin_time(twin) - 6.0) < 1e-9); /* 540 frames of 1/90 s, rounding aside */
  CHECK_STATUS(pt_twin_latest_beat(twin, beat, 64, &start), PT_OK);
  /* The reference adult at rest (docs/validation.md): a heart rate near 70 /min. */
  CHECK(beat[0] > 55 && beat[0] < 85);
  CHECK(start > 4.0 && start < 6.0);
  /* A breath completes at its second start of inspiration: about 10 s at 12 /min. */
  CHECK_STATUS(pt_twin_latest_breath(twin, breath, 64, NULL), PT_ERROR_NOT_FOUND);
  advance_frames(twin, 6 * 90);
  CHECK_STATUS(pt_twin_latest_breath(twin, breath, 64, NULL), PT_OK);
  /* Respiratory rate, /min: the adult model breathes at 12 (docs/validation.md); the bounds
   * only say a breath was measured, the rate itself is validated elsewhere. */
  CHECK(breath[0] > 8 && breath[0] < 20);
  CHECK_STATUS(pt_twin_latest_beat(twin, beat, 64, &start), PT_OK);
  double pressure = signal_of(twin, "aorta.pressure");
  CHECK(pressure > 50 && pressure < 150); /* within a beat's diastolic-systolic swing */

  /* ---- the render thread's view: time, signals, beat, breath ---- */
  size_t latest_size = pt_twin_latest_size(twin);
  CHECK(latest_size ==
        1 + signals + pt_twin_beat_metric_count(twin) + pt_twin_breath_metric_count(twin));
  double* latest = calloc(latest_size, sizeof(double));
  uint64_t publication = 0;
  CHECK_STATUS(pt_twin_read_latest(twin, latest, latest_size, &publication), PT_OK);
  CHECK(publication == 1 + 12 * 90); /* create's publish, then one per advance */
  CHECK(latest[0] == pt_twin_time(twin));
  CHECK(latest[1 + aorta] == pressure);
  CHECK(latest[1 + signals] == beat[0]);
  CHECK_STATUS(pt_twin_read_latest(twin, latest, latest_size - 1, NULL), PT_ERROR_BUFFER_TOO_SMALL);

  /* ---- parameters and actions ---- */
  double rate = 0;
  CHECK_STATUS(pt_twin_set_parameter(twin, "heart.rate", 90), PT_OK);
  CHECK_STATUS(pt_twin_get_parameter(twin, "heart.rate", &rate), PT_OK);
  CHECK(rate == 90);
  CHECK_STATUS(pt_twin_set_parameter(twin, "heart.rate", 1e6), PT_ERROR_INVALID_INPUT);
  CHECK(strstr(pt_last_error(), "heart.rate") != NULL); /* the message names the parameter */
  CHECK_STATUS(pt_twin_get_parameter(twin, "heart.rate", &rate), PT_OK);
  CHECK(rate == 90); /* nothing changed */
  CHECK_STATUS(pt_twin_set_parameter(twin, "no.such", 1), PT_ERROR_NOT_FOUND);
  CHECK_STATUS(pt_twin_apply_action(twin,
                                    "{\"action\": \"hemorrhage\", \"rate\": 600, "
                                    "\"volume\": 500}"),
               PT_OK);
  CHECK_STATUS(pt_twin_apply_action(twin, "{\"action\": \"bleed\"}"), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_apply_action(twin, "{not json"), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_apply_action(twin,
                                    "{\"action\": \"hemorrhage\", \"rate\": 100, "
                                    "\"volume\": 100, \"time\": 1}"),
               PT_ERROR_INVALID_INPUT); /* in the past */

  /* ---- forks: the past shared, the futures independent ---- */
  pt_twin* fork = NULL;
  CHECK_STATUS(pt_twin_fork(twin, &fork), PT_OK);
  CHECK(fork != NULL && pt_twin_time(fork) == pt_twin_time(twin));
  CHECK(same_signals(twin, fork));
  advance_frames(twin, 90);
  advance_frames(fork, 90);
  CHECK(same_signals(twin, fork)); /* bit for bit, bleeding in progress */
  CHECK_STATUS(pt_twin_set_parameter(fork, "heart.rate", 60), PT_OK);
  advance_frames(twin, 90);
  advance_frames(fork, 90);
  CHECK(!same_signals(twin, fork));
  pt_twin_destroy(fork);

  /* ---- snapshots: bytes that restore a twin continuing bit for bit ---- */
  size_t snapshot_size = 0;
  CHECK_STATUS(pt_twin_snapshot(twin, NULL, 0, &snapshot_size), PT_OK);
  CHECK(snapshot_size > 1000);
  uint8_t* snapshot = malloc(snapshot_size);
  size_t written = 0;
  CHECK_STATUS(pt_twin_snapshot(twin, snapshot, snapshot_size - 1, &written),
               PT_ERROR_BUFFER_TOO_SMALL);
  CHECK(written == snapshot_size);
  CHECK_STATUS(pt_twin_snapshot(twin, snapshot, snapshot_size, &written), PT_OK);
  pt_twin* restored = NULL;
  CHECK_STATUS(pt_twin_restore_from_file(model, snapshot, written, &restored), PT_OK);
  CHECK(restored != NULL && pt_twin_time(restored) == pt_twin_time(twin));
  advance_frames(twin, 180);
  advance_frames(restored, 180);
  CHECK(same_signals(twin, restored)); /* bleeding in progress, heart rate changed */
  pt_twin_destroy(restored);
  {
    char smith[4096];
    snprintf(smith, sizeof smith, "%s/circulation/smith2004.json", argv[1]);
    pt_twin* other = (pt_twin*)&failures;
    CHECK_STATUS(pt_twin_restore_from_file(smith, snapshot, written, &other),
                 PT_ERROR_INVALID_INPUT);
    CHECK(other == NULL);
    CHECK(strstr(pt_last_error(), "taken of model") != NULL);
    CHECK_STATUS(pt_twin_restore_from_file(model, snapshot, written / 2, &other),
                 PT_ERROR_INVALID_INPUT);
    CHECK_STATUS(pt_twin_restore_from_file(model, NULL, 0, &other), PT_ERROR_NULL_ARGUMENT);
    CHECK_STATUS(pt_twin_snapshot(NULL, snapshot, written, &written), PT_ERROR_NULL_ARGUMENT);
    CHECK_STATUS(pt_twin_snapshot(twin, snapshot, written, NULL), PT_ERROR_NULL_ARGUMENT);
  }
  free(snapshot);

  /* ---- a budget: stops early, continues, and changes no number ---- */
  pt_twin* free_running = NULL;
  pt_twin* budgeted = NULL;
  CHECK_STATUS(pt_twin_create_from_files(model, NULL, &free_running), PT_OK);
  CHECK_STATUS(pt_twin_create_from_files(model, NULL, &budgeted), PT_OK);
  CHECK_STATUS(pt_twin_set_budget(budgeted, 5, 0.0), PT_OK);
  CHECK_STATUS(pt_twin_advance(free_running, 1.0), PT_OK);
  CHECK_STATUS(pt_twin_advance(budgeted, 1.0), PT_BUDGET_REACHED);
  CHECK(pt_twin_time(budgeted) > 0.0 && pt_twin_time(budgeted) < 1.0);
  int calls = 1;
  while (pt_twin_time(budgeted) < 1.0 && calls < 100000) {
    pt_status s = pt_twin_advance(budgeted, 1.0 - pt_twin_time(budgeted));
    CHECK(s == PT_OK || s == PT_BUDGET_REACHED);
    ++calls;
  }
  CHECK(calls > 2);
  CHECK(pt_twin_time(budgeted) == pt_twin_time(free_running));
  /* The twins continue identically. (A look at the signals right at the cut may differ in
   * the last bits: the blood gases' partial pressures are solved iteratively, warm-started
   * from the last look; docs/engines.md, "Determinism".) */
  CHECK_STATUS(pt_twin_advance(free_running, 1.0), PT_OK);
  CHECK_STATUS(pt_twin_set_budget(budgeted, 0, 0.0), PT_OK);
  CHECK_STATUS(pt_twin_advance(budgeted, 1.0), PT_OK);
  CHECK(same_signals(budgeted, free_running));
  CHECK_STATUS(pt_twin_set_budget(budgeted, 0, -1.0), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_set_budget(budgeted, 0, NAN), PT_ERROR_INVALID_INPUT);

  /* A CPU-time budget of a nanosecond: every call is one solver step, time still moves on;
   * a fork taken at a budget's stop continues as the twin does. */
  CHECK_STATUS(pt_twin_set_budget(budgeted, 0, 1e-9), PT_OK);
  for (int i = 0; i < 20; ++i) {
    const double before = pt_twin_time(budgeted);
    CHECK_STATUS(pt_twin_advance(budgeted, 0.5), PT_BUDGET_REACHED);
    CHECK(pt_twin_time(budgeted) > before && pt_twin_time(budgeted) < before + 0.5);
  }
  pt_twin* stopped_fork = NULL;
  CHECK_STATUS(pt_twin_fork(budgeted, &stopped_fork), PT_OK);
  pt_twin* budget_kept = NULL; /* a fork keeps its twin's budget */
  CHECK_STATUS(pt_twin_fork(budgeted, &budget_kept), PT_OK);
  CHECK_STATUS(pt_twin_advance(budget_kept, 0.5), PT_BUDGET_REACHED);
  pt_twin_destroy(budget_kept);
  CHECK_STATUS(pt_twin_set_budget(budgeted, 0, 0.0), PT_OK);
  CHECK_STATUS(pt_twin_set_budget(stopped_fork, 0, 0.0), PT_OK);
  CHECK_STATUS(pt_twin_advance(budgeted, 0.7), PT_OK);
  CHECK_STATUS(pt_twin_advance(stopped_fork, 0.7), PT_OK);
  CHECK(same_signals(budgeted, stopped_fork));
  pt_twin_destroy(stopped_fork);
  pt_twin_destroy(budgeted);

  /* ---- from JSON in memory: the same twin as from the files ---- */
  char* model_json = read_file(model);
  pt_twin* from_json = NULL;
  CHECK(model_json != NULL);
  CHECK_STATUS(pt_twin_create_from_json(model_json, NULL, &from_json), PT_OK);
  CHECK_STATUS(pt_twin_advance(from_json, 1.0), PT_OK);
  CHECK_STATUS(pt_twin_advance(from_json, 1.0), PT_OK);
  CHECK(same_signals(from_json, free_running));
  pt_twin_destroy(from_json);
  pt_twin_destroy(free_running);
  pt_twin* bad = (pt_twin*)&failures; /* any non-NULL value: must be overwritten */
  CHECK_STATUS(pt_twin_create_from_json("{\"format\": \"physiotwin-circulation\"}", NULL, &bad),
               PT_ERROR_INVALID_INPUT);
  CHECK(bad == NULL);
  CHECK(strstr(pt_last_error(), "model JSON") != NULL);
  free(model_json);

  /* ---- a FHIR record: personalised and calibrated ---- */
  pt_twin* record = NULL;
  CHECK_STATUS(pt_twin_create_from_files(model, argv[2], &record), PT_OK);
  if (record != NULL) advance_frames(record, 90);
  pt_twin_destroy(record);

  /* ---- bad input: statuses, never an abort ---- */
  CHECK_STATUS(pt_twin_create_from_files(model, "/nonexistent/patient.json", &bad),
               PT_ERROR_INVALID_INPUT);
  CHECK(bad == NULL);
  CHECK_STATUS(pt_twin_create_from_files("/nonexistent/model.json", NULL, &bad),
               PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_create_from_files(NULL, NULL, &bad), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_create_from_files(model, NULL, NULL), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_advance(NULL, 0.01), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_advance(twin, -1.0), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_advance(twin, NAN), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_advance(twin, INFINITY), PT_ERROR_INVALID_INPUT);
  CHECK_STATUS(pt_twin_read_signals(twin, latest, 3), PT_ERROR_BUFFER_TOO_SMALL);
  CHECK_STATUS(pt_twin_read_signals(twin, NULL, 1000), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_read_signals(NULL, latest, 1000), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_signal_index(twin, "no.such.signal", &aorta), PT_ERROR_NOT_FOUND);
  CHECK_STATUS(pt_twin_signal_index(twin, NULL, &aorta), PT_ERROR_NULL_ARGUMENT);
  CHECK(pt_twin_signal_name(twin, signals) == NULL);
  CHECK(strstr(pt_last_error(), "past the last") != NULL);
  CHECK(pt_twin_signal_name(NULL, 0) == NULL);
  CHECK(pt_twin_signal_count(NULL) == 0);
  CHECK(isnan(pt_twin_time(NULL)));
  CHECK_STATUS(pt_twin_apply_action(twin, NULL), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_get_parameter(twin, "heart.rate", NULL), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_fork(NULL, &fork), PT_ERROR_NULL_ARGUMENT);
  CHECK_STATUS(pt_twin_read_latest(NULL, latest, latest_size, NULL), PT_ERROR_NULL_ARGUMENT);
  pt_twin_destroy(NULL);
  /* A successful call clears the thread's message. */
  CHECK_STATUS(pt_twin_advance(twin, 0.01), PT_OK);
  CHECK(strcmp(pt_last_error(), "") == 0);

  free(latest);
  pt_twin_destroy(twin);

  /* ---- signed files: pt_verify_file() says what `physiotwin verify` says ---- */
  check_verification(argv[3], model);

  /* ---- encrypted twins: pt_open_sealed() opens what `calibrate --encrypt-to` wrote ---- */
  check_sealed_twin(argv[3], model);

  if (failures == 0) printf("test_c_api: all checks passed\n");
  return failures == 0 ? 0 : 1;
}

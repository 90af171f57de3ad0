/* physiotwin's C interface: a patient's twin for engines (Unity, Unreal, Godot, WebXR) and any
 * language with a C foreign-function interface (C#'s P/Invoke, Python's ctypes).
 *
 * Link libphysiotwin_c (CMake: find_package(physiotwin) and physiotwin::c; pkg-config:
 * physiotwin-c). C++ inside, nothing of it across this boundary: no exception leaves a call,
 * every call returns a status (or a value whose documentation says how failure looks), and
 * pt_last_error() gives the failed call's one-line message. docs/engines.md walks through an
 * integration; bindings/csharp/PhysioTwin.cs wraps this header for Unity.
 *
 * Threads. A twin is used by one thread at a time (the simulation thread: create, advance,
 * actions, parameters, fork), with two exceptions that any number of other threads may call
 * at any time, concurrently with everything but pt_twin_destroy():
 *   - pt_twin_read_latest(): the latest published sample, copied without locks or tearing
 *     (the render thread's call);
 *   - the descriptions (pt_twin_signal_count/name/unit/description/region and the metric
 *     ones), which never change after create.
 * Different twins are independent: one thread per twin runs them in parallel.
 *
 * Strings in: UTF-8, NUL-terminated. Strings out: owned by the library, valid as long as the
 * twin (descriptions) or until the calling thread's next call (pt_last_error).
 * Units: mmHg, mL, s, mL/s, as each signal's unit says (the twin's one registry of signals).
 */
#ifndef PHYSIOTWIN_C_H
#define PHYSIOTWIN_C_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(PHYSIOTWIN_C_BUILDING)
#define PT_API __declspec(dllexport)
#else
#define PT_API __declspec(dllimport)
#endif
#else
#define PT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The interface's version: a program checks pt_abi_version() == PT_ABI_VERSION at start. */
#define PT_ABI_VERSION 1

typedef enum pt_status {
  PT_OK = 0,
  /* A required pointer was NULL (a handle, an output, a string). */
  PT_ERROR_NULL_ARGUMENT = 1,
  /* Input the twin refuses: a file or JSON that cannot be read, an unknown name, a value out
   * of its range, an action the twin cannot take. Nothing was changed. */
  PT_ERROR_INVALID_INPUT = 2,
  /* The solver failed (the message says when and in which state). The twin is now failed:
   * every later call on it but reading and destroying returns PT_ERROR_TWIN_FAILED. */
  PT_ERROR_SOLVER = 3,
  /* A caller's buffer is smaller than the data: nothing was copied; the size needed was
   * written where the call says. */
  PT_ERROR_BUFFER_TOO_SMALL = 4,
  /* No such signal, metric or parameter name, or an index past the count. */
  PT_ERROR_NOT_FOUND = 5,
  /* Not an error: pt_twin_advance() stopped at its budget before the whole interval; the twin
   * is consistent at pt_twin_time(), and the next call continues from there. */
  PT_BUDGET_REACHED = 6,
  /* A file could not be read or written. */
  PT_ERROR_IO = 7,
  /* A call on a twin that failed earlier (PT_ERROR_SOLVER). */
  PT_ERROR_TWIN_FAILED = 8,
  /* Personalising to the patient's measurements failed (values beyond the model). */
  PT_ERROR_CALIBRATION = 9,
  /* Memory could not be allocated. */
  PT_ERROR_OUT_OF_MEMORY = 10,
  /* A bug in physiotwin: please report the message. */
  PT_ERROR_INTERNAL = 11
} pt_status;

/* An opaque twin: a personalised model, its state, and the actions still to come. */
typedef struct pt_twin pt_twin;

/* ---- the library ------------------------------------------------------------------------ */

/* The library's version ("0.1.0") and the interface's (PT_ABI_VERSION when built). */
PT_API const char* pt_version(void);
PT_API int pt_abi_version(void);

/* The message of the calling thread's last failed call ("" if none). Valid until this
 * thread's next call into the library. Never quotes a health record's values. */
PT_API const char* pt_last_error(void);

/* A status's name, e.g. "PT_ERROR_INVALID_INPUT". */
PT_API const char* pt_status_name(pt_status status);

/* ---- creating and destroying ------------------------------------------------------------ */

/* A twin of the model file `model_path` (docs/model-format.md), personalised to
 * `patient_path`: a physiotwin patient file, a FHIR R4 record (a Bundle or a Patient's
 * resources) or a twin parameter file (loaded as stored, no calibration). `patient_path`
 * NULL: the model's reference body as it is. A patient with measured vitals is calibrated to
 * them, which takes about a second: create twins before the frame loop, or on a worker thread.
 * A patient file encrypted to your key is opened with the key folder's key
 * (pt_twin_create_from_files_with_key() says how, and takes another key).
 * On success *out is the new twin; on failure *out is NULL. */
PT_API pt_status pt_twin_create_from_files(const char* model_path, const char* patient_path,
                                           pt_twin** out);

/* As pt_twin_create_from_files(), for a patient file that may be encrypted to a recipient's key
 * (`physiotwin calibrate --encrypt-to`, docs/security.md "Encrypted twins"): it is opened with
 * the private key file `decryption_key_path`, or with NULL, encryption.key in the key folder
 * ($PHYSIOTWIN_KEYS, else $XDG_CONFIG_HOME/physiotwin/keys, else ~/.config/physiotwin/keys):
 * the rule `physiotwin` and Python follow. pt_twin_create_from_files() is this with NULL. The plain
 * twin exists only in memory. A wrong or missing key, a changed file, or a plain patient file given
 * with a key (so nobody believes a plain file was the protected one) is PT_ERROR_INVALID_INPUT,
 * pt_last_error() saying which. */
PT_API pt_status pt_twin_create_from_files_with_key(const char* model_path,
                                                    const char* patient_path,
                                                    const char* decryption_key_path, pt_twin** out);

/* The same from JSON text in memory (an engine's packaged asset): `model_json` a model file's
 * text, `patient_json` a patient file's, a FHIR record's or a twin parameter file's (NULL: the
 * reference body). */
PT_API pt_status pt_twin_create_from_json(const char* model_json, const char* patient_json,
                                          pt_twin** out);

/* An independent twin in exactly this twin's state, continuing bit for bit as this one
 * would: the past shared, the futures separate (compare interventions side by side). It keeps
 * this twin's budget (pt_twin_set_budget). Its cost is simulating the time since this twin's
 * last action (docs/performance.md). */
PT_API pt_status pt_twin_fork(const pt_twin* twin, pt_twin** out);

/* The twin's complete state as bytes (docs/snapshots.md), to keep in memory or write to a
 * file: `buffer` receives them (`capacity` bytes) and *size their number. With `buffer` NULL,
 * only *size (to allocate); PT_ERROR_BUFFER_TOO_SMALL, *size set, when `capacity` is less.
 * About 11 kB for the adult model; taking one costs about 20 us. The bytes restore only in
 * this version of the library, on this byte order. */
PT_API pt_status pt_twin_snapshot(const pt_twin* twin, uint8_t* buffer, size_t capacity,
                                  size_t* size);

/* A twin from a snapshot's `size` bytes, on the model it was taken with (the model file's path,
 * or its text): it continues bit for bit as the twin that took the snapshot would, with its
 * personalisation, its pending actions and its bleeding or infusion in progress. It costs what
 * a fork costs. PT_ERROR_INVALID_INPUT, naming both models, for a snapshot of another model,
 * and for damaged bytes. No budget (pt_twin_set_budget) is restored. */
PT_API pt_status pt_twin_restore_from_file(const char* model_path, const uint8_t* snapshot,
                                           size_t size, pt_twin** out);
PT_API pt_status pt_twin_restore_from_json(const char* model_json, const uint8_t* snapshot,
                                           size_t size, pt_twin** out);

/* Frees a twin (NULL: nothing). No other thread may be using it. */
PT_API void pt_twin_destroy(pt_twin* twin);

/* ---- time ------------------------------------------------------------------------------- */

/* Advances simulated time by `seconds` (> 0, finite; e.g. a frame's 1/90 s) and publishes the
 * new sample to the readers (pt_twin_read_latest). With a budget set, may stop early with
 * PT_BUDGET_REACHED. */
PT_API pt_status pt_twin_advance(pt_twin* twin, double seconds);

/* Limits each pt_twin_advance() call: at most `max_solver_steps` internal steps of the ODE
 * solver (0: no limit) and `max_cpu_seconds` of this thread's CPU time (0: no limit), after
 * which the call returns PT_BUDGET_REACHED with the twin consistent at the time the solver
 * reached; a frame is never held hostage by a stiff moment. Checked after every solver step
 * (one step at least, so time always moves on): a call overruns by one step at most. The next
 * call continues as an unbudgeted twin would, bit for bit. */
PT_API pt_status pt_twin_set_budget(pt_twin* twin, uint64_t max_solver_steps,
                                    double max_cpu_seconds);

/* The twin's simulated time, s (NaN for a NULL twin). */
PT_API double pt_twin_time(const pt_twin* twin);

/* ---- signals: what the twin shows ------------------------------------------------------- */

/* How many signals (0 for a NULL twin) and, by index, each one's name ("lv.pressure"), unit
 * ("mmHg"), one-line description and anatomical region ("heart"). NULL for a bad index. */
PT_API size_t pt_twin_signal_count(const pt_twin* twin);
PT_API const char* pt_twin_signal_name(const pt_twin* twin, size_t index);
PT_API const char* pt_twin_signal_unit(const pt_twin* twin, size_t index);
PT_API const char* pt_twin_signal_description(const pt_twin* twin, size_t index);
PT_API const char* pt_twin_signal_region(const pt_twin* twin, size_t index);

/* The index of a signal by name (PT_ERROR_NOT_FOUND if the model has none). */
PT_API pt_status pt_twin_signal_index(const pt_twin* twin, const char* name, size_t* index);

/* Copies every signal's current value, in index order, into `values` (`capacity` doubles;
 * PT_ERROR_BUFFER_TOO_SMALL below pt_twin_signal_count()). The simulation thread's view. */
PT_API pt_status pt_twin_read_signals(const pt_twin* twin, double* values, size_t capacity);

/* ---- per-beat and per-breath metrics ------------------------------------------------------ */

/* The metrics the twin computes for each heart beat (heart rate, stroke volume, systolic
 * pressure...) and each breath (respiratory rate, tidal volume...): count and, by index,
 * name and unit. A model without lungs has no breath metrics. */
PT_API size_t pt_twin_beat_metric_count(const pt_twin* twin);
PT_API const char* pt_twin_beat_metric_name(const pt_twin* twin, size_t index);
PT_API const char* pt_twin_beat_metric_unit(const pt_twin* twin, size_t index);
PT_API size_t pt_twin_breath_metric_count(const pt_twin* twin);
PT_API const char* pt_twin_breath_metric_name(const pt_twin* twin, size_t index);
PT_API const char* pt_twin_breath_metric_unit(const pt_twin* twin, size_t index);

/* The last completed beat's (breath's) metrics into `values` (`capacity` doubles) and its
 * start time into *start_time (may be NULL). PT_ERROR_NOT_FOUND before the first one
 * completes: a beat or breath completes at the next one's start (the first beat after about
 * 2 s of simulated time, the first breath after about 10 s at 12 breaths/min). */
PT_API pt_status pt_twin_latest_beat(const pt_twin* twin, double* values, size_t capacity,
                                     double* start_time);
PT_API pt_status pt_twin_latest_breath(const pt_twin* twin, double* values, size_t capacity,
                                       double* start_time);

/* ---- the render thread's view ------------------------------------------------------------ */

/* The sample last published by pt_twin_advance(), from any thread while the simulation
 * thread advances: `values` receives, in order, the time (s), every signal
 * (pt_twin_signal_count()), the last beat's metrics (pt_twin_beat_metric_count(), NaN before
 * the first beat) and the last breath's (pt_twin_breath_metric_count(), NaN before the
 * first), pt_twin_latest_size() doubles in all. Never blocks, never tears (one publish's
 * values, all of them). *publication (may be NULL) counts publishes: unchanged, nothing
 * new. */
PT_API size_t pt_twin_latest_size(const pt_twin* twin);
PT_API pt_status pt_twin_read_latest(const pt_twin* twin, double* values, size_t capacity,
                                     uint64_t* publication);

/* ---- changing the twin -------------------------------------------------------------------- */

/* Applies one action in the scenario format (docs/scenarios.md), as JSON text: without
 * "time", now; with one, at that absolute simulated time (not before now). E.g.
 * {"action": "hemorrhage", "rate": 100, "volume": 500} or
 * {"action": "set", "parameter": "heart.rate", "value": 90}. Checked before
 * anything changes. */
PT_API pt_status pt_twin_apply_action(pt_twin* twin, const char* action_json);

/* A model parameter by name (`physiotwin params` lists them): its current value in its unit,
 * and a new value now (checked against its range and the rules between parameters; the solver
 * restarts from the current state). */
PT_API pt_status pt_twin_get_parameter(const pt_twin* twin, const char* name, double* value);
PT_API pt_status pt_twin_set_parameter(pt_twin* twin, const char* name, double value);

/* ---- signed files (docs/security.md) ------------------------------------------------------ */

/* What pt_verify_file() found. */
typedef enum pt_verification {
  PT_VERIFIED = 0, /* every dataset, attribute and group as signed, by a trusted key */
  PT_UNSIGNED = 1, /* the file holds no signature */
  PT_TAMPERED = 2, /* an object changed, went or came, or the signature does not match */
  PT_UNTRUSTED = 3 /* intact and validly signed, by a key not among the trusted ones */
} pt_verification;

/* Checks a physiotwin HDF5 file's signature and every object's digest, as `physiotwin verify`
 * does. `trusted_keys_dir`: a folder of trusted public keys (*.pub); NULL: the key folder
 * ($PHYSIOTWIN_KEYS, else ~/.config/physiotwin/keys). On PT_OK, *result is the verdict and
 * `report` receives the report `physiotwin verify` prints (the verdict, the signer's key id,
 * each changed object on its own line), NUL-terminated; *report_size is its size with the NUL.
 * With `report` NULL, only *result and *report_size; PT_ERROR_BUFFER_TOO_SMALL (*result and
 * *report_size set, nothing copied) when `capacity` is less. PT_ERROR_IO for a file that cannot
 * be read as HDF5; PT_ERROR_INVALID_INPUT for an encrypted file or unreadable trusted keys.
 * Reads the whole file: not for a frame loop. */
PT_API pt_status pt_verify_file(const char* path, const char* trusted_keys_dir,
                                pt_verification* result, char* report, size_t capacity,
                                size_t* report_size);

/* ---- encrypted twins (docs/security.md, "Encrypted twins") -------------------------------- */

/* Opens `size` bytes of content encrypted to your key: a twin parameter file written by
 * `physiotwin calibrate --encrypt-to` or Python's `Model.save(encrypt_to=)` (then give the text
 * to pt_twin_create_from_json), or a snapshot from `run --snapshot-at --encrypt-to` or
 * `Twin.snapshot(encrypt_to=)` (then to pt_twin_restore_from_file). `key_path`: the private
 * key file (encryption.key); NULL: encryption.key in the key folder ($PHYSIOTWIN_KEYS, else
 * ~/.config/physiotwin/keys). `buffer` receives the plain bytes (not NUL-terminated) and
 * *plain_size their number; with `buffer` NULL, only *plain_size (it opens the content to know
 * it); PT_ERROR_BUFFER_TOO_SMALL, *plain_size set, when `capacity` is less. Nothing is copied
 * unless the whole content opens. PT_ERROR_INVALID_INPUT, the message naming the key ids or the
 * chunk: plain content, content encrypted to another key, a changed, truncated or extended
 * byte, a missing, corrupt or exposed key file. Reads the key file: not for a frame loop. */
PT_API pt_status pt_open_sealed(const uint8_t* sealed, size_t size, const char* key_path,
                                uint8_t* buffer, size_t capacity, size_t* plain_size);

#ifdef __cplusplus
}
#endif

#endif /* PHYSIOTWIN_C_H */

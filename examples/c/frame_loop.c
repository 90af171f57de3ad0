/* An engine's frame loop in C (docs/engines.md): create a twin, step it every frame at 90 Hz,
 * read every signal, and print the heart rate and mean arterial pressure once per simulated
 * second; halfway, a haemorrhage. Build against the installed package:
 *   cc frame_loop.c $(pkg-config --cflags --libs physiotwin-c) -o frame_loop
 *   ./frame_loop MODEL_FILE [PATIENT_FILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physiotwin_c.h"

/* A beat metric's index by name (the twin's one registry of metrics). */
static size_t beat_metric(const pt_twin* twin, const char* name) {
  for (size_t i = 0; i < pt_twin_beat_metric_count(twin); ++i)
    if (strcmp(pt_twin_beat_metric_name(twin, i), name) == 0) return i;
  return 0;
}

static int fail(const char* what) {
  fprintf(stderr, "%s: %s\n", what, pt_last_error());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: frame_loop MODEL_FILE [PATIENT_FILE]\n");
    return 2;
  }
  if (pt_abi_version() != PT_ABI_VERSION) return fail("physiotwin_c: another interface version");
  pt_twin* twin = NULL;
  if (pt_twin_create_from_files(argv[1], argc > 2 ? argv[2] : NULL, &twin) != PT_OK)
    return fail("create");

  /* Once, before the loop: the buffers and the indices of what this scene shows. */
  const size_t count = pt_twin_signal_count(twin);
  double* signals = malloc(count * sizeof(double));
  double beat[64];
  const size_t heart_rate = beat_metric(twin, "heart_rate");
  const size_t mean_pressure = beat_metric(twin, "mean_arterial_pressure");
  if (signals == NULL) return 1;

  const double frame = 1.0 / 90.0;
  for (int f = 1; f <= 20 * 90; ++f) {
    if (f == 10 * 90 &&
        pt_twin_apply_action(
            twin, "{\"action\": \"hemorrhage\", \"rate\": 1000, \"volume\": 1000}") != PT_OK)
      return fail("hemorrhage");
    if (pt_twin_advance(twin, frame) != PT_OK) return fail("advance");
    if (pt_twin_read_signals(twin, signals, count) != PT_OK) return fail("read");
    if (f % 90 == 0 && pt_twin_latest_beat(twin, beat, 64, NULL) == PT_OK)
      printf("t = %4.1f s  heart rate %5.1f /min  mean arterial pressure %5.1f mmHg\n",
             pt_twin_time(twin), beat[heart_rate], beat[mean_pressure]);
  }
  free(signals);
  pt_twin_destroy(twin);
  return 0;
}

/* The render-thread channel under load (docs/engines.md, "Threads"): one simulation thread
 * advances a twin as fast as it can while reader threads copy the latest sample at 90 Hz
 * through pt_twin_read_latest(), and one more copies without pause. Every copy must be exactly one
 * published sample, never a mix of two: the writer keeps every sample it published (by publication
 * number) and the copies are checked against them after the threads join. Built and run under
 * ThreadSanitizer in CI (the tsan preset), which also checks that the channel has no data race.
 *   test_render_thread MODEL_FILE [SECONDS] */
#define _POSIX_C_SOURCE 200809L /* pthreads and nanosleep in strict C11 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "physiotwin_c.h"

enum { readers = 3, max_copies = 4096 };

typedef struct {
  pt_twin* twin;
  size_t size;
  double* copies; /* max_copies x size */
  uint64_t publications[max_copies];
  int count;
  int failures;
  int hammer; /* no sleep: as many copies as it can, to meet publishes mid-way */
  atomic_int* stop;
} reader_state;

/* POSIX threads, not C11's thrd_create: glibc's bypasses the interceptors ThreadSanitizer
 * needs (a new thread then crashes on entry). */
static void* read_at_90_hz(void* argument) {
  reader_state* r = argument;
  const struct timespec frame = {0, 1000000000L / 90};
  while (!atomic_load(r->stop) && r->count < max_copies) {
    uint64_t publication = 0;
    if (pt_twin_read_latest(r->twin, r->copies + (size_t)r->count * r->size, r->size,
                            &publication) != PT_OK) {
      fprintf(stderr, "pt_twin_read_latest: %s\n", pt_last_error());
      ++r->failures;
      break;
    }
    r->publications[r->count++] = publication;
    if (!r->hammer) nanosleep(&frame, NULL);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_render_thread MODEL_FILE [SECONDS]\n");
    return 2;
  }
  const double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  pt_twin* twin = NULL;
  if (pt_twin_create_from_files(argv[1], NULL, &twin) != PT_OK) {
    fprintf(stderr, "create: %s\n", pt_last_error());
    return 1;
  }
  const size_t size = pt_twin_latest_size(twin);

  /* The writer's record: every sample it publishes, by publication number (1: create's). */
  size_t capacity = 20000, published = 1; /* about 55 MB for the full model */
  double* history = malloc(capacity * size * sizeof(double));
  if (history == NULL || pt_twin_read_latest(twin, history, size, NULL) != PT_OK) return 1;

  atomic_int stop = 0;
  reader_state state[readers];
  pthread_t threads[readers];
  for (int i = 0; i < readers; ++i) {
    state[i] = (reader_state){
        twin, size, malloc((size_t)max_copies * size * sizeof(double)), {0}, 0, 0, i == 0, &stop};
    if (state[i].copies == NULL || pthread_create(&threads[i], NULL, read_at_90_hz, &state[i]) != 0)
      return 1;
  }

  /* The simulation thread at full speed: small steps, each one published. */
  struct timespec start, now;
  timespec_get(&start, TIME_UTC);
  for (now = start;
       (double)(now.tv_sec - start.tv_sec) + 1e-9 * (double)(now.tv_nsec - start.tv_nsec) <
           seconds &&
       published < capacity;
       timespec_get(&now, TIME_UTC)) {
    if (pt_twin_advance(twin, 0.001) != PT_OK) {
      fprintf(stderr, "advance: %s\n", pt_last_error());
      return 1;
    }
    /* The writer's own thread may read the channel too: what it just published. */
    if (pt_twin_read_latest(twin, history + published * size, size, NULL) != PT_OK) return 1;
    ++published;
  }
  atomic_store(&stop, 1);

  int failures = 0, copies = 0;
  for (int i = 0; i < readers; ++i) {
    pthread_join(threads[i], NULL);
    failures += state[i].failures;
    for (int k = 0; k < state[i].count; ++k) {
      const uint64_t n = state[i].publications[k];
      const double* copy = state[i].copies + (size_t)k * size;
      /* Publication n is history[n - 1]; a torn copy would match no published sample. */
      if (n < 1 || n > published || memcmp(copy, history + (n - 1) * size, size * sizeof(double))) {
        fprintf(stderr, "reader %d copy %d (publication %llu) is not a published sample\n", i, k,
                (unsigned long long)n);
        ++failures;
      }
      ++copies;
    }
    free(state[i].copies);
  }
  printf(
      "test_render_thread: %zu publications, %d copies by %d readers (one without pause), %d "
      "failures\n",
      published, copies, readers, failures);
  free(history);
  pt_twin_destroy(twin);
  return failures == 0 && copies > readers ? 0 : 1;
}

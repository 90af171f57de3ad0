/* An engine's frame loop allocates nothing on the heap once warmed up (issue 14, item 3): a
 * heap allocation on the simulation thread can take a lock another thread holds, and a frame
 * waits. This program replaces the C library's allocator entry points with counting ones that
 * forward to glibc's (every allocation of the library, of libstdc++'s operator new, of
 * SUNDIALS, lands here: ELF symbol interposition), warms a twin up, then counts over a minute
 * of 90 Hz frames of what docs/engines.md tells an engine to call each frame.
 *
 * Not in sanitizer builds: the sanitizers own malloc themselves.
 *
 *   test_frame_allocations MODEL_FILE */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "physiotwin_c.h"

/* glibc's own allocator (exported for exactly this purpose: wrapping malloc). */
extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* pointer, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void* pointer);

static volatile int counting = 0;
static volatile long allocations = 0;

static void count(void) {
  if (counting) ++allocations;
}

void* malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void* realloc(void* pointer, size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void* memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  count();
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : ENOMEM;
}
void free(void* pointer) {
  __libc_free(pointer);
}

static int failures = 0;
#define CHECK(condition)                                                      \
  do {                                                                        \
    if (!(condition)) {                                                       \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                             \
    }                                                                         \
  } while (0)

enum { max_values = 1024 };
static double signals[max_values], latest[max_values], beat[64], breath[64];

/* One frame as docs/engines.md has an engine do it: advance, read every signal, the render
 * thread's copy, the latest beat and breath. */
static int frame(pt_twin* twin) {
  uint64_t publication = 0;
  double start = 0.0;
  int ok = pt_twin_advance(twin, 1.0 / 90.0) == PT_OK;
  ok = ok && pt_twin_read_signals(twin, signals, max_values) == PT_OK;
  ok = ok && pt_twin_read_latest(twin, latest, max_values, &publication) == PT_OK;
  ok = ok && pt_twin_latest_beat(twin, beat, 64, &start) == PT_OK;
  ok = ok && pt_twin_latest_breath(twin, breath, 64, &start) == PT_OK;
  return ok;
}

/* Runs `frames` frames counting allocations; returns how many there were. */
static long count_frames(pt_twin* twin, int frames) {
  int ok = 1;
  allocations = 0;
  counting = 1;
  for (int i = 0; i < frames && ok; ++i) ok = frame(twin);
  counting = 0;
  CHECK(ok);
  return allocations;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL_FILE\n", argv[0]);
    return 2;
  }
  pt_twin* twin = NULL;
  if (pt_twin_create_from_files(argv[1], NULL, &twin) != PT_OK) {
    fprintf(stderr, "create: %s\n", pt_last_error());
    return 1;
  }
  CHECK(pt_twin_signal_count(twin) <= max_values);

  /* Warm-up: 15 s, past the first beats and the first breath (about 10 s at 12 per minute),
   * when the analyzers first publish. */
  for (int i = 0; i < 15 * 90; ++i) CHECK(pt_twin_advance(twin, 1.0 / 90.0) == PT_OK);

  /* The counter counts: a fork allocates a whole twin. */
  counting = 1;
  allocations = 0;
  pt_twin* fork = NULL;
  CHECK(pt_twin_fork(twin, &fork) == PT_OK);
  counting = 0;
  CHECK(allocations > 100);
  pt_twin_destroy(fork);

  /* A minute of frames (5,400: past 70 beats and 12 breaths). */
  const long free_running = count_frames(twin, 60 * 90);
  printf("allocations in 5400 frames: %ld\n", free_running);
  CHECK(free_running == 0);

  /* With a budget that the frames stay within: the budget's clock allocates nothing. */
  CHECK(pt_twin_set_budget(twin, 1000, 0.5) == PT_OK);
  const long budgeted = count_frames(twin, 10 * 90);
  printf("allocations in 900 budgeted frames: %ld\n", budgeted);
  CHECK(budgeted == 0);

  pt_twin_destroy(twin);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}

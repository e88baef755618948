#define _GNU_SOURCE
#include <linux/sockios.h>
#include <sched.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "CBondPerfLinux.h"

int cbondperf_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int cbondperf_unacknowledged_bytes(int descriptor, int *bytes) {
  return ioctl(descriptor, SIOCOUTQ, bytes);
}

int cbondperf_set_thread_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return -2;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set);
}

int cbondperf_clear_thread_cpu(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  long count = sysconf(_SC_NPROCESSORS_CONF);
  for (long cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++) CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set);
}

int cbondperf_thread_cpu_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  return CPU_COUNT(&set);
}

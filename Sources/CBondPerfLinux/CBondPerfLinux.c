#define _GNU_SOURCE
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "CBondPerfLinux.h"

int cbondperf_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int cbondperf_unacknowledged_bytes(int descriptor, int *bytes) {
  return ioctl(descriptor, SIOCOUTQ, bytes);
}

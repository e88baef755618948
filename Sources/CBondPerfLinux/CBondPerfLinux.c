#define _GNU_SOURCE
#include <sys/mman.h>

#include "CBondPerfLinux.h"

int cbondperf_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

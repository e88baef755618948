#ifndef CBONDPERF_LINUX_H
#define CBONDPERF_LINUX_H

/// Creates an anonymous memory-backed file, close-on-exec.
///
/// Glibc's Swift module does not export `memfd_create` (it needs `_GNU_SOURCE`),
/// so this shim makes the call. Returns the descriptor, or -1 with `errno` set.
///
/// The corresponding C function is `memfd_create(2)` with `MFD_CLOEXEC`.
int cbondperf_memfd_create(const char *name);

#endif

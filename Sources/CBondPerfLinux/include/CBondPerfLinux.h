#ifndef CBONDPERF_LINUX_H
#define CBONDPERF_LINUX_H

/// Creates an anonymous memory-backed file, close-on-exec.
///
/// Glibc's Swift module does not export `memfd_create` (it needs `_GNU_SOURCE`),
/// so this shim makes the call. Returns the descriptor, or -1 with `errno` set.
///
/// The corresponding C function is `memfd_create(2)` with `MFD_CLOEXEC`.
int cbondperf_memfd_create(const char *name);

/// Reads how many bytes a TCP socket has written but the peer has not yet
/// acknowledged (unsent bytes included) into `bytes`.
///
/// `ioctl` is variadic, which Swift can't call, so this shim makes the call.
/// Returns 0, or -1 with `errno` set.
///
/// The corresponding C function is `ioctl(2)` with `SIOCOUTQ` (tcp(7)).
int cbondperf_unacknowledged_bytes(int descriptor, int *bytes);

#endif

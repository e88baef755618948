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

/// Pins the calling thread to CPU `cpu`; threads it starts afterwards inherit it
/// (iperf3's `-A`). `CPU_SET` is a macro, which Swift can't use, hence the shim.
/// Returns 0, -1 with `errno` set, or -2 when `cpu` is out of range.
///
/// The corresponding C function is `sched_setaffinity(2)`.
int cbondperf_set_thread_cpu(int cpu);

/// Lets the calling thread run on every configured CPU again. Returns 0 or -1 with `errno`.
///
/// The corresponding C function is `sched_setaffinity(2)`.
int cbondperf_clear_thread_cpu(void);

/// How many CPUs the calling thread may run on, or -1 with `errno`.
///
/// The corresponding C function is `sched_getaffinity(2)` with `CPU_COUNT`.
int cbondperf_thread_cpu_count(void);

/// Opens a non-blocking, close-on-exec packet socket (`AF_PACKET`, `SOCK_DGRAM`,
/// every protocol) bound to interface `ifindex`: it sees the interface's
/// frames without their link-level header. Needs CAP_NET_RAW.
/// Returns the descriptor, or -1 with `errno` set.
///
/// Glibc's Swift module does not export `sockaddr_ll`, so this shim makes the calls.
/// The corresponding C functions are `socket(2)` and `bind(2)` (packet(7)).
int cbondperf_packet_socket(int ifindex);

/// Receives one frame from a packet socket without waiting: copies up to
/// `length` bytes into `buffer`, stores the frame's protocol (ethertype, host
/// order) and whether it came in (1) or went out (0). Returns the frame's
/// full length (`MSG_TRUNC`), or -1 with `errno` set (`EAGAIN`: none waiting).
///
/// The corresponding C function is `recvfrom(2)` (packet(7)).
long cbondperf_packet_receive(int descriptor, void *buffer, unsigned long length, int *protocol,
                              int *incoming);

/// The most datagrams one ``cbondperf_send_datagrams`` or
/// ``cbondperf_receive_datagrams`` call moves.
#define CBONDPERF_DATAGRAM_BATCH 64

/// Sends `count` datagrams of `length` bytes each, stored back to back at
/// `buffer`, on a connected datagram socket in one call. `count` is capped at
/// ``CBONDPERF_DATAGRAM_BATCH``. Returns how many datagrams the kernel took (the
/// first ones), or -1 with `errno` set.
///
/// `struct mmsghdr` needs `_GNU_SOURCE`, which the Glibc module lacks, hence the shim.
/// The corresponding C function is `sendmmsg(2)`.
int cbondperf_send_datagrams(int descriptor, const void *buffer, unsigned long length,
                             unsigned int count);

/// Receives up to `count` datagrams (capped at ``CBONDPERF_DATAGRAM_BATCH``) in
/// one call, waiting for the first only (`MSG_WAITFORONE`; `SO_RCVTIMEO` bounds the
/// wait). Datagram `i` goes to `buffer + i * slot`, cut to `slot` bytes; its length
/// is stored in `lengths[i]` and, when the kernel coalesced several datagrams into
/// it (`UDP_GRO`), their size in `segments[i]` (0 otherwise). Returns how many
/// were received, or -1 with `errno` set.
///
/// `struct mmsghdr` and the `CMSG_*` macros are out of Swift's reach, hence the shim.
/// The corresponding C function is `recvmmsg(2)`.
int cbondperf_receive_datagrams(int descriptor, void *buffer, unsigned long slot,
                                unsigned int count, unsigned long *lengths, int *segments);

#endif

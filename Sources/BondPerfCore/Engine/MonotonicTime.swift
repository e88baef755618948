import Glibc

/// The time iperf3 stamps into UDP datagrams and compares arrivals with:
/// `CLOCK_MONOTONIC` (iperf3's `iperf_time_now`), cut to seconds and microseconds.
enum MonotonicTime {
  /// Now, as the seconds and microseconds a datagram header carries.
  static func now() -> (seconds: UInt32, microseconds: UInt32) {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return (UInt32(truncatingIfNeeded: spec.tv_sec), UInt32(spec.tv_nsec / 1000))
  }

  /// Now in seconds, to the microsecond (as iperf3 reads it).
  static func seconds() -> Double {
    let (seconds, microseconds) = now()
    return Double(seconds) + Double(microseconds) / 1_000_000
  }
}

/// iperf3's `-b RATE[/BURST]` for one stream: the stream may send while its
/// average rate since the start stays below `rate` (`iperf_check_throttle`), at
/// most `burst` blocks at a time; a sender that is ahead waits.
///
/// Unlike iperf3, which looks every `--pacing-timer` microseconds, the wait is
/// computed: the sender sleeps until the moment its average falls back to the
/// rate, or one pacing-timer tick, whichever is shorter. Value type; one per
/// sending thread.
public struct Pacer: Sendable {
  /// Bits per second; 0 is unlimited.
  public let rate: Int64
  /// Blocks sent back to back once the rate allows (at least 1).
  public let burst: Int
  /// The longest single wait, in seconds (`--pacing-timer`).
  public let tick: Double

  public init(rate: Int64, burst: Int = 0, pacingTimerMicroseconds: Int = 1000) {
    self.rate = max(rate, 0)
    self.burst = max(burst, 1)
    tick = Double(max(pacingTimerMicroseconds, 1)) / 1_000_000
  }

  /// Whether the stream is limited at all.
  public var limits: Bool { rate > 0 }

  /// How long to wait before the next block, given `bytes` sent in `elapsed`
  /// seconds since the stream started: 0 when the average is below the rate.
  ///
  /// Senders pass what they sent plus half a block, so a block goes out when the
  /// rate reaches its middle: the count then stays within half a block of the
  /// target, where iperf3's (which sends once the average is below the rate)
  /// runs up to a block ahead.
  public func wait(bytes: Int64, elapsed: Double) -> Double {
    guard rate > 0 else { return 0 }
    // The moment at which `bytes` sent is exactly the rate.
    let due = Double(bytes) * 8 / Double(rate)
    guard due > elapsed else { return 0 }
    return min(due - elapsed, tick)
  }
}

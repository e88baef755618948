import Glibc

/// The process's CPU time and a monotonic clock reading, to compute CPU utilization
/// the way iperf3 reports it (`cpu_utilization_percent`).
public struct CPUUsage: Sendable, Hashable {
  /// CPU seconds spent in user mode by all of the process's threads.
  public var userSeconds: Double
  /// CPU seconds spent in the kernel on the process's behalf.
  public var systemSeconds: Double
  /// When the reading was taken.
  public var wall: ContinuousClock.Instant

  /// Creates a reading from known values (for tests).
  public init(userSeconds: Double, systemSeconds: Double, wall: ContinuousClock.Instant) {
    self.userSeconds = userSeconds
    self.systemSeconds = systemSeconds
    self.wall = wall
  }

  /// Reads the process's CPU time now.
  ///
  /// - Returns: The reading; zero CPU time in the impossible case that `getrusage` fails.
  ///
  /// The corresponding C function is `getrusage(2)` with `RUSAGE_SELF`.
  public static func now() -> CPUUsage {
    var usage = rusage()
    let wall = ContinuousClock.now
    let status = try? retryingOnInterrupt {
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    }
    guard status != nil else { return CPUUsage(userSeconds: 0, systemSeconds: 0, wall: wall) }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return CPUUsage(
      userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime), wall: wall)
  }

  /// CPU utilization between `earlier` and this reading, as iperf3 computes it.
  ///
  /// CPU time used divided by wall time elapsed, × 100; above 100 when several cores
  /// are busy.
  ///
  /// - Parameter earlier: A previous reading.
  /// - Returns: Total, user and system percentages; all 0 if no time has passed.
  public func percent(since earlier: CPUUsage) -> (total: Double, user: Double, system: Double) {
    let (seconds, attoseconds) = earlier.wall.duration(to: wall).components
    let elapsed = Double(seconds) + Double(attoseconds) / 1e18
    guard elapsed > 0 else { return (0, 0, 0) }
    let user = (userSeconds - earlier.userSeconds) / elapsed * 100
    let system = (systemSeconds - earlier.systemSeconds) / elapsed * 100
    return (user + system, user, system)
  }
}

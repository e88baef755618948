import Synchronization

/// iperf3's `-d/--debug[=LEVEL]`: protocol steps and decisions, one line each, on
/// standard error (so `-J` output stays one valid document). Level 0 prints nothing.
public enum DebugLog {
  private static let level = Atomic<Int>(0)

  /// Sets the level (1-4; iperf3's default for a bare `-d` is 4, everything).
  public static func enable(level value: Int) { level.store(value, ordering: .relaxed) }

  /// Whether lines of `minimum` level are printed.
  public static func isOn(_ minimum: Int = 1) -> Bool {
    level.load(ordering: .relaxed) >= minimum
  }

  /// Prints `text` when the level is at least `minimum`.
  public static func line(_ text: @autoclosure () -> String, level minimum: Int = 1) {
    guard isOn(minimum) else { return }
    OutputSink(file: .standardError).line("debug: \(text())")
  }
}

extension TestObserver {
  /// A line for `-d`: printed only when debugging is on.
  public func debug(_ text: @autoclosure () -> String) {
    DebugLog.line(text())
  }
}

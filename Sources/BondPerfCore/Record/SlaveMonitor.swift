/// Hooks that let bondperf's bond layer watch a test: sample slave counters
/// per interval and add its object to the results exchange and `-J`.
public protocol SlaveMonitor: Sendable {
  /// Called at TEST_START (and at the end of the omit period): take a baseline.
  func reset()
  /// Bytes per slave since the previous call (or the baseline).
  func sampleInterval() -> [SlaveSample]
  /// Bytes per slave since the baseline.
  func sampleTotal() -> [SlaveSample]
}

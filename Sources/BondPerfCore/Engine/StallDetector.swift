/// Finds data streams that moved no bytes for a while when others did (a cut
/// slave, a black-holed flow), and measures how long no stream at all has moved.
///
/// Pure: fed each stream's running byte count and the time in seconds since the
/// test started; used only on the session's thread.
struct StallDetector {
  /// A stream that stopped moving, by its index in the test's stream list.
  struct Stall: Hashable, Sendable {
    var index: Int
    /// Seconds since the start when the stream last moved.
    var lastMoved: Double
  }

  /// What one observation found.
  struct Findings: Hashable, Sendable {
    /// Streams idle for the window while another stream moved within it; each is reported once.
    var newlyStalled: [Stall] = []
    /// Indices of stalled streams that moved again.
    var resumed: [Int] = []
    /// Seconds since any stream last moved (0 while one moves).
    var allIdleFor: Double = 0
  }

  /// Seconds without data after which a stream counts as stalled.
  let window: Double
  private var lastBytes: [Int64]
  private var lastMoved: [Double]
  /// Indices of the streams that are stalled now.
  private(set) var stalled: Set<Int> = []

  init(streams: Int, window: Double, start: Double = 0) {
    self.window = window
    lastBytes = Array(repeating: 0, count: streams)
    lastMoved = Array(repeating: start, count: streams)
  }

  /// Takes the streams' running byte counts at `now`.
  ///
  /// A stream is stalled when it has not moved for `window` seconds while some
  /// other stream moved within the last `window` seconds. When none moves, no
  /// stream is singled out: ``Findings/allIdleFor`` grows instead.
  mutating func observe(bytes: [Int64], at now: Double) -> Findings {
    precondition(bytes.count == lastBytes.count, "one byte count per stream")
    var findings = Findings()
    for index in bytes.indices where bytes[index] != lastBytes[index] {
      lastBytes[index] = bytes[index]
      lastMoved[index] = now
      if stalled.remove(index) != nil { findings.resumed.append(index) }
    }
    guard let newest = lastMoved.max() else { return findings }
    findings.allIdleFor = max(0, now - newest)
    let moving = lastMoved.indices.filter { now - lastMoved[$0] < window }
    for index in lastMoved.indices where !stalled.contains(index) {
      guard now - lastMoved[index] >= window, moving.contains(where: { $0 != index }) else {
        continue
      }
      stalled.insert(index)
      findings.newlyStalled.append(Stall(index: index, lastMoved: lastMoved[index]))
    }
    return findings
  }
}

/// When a session samples its streams: every `-i` seconds, once at the end of
/// the omit period (`-O`), and a last partial interval at the end.
struct IntervalClock {
  let interval: Duration?
  let intervalSeconds: Double
  private(set) var nextTick: ContinuousClock.Instant?
  private(set) var omitEnd: ContinuousClock.Instant?
  private(set) var lastTick: ContinuousClock.Instant

  init(start: ContinuousClock.Instant, intervalSeconds: Double, omitSeconds: Int) {
    self.intervalSeconds = intervalSeconds
    interval = intervalSeconds > 0 ? .milliseconds(Int64(intervalSeconds * 1000)) : nil
    nextTick = interval.map { start + $0 }
    omitEnd = omitSeconds > 0 ? start + .seconds(omitSeconds) : nil
    lastTick = start
  }

  /// The earliest of the next tick, the end of the omit period and `limit`.
  func wake(before limit: ContinuousClock.Instant) -> ContinuousClock.Instant {
    [nextTick, omitEnd].compactMap { $0 }.reduce(limit) { min($0, $1) }
  }

  /// What is due at `now`, if anything.
  enum Due {
    case none
    case tick
    case omitEnd
  }

  /// Reports what is due at `now` and moves the clock past it.
  mutating func advance(to now: ContinuousClock.Instant) -> Due {
    if let end = omitEnd, now >= end {
      omitEnd = nil
      lastTick = now
      nextTick = interval.map { now + $0 }
      return .omitEnd
    }
    if let tick = nextTick, now >= tick, let interval {
      lastTick = now
      nextTick = tick + interval
      return .tick
    }
    return .none
  }

  /// Whether the last, partial interval is worth reporting: iperf3 drops one
  /// shorter than a tenth of the interval that moved no bytes. With `-i 0` it is the
  /// only one, covering the test (after the omit period), as in iperf3.
  func keepsFinal(at end: ContinuousClock.Instant, bytes: Int64) -> Bool {
    guard intervalSeconds > 0 else { return true }
    let elapsed = lastTick.duration(to: end).inSeconds
    return !(elapsed < intervalSeconds * 0.1 && bytes == 0)
  }
}

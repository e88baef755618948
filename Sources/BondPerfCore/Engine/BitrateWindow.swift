/// iperf3's `--server-bitrate-limit RATE[/SECONDS]`: the average bit rate of a test's
/// streams over the last SECONDS, checked once a second; a test above the limit is ended.
struct BitrateWindow {
  let limit: Int64?
  let seconds: Int
  /// One (time, total bytes) sample per second, the oldest first.
  private var samples: [(ContinuousClock.Instant, Int64)] = []

  init(limit: Int64?, seconds: Int) {
    self.limit = limit
    self.seconds = max(seconds, 1)
  }

  /// Takes the test's byte total at `now`; returns the average bit/s when it is
  /// above the limit over a full window, else nil.
  mutating func exceeded(total: Int64, at now: ContinuousClock.Instant) -> Double? {
    guard let limit else { return nil }
    if let last = samples.last, last.0.duration(to: now) < .seconds(1) { return nil }
    samples.append((now, total))
    guard samples.count > seconds else { return nil }
    if samples.count > seconds + 1 { samples.removeFirst(samples.count - seconds - 1) }
    let (then, before) = samples[0]
    let elapsed = then.duration(to: now).inSeconds
    guard elapsed > 0 else { return nil }
    let average = Double(total - before) * 8 / elapsed
    return average > Double(limit) ? average : nil
  }
}

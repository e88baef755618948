/// The measuring phase of a test, the same on both sides: it starts the
/// streams, samples them on the interval clock, reports each interval, and at
/// the end takes the last sample, the CPU use and the congestion algorithm.
///
/// Owned by one session's thread.
final class Measurement {
  let streams: [DataStream]
  let start: ContinuousClock.Instant
  /// The `-n` / `-k` limits the local senders stop at.
  let limits: TestLimits
  private let sampler: StreamSampler
  private var clock: IntervalClock
  private let cpuStart: CPUUsage
  private let bond: (any BondWatch)?
  private let observer: any TestObserver

  /// What the phase measured, once it has ended.
  struct Outcome {
    /// The summary from this side's counts alone.
    var summary: TestSummary
    /// The results this side sends in the exchange.
    var results: TestResults
  }

  /// Starts every stream moving data.
  init(
    streams: [DataStream], parameters: TestParameters, interval: Double, dataPath: DataPath,
    limits: TestLimits, bond: (any BondWatch)?, observer: any TestObserver
  ) {
    let start = ContinuousClock.now
    self.streams = streams
    self.start = start
    self.limits = limits
    self.bond = bond
    self.observer = observer
    cpuStart = CPUUsage.now()
    sampler = StreamSampler(
      streams: streams, start: start, omitting: parameters.omit > 0, monitor: bond?.monitor)
    clock = IntervalClock(start: start, intervalSeconds: interval, omitSeconds: parameters.omit)
    let pacer = Pacer(
      rate: parameters.bandwidth ?? 0, burst: parameters.burst ?? 0,
      pacingTimerMicroseconds: parameters.pacingTimer ?? 1000)
    for stream in streams {
      stream.start(
        blockLength: parameters.effectiveLength, limits: limits, dataPath: dataPath,
        batchingReceives: !parameters.endsByCount, pacer: pacer)
    }
  }

  /// Whether the omit period (`-O`) is still running.
  var omitting: Bool { sampler.omitting }

  /// When to wake next: the next interval, or `limit` if that comes first.
  func wake(before limit: ContinuousClock.Instant) -> ContinuousClock.Instant {
    clock.wake(before: limit)
  }

  /// Samples and reports the interval due at `now`, if any. When the omit
  /// period ends the counts (and the `-n` / `-k` limits) start again.
  func sample(at now: ContinuousClock.Instant, into record: inout TestRecord) {
    let (report, omitEnded) = sampler.step(&clock, at: now)
    if omitEnded { limits.reset() }
    // -i 0: iperf3 reports only the one interval covering the test, not the omit period.
    guard let report, clock.interval != nil || !report.omitted else { return }
    record.intervals.append(report)
    observer.interval(report, record: record)
  }

  /// Ends the phase at `end`: reports the last (partial) interval and returns
  /// the totals. Stop the senders first, so every byte sent is counted.
  func finish(at end: ContinuousClock.Instant, role: Role, into record: inout TestRecord)
    -> Outcome
  {
    let cpu = CPUUsage.now().percent(since: cpuStart)
    if let last = sampler.finish(clock, at: end) {
      record.intervals.append(last)
      observer.interval(last, record: record)
    }
    let congestion = streams.first.flatMap { try? $0.connection.socket.congestionControl }
    let totals = sampler.localTotals()
    if let monitor = bond?.monitor { _ = monitor.sampleTotal() }
    return Outcome(
      summary: ResultsExchange.summary(
        role: role, totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion),
      results: ResultsExchange.localResults(
        totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion,
        extra: bond?.resultsExtra() ?? []))
  }
}

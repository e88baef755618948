import Synchronization

/// Samples each slave's kernel byte counters (`/sys/class/net/<slave>/statistics`)
/// per interval and for the whole test.
public final class SlaveCounterMonitor: SlaveMonitor {
  public let slaves: [String]
  let roots: HostRoots
  private struct State {
    var baseline: [CounterSample] = []
    var previous: [CounterSample] = []
    var lastTotal: [SlaveSample] = []
  }
  private let state = Mutex(State())

  public init(slaves: [String], roots: HostRoots = .live) {
    self.slaves = slaves
    self.roots = roots
  }

  /// Reads every slave now; nil if a counter can't be read.
  private func read() -> [CounterSample]? {
    try? InterfaceCounters.read(interfaces: slaves, roots: roots, at: .now)
  }

  public func reset() {
    let now = read() ?? []
    state.withLock {
      $0.baseline = now
      $0.previous = now
    }
  }

  private func samples(from earlier: [CounterSample], to later: [CounterSample]) -> [SlaveSample] {
    guard earlier.count == later.count else { return [] }
    return zip(earlier, later).enumerated().map { index, pair in
      let delta = pair.1.delta(since: pair.0)
      return SlaveSample(
        index: index, name: slaves[index], txBytes: Int64(delta.txBytes),
        rxBytes: Int64(delta.rxBytes), seconds: delta.seconds)
    }
  }

  public func sampleInterval() -> [SlaveSample] {
    guard let now = read() else { return [] }
    return state.withLock {
      let result = samples(from: $0.previous, to: now)
      $0.previous = now
      return result
    }
  }

  public func sampleTotal() -> [SlaveSample] {
    guard let now = read() else { return [] }
    return state.withLock {
      let result = samples(from: $0.baseline, to: now)
      $0.lastTotal = result
      return result
    }
  }

  /// The totals of the last ``sampleTotal()`` (what the server reports to its client).
  public var lastTotals: [SlaveSample] { state.withLock { $0.lastTotal } }
}

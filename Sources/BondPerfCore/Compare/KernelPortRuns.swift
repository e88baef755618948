/// `compare --repeat N`, "the lottery": the kernel-port phase run N times, each
/// time on the ports the kernel hands out then, summed up as the lowest, median
/// and highest received rate and how many runs put traffic on every slave.
/// Pinned and calibrated ports are chosen, not drawn, so those phases run once.
public struct KernelPortRuns: Sendable, Equatable {
  /// One run of the kernel-port phase.
  public struct Run: Sendable, Equatable {
    /// The receiver's rate (`end.sum_received`).
    public var bitsPerSecond: Double
    /// Slaves of this host that carried the test's traffic, of how many.
    public var slavesUsed: Int
    public var slaveCount: Int
    /// The same on the server, when it reported its slaves; nil otherwise.
    public var peerSlavesUsed: Int?
    public var peerSlaveCount: Int?

    public init(
      bitsPerSecond: Double, slavesUsed: Int, slaveCount: Int, peerSlavesUsed: Int? = nil,
      peerSlaveCount: Int? = nil
    ) {
      self.bitsPerSecond = bitsPerSecond
      self.slavesUsed = slavesUsed
      self.slaveCount = slaveCount
      self.peerSlavesUsed = peerSlavesUsed
      self.peerSlaveCount = peerSlaveCount
    }

    /// Every slave of this host carried traffic, and every slave of the
    /// server too when it reported them.
    public var coveredEverySlave: Bool {
      guard slavesUsed >= slaveCount else { return false }
      guard let peerSlavesUsed, let peerSlaveCount else { return true }
      return peerSlavesUsed >= peerSlaveCount
    }
  }

  /// The runs, in the order they ran.
  public var runs: [Run]

  /// Nil without runs.
  public init?(runs: [Run]) {
    guard !runs.isEmpty else { return nil }
    self.runs = runs
  }

  public var minimum: Double { runs.map(\.bitsPerSecond).min() ?? 0 }
  public var maximum: Double { runs.map(\.bitsPerSecond).max() ?? 0 }

  /// The middle rate; the mean of the two middle ones for an even count.
  public var median: Double {
    let sorted = runs.map(\.bitsPerSecond).sorted()
    let middle = sorted.count / 2
    guard sorted.count % 2 == 0 else { return sorted[middle] }
    return (sorted[middle - 1] + sorted[middle]) / 2
  }

  /// The run whose record stands for the phase (its full result in the JSON,
  /// its per-slave rows in the text): the one nearest the median, the earlier
  /// of two equally near.
  public var medianRunIndex: Int {
    let median = median
    return runs.indices.min {
      abs(runs[$0].bitsPerSecond - median) < abs(runs[$1].bitsPerSecond - median)
    }
      ?? 0
  }

  public var runsCoveringEverySlave: Int { runs.filter(\.coveredEverySlave).count }

  /// How many of `bytes` (one count per slave) carried at least a tenth of an
  /// equal share of their total: a slave with only stray packets (ARP, another
  /// test's ACKs) does not count as used.
  public static func slavesUsed(_ bytes: [Int64]) -> Int {
    let total = bytes.reduce(0, +)
    guard total > 0, !bytes.isEmpty else { return 0 }
    let floor = Double(total) / Double(bytes.count) / 10
    return bytes.filter { Double($0) >= floor }.count
  }

  /// A run as `record` shows it: this host's sending slaves from its counters
  /// (or, without them, the slaves the model predicted for its streams), the
  /// server's receiving slaves from what it reported.
  public static func run(_ record: TestRecord, slaveCount: Int) -> Run {
    let local =
      record.bond?["per_slave"]?.arrayValue?.compactMap { $0["tx_bytes"]?.intValue } ?? []
    let used: Int
    if local.count == slaveCount, local.contains(where: { $0 > 0 }) {
      used = slavesUsed(local)
    } else {
      used = Set(record.connected.compactMap(\.predictedSlave)).count
    }
    let peer = BondReport.peerTotals(record.peerExtra)
    return Run(
      bitsPerSecond: CompareTable.received(record), slavesUsed: used, slaveCount: slaveCount,
      peerSlavesUsed: peer.isEmpty ? nil : slavesUsed(peer.map(\.rxBytes)),
      peerSlaveCount: peer.isEmpty ? nil : peer.count)
  }

  /// "5 runs on fresh kernel ports: min 190 Mbit/s, median 285 Mbit/s, max 380
  /// Mbit/s; 2 of 5 covered every slave (both hosts')".
  public var text: String {
    func rate(_ value: Double) -> String {
      String(Units.bitsPerSecond(value).drop { $0 == " " })
    }
    let both = runs.contains { $0.peerSlaveCount != nil } ? " (both hosts')" : ""
    return "\(runs.count) runs on fresh kernel ports: min \(rate(minimum)), "
      + "median \(rate(median)), max \(rate(maximum)); "
      + "\(runsCoveringEverySlave) of \(runs.count) covered every slave\(both)"
  }

  /// `phases[].repeat` in `compare --json`.
  public var json: JSONValue {
    .object([
      ("runs", .int(Int64(runs.count))),
      ("min_bits_per_second", .double(minimum)),
      ("median_bits_per_second", .double(median)),
      ("max_bits_per_second", .double(maximum)),
      ("runs_covering_every_slave", .int(Int64(runsCoveringEverySlave))),
      ("median_run", .int(Int64(medianRunIndex))),
      (
        "each",
        .array(
          runs.map { run in
            var members: [(String, JSONValue)] = [
              ("bits_per_second", .double(run.bitsPerSecond)),
              ("slaves_used", .int(Int64(run.slavesUsed))),
              ("slaves", .int(Int64(run.slaveCount))),
            ]
            if let used = run.peerSlavesUsed, let count = run.peerSlaveCount {
              members.append(("peer_slaves_used", .int(Int64(used))))
              members.append(("peer_slaves", .int(Int64(count))))
            }
            members.append(("covered_every_slave", .bool(run.coveredEverySlave)))
            return .object(members)
          })
      ),
    ])
  }
}

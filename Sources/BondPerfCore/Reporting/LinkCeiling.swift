/// The most a bond's usable slaves can carry one way, and the most one pair
/// of hosts can get through it under the hash policy.
public struct LinkCeiling: Sendable, Hashable {
  /// The nominal ceiling in bit/s: the usable slaves' rates summed (the
  /// slowest one for broadcast and active-backup); nil when a rate is unknown.
  public var bitsPerSecond: Double?
  /// What one pair of hosts can reach: one slave's rate where the policy
  /// ignores ports (layer2, layer2+3, vlan+srcmac, encap2+3), else the nominal.
  public var reachableBitsPerSecond: Double?
  /// Why the ceiling is unknown, when it is.
  public var unknownReason: String?

  public init(
    bitsPerSecond: Double?, reachableBitsPerSecond: Double? = nil, unknownReason: String? = nil
  ) {
    self.bitsPerSecond = bitsPerSecond
    self.reachableBitsPerSecond = reachableBitsPerSecond ?? bitsPerSecond
    self.unknownReason = bitsPerSecond == nil ? unknownReason ?? "unknown" : nil
  }

  /// The ceiling of `description`'s usable slaves.
  ///
  /// - Parameters:
  ///   - rates: Each usable slave's rate (``SlaveRate/read(name:speedMbps:roots:qdiscRate:)``).
  ///   - given: `--slave-rate`, which wins over what was read.
  public init(description: BondDescription, rates: [SlaveRate], given: Int64?) {
    let count = description.slaveCount
    let perSlave: [Int64?] =
      given.map { Array(repeating: $0, count: count) }
      ?? (rates.count == count ? rates.map(\.bitsPerSecond) : [])
    let known = perSlave.compactMap { $0 }
    guard count > 0, known.count == count, let slowest = known.min() else {
      let virtual = rates.contains { $0.source == .virtualLink }
      self.init(
        bitsPerSecond: nil,
        unknownReason: virtual
          ? "unknown (virtual link; pass --slave-rate)"
          : "unknown (slave speeds unknown; pass --slave-rate)")
      return
    }
    let mode = description.model.mode
    let oneSlave = mode == .broadcast || mode == .activeBackup
    let total = oneSlave ? Double(slowest) : Double(known.reduce(0, +))
    let policy = description.model.policy
    let hashes = mode == .balanceXOR || mode == .ieee8023ad
    let pairGetsOne = hashes && !policy.usesPorts && policy != .encap3_4
    self.init(
      bitsPerSecond: total, reachableBitsPerSecond: pairGetsOne ? Double(known.max() ?? 0) : total)
  }

  /// `400 Mbits/sec`, with the reachable ceiling beside it when it is lower:
  /// `400 Mbits/sec (one pair of hosts: 100 Mbits/sec)`; else why it is unknown.
  public var text: String {
    guard let bitsPerSecond else { return unknownReason ?? "unknown" }
    var text = Units.bitsPerSecond(bitsPerSecond).trimmingLeadingSpaces
    if let reachable = reachableBitsPerSecond, reachable < bitsPerSecond {
      text += " (one pair of hosts: \(Units.bitsPerSecond(reachable).trimmingLeadingSpaces))"
    }
    return text
  }
}

extension String {
  /// The string without the padding iperf3's units put in front of a number.
  var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}

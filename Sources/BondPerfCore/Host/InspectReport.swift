import Foundation

/// What `bondperf inspect` shows: a bond, its warnings, and whether the host's
/// TCP buffers suit the bond's bandwidth.
public struct InspectReport: Hashable, Sendable, Codable {
  /// The bond as read from the kernel.
  public var bond: BondInfo
  /// `uname -r`, if readable.
  public var kernelRelease: String?
  /// The round-trip time assumed for the bandwidth-delay product, in seconds.
  public var rttSeconds: Double
  /// The sum of the usable slaves' speeds in bit/s (`nil` if unknown).
  public var usableBitsPerSecond: UInt64?
  /// The bandwidth-delay product in bytes for ``usableBitsPerSecond`` and ``rttSeconds``.
  public var bandwidthDelayProductBytes: Double?
  /// The TCP sysctls as read.
  public var tcpTuning: TCPTuning
  /// The sysctls compared with the BDP (empty if the bandwidth is unknown).
  public var tuningFindings: [TuningFinding]

  /// Builds a report from parts already read.
  public init(
    bond: BondInfo, kernelRelease: String? = nil, tcpTuning: TCPTuning, rttSeconds: Double = 0.001
  ) {
    self.bond = bond
    self.kernelRelease = kernelRelease
    self.rttSeconds = rttSeconds
    self.tcpTuning = tcpTuning
    self.usableBitsPerSecond = bond.usableBitsPerSecond
    if let bits = bond.usableBitsPerSecond {
      self.bandwidthDelayProductBytes = TCPTuning.bandwidthDelayProduct(
        bandwidthBitsPerSecond: Double(bits), rttSeconds: rttSeconds)
      self.tuningFindings = tcpTuning.assess(
        bandwidthBitsPerSecond: Double(bits), rttSeconds: rttSeconds)
    } else {
      self.bandwidthDelayProductBytes = nil
      self.tuningFindings = []
    }
  }

  /// Reads the bond, kernel release and TCP sysctls and builds the report.
  ///
  /// - Throws: ``HostError`` if the bond can't be read.
  public static func make(
    bond: String, roots: HostRoots = .live, rttSeconds: Double = 0.001
  ) throws -> InspectReport {
    InspectReport(
      bond: try BondInfo.read(bond: bond, roots: roots),
      kernelRelease: try? KernelRelease.read(roots: roots),
      tcpTuning: TCPTuning.read(roots: roots),
      rttSeconds: rttSeconds)
  }

  /// The report as pretty-printed JSON with sorted snake_case keys.
  public func json() throws -> String {
    try ScriptJSON.encode(self)
  }

  /// The report as readable lines.
  public var text: String {
    var lines: [String] = []
    let b = bond
    var head = "\(b.name): mode \(b.mode.rawValue) (\(b.mode.kernelValue))"
    if let policy = b.hashPolicy { head += ", xmit_hash_policy \(policy.rawValue)" }
    lines.append(head)
    if let kernelRelease { lines.append("  kernel:            \(kernelRelease)") }
    var mac = "  bond MAC:          \(b.macAddress?.description ?? "unknown")"
    if let status = b.miiStatus { mac += ", MII \(status.rawValue)" }
    if let miimon = b.miimon { mac += ", miimon \(miimon) ms" }
    lines.append(mac)
    if b.mode == .ieee8023ad {
      var lacp = "  LACP rate:         \(b.lacpRate?.rawValue ?? "unknown")"
      if let select = b.adSelect { lacp += ", ad_select \(select)" }
      if let active = b.lacpActive { lacp += ", lacp_active \(active ? "on" : "off")" }
      if let minLinks = b.minLinks { lacp += ", min_links \(minLinks)" }
      lines.append(lacp)
      if let agg = b.activeAggregator {
        var parts = ["id \(agg.id)"]
        if let ports = agg.numberOfPorts { parts.append("\(ports) ports") }
        if let key = agg.actorKey { parts.append("actor key \(key)") }
        if let key = agg.partnerKey { parts.append("partner key \(key)") }
        if let partner = agg.partnerMAC { parts.append("partner MAC \(partner)") }
        lines.append("  active aggregator: " + parts.joined(separator: ", "))
      } else {
        lines.append("  active aggregator: none")
      }
    }
    if [.balanceTLB, .balanceALB].contains(b.mode), let dynamic = b.tlbDynamicLB {
      lines.append(
        "  tlb_dynamic_lb:    "
          + (dynamic
            ? "1 (each flow goes to the least loaded slave and is rebalanced every 10 s: "
              + "no stream's slave can be predicted)"
            : "0 (flows are spread by xmit_hash_policy like balance-xor: streams can be pinned)"))
    }
    if let active = b.activeSlave { lines.append("  active slave:      \(active)") }
    var usable =
      "  usable slaves:     "
      + (b.usableSlaves.isEmpty ? "none" : b.usableSlaves.joined(separator: ", "))
    if let bits = usableBitsPerSecond { usable += " (\(Units.hostBitrate(Double(bits))))" }
    lines.append(usable)
    lines.append("  slaves:")
    for slave in b.slaves { lines.append("    " + Self.describe(slave, mode: b.mode)) }
    if !b.warnings.isEmpty {
      lines.append("  warnings:")
      for warning in b.warnings { lines.append("    - " + warning) }
    }
    if let bits = usableBitsPerSecond, let bdp = bandwidthDelayProductBytes {
      lines.append(
        "  TCP tuning (BDP \(Units.hostBytes(bdp)) = \(Units.hostBitrate(Double(bits))) × "
          + "RTT \(Units.milliseconds(rttSeconds))):")
      for finding in tuningFindings {
        lines.append("    [\(finding.level.rawValue)] \(finding.message)")
      }
    } else {
      lines.append(
        "  TCP tuning: usable bandwidth unknown "
          + "(no usable slave, or a usable slave's speed is unknown)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func describe(_ slave: SlaveInfo, mode: BondMode) -> String {
    var parts = [slave.name, "MII \(slave.miiStatus.rawValue)"]
    parts.append(slave.speedMbps.map { "\($0) Mbps" } ?? "speed unknown")
    parts.append(slave.duplex?.rawValue ?? "duplex unknown")
    if mode == .ieee8023ad {
      parts.append("aggregator " + (slave.aggregatorID.map(String.init) ?? "N/A"))
      if let partner = slave.partnerSystemMAC { parts.append("partner \(partner)") }
      if let key = slave.actorKey { parts.append("key \(key)") }
      if let key = slave.partnerKey { parts.append("partner key \(key)") }
      if let state = slave.actorPortState {
        parts.append("actor state " + SlaveInfo.describePortState(state))
      }
      if let state = slave.partnerPortState {
        parts.append("partner state " + SlaveInfo.describePortState(state))
      }
      if let actor = slave.actorChurnState, let partner = slave.partnerChurnState {
        parts.append(
          "churn \(actor)/\(partner) (churned \(slave.actorChurnedCount ?? 0)/"
            + "\(slave.partnerChurnedCount ?? 0))")
      }
    }
    if let state = slave.state { parts.append(state) }
    if let perm = slave.permanentAddress { parts.append("perm \(perm)") }
    parts.append("link failures \(slave.linkFailureCount)")
    return parts.joined(separator: ", ")
  }
}

/// A Linux bond as the kernel describes it, with the slaves that can carry traffic.
///
/// Build one from the live host (or a fixture tree) with
/// ``read(bond:roots:)``, or directly for tests. Encodes to JSON with
/// `convertToSnakeCase` keys (`usable_slaves`, `tlb_dynamic_lb`, …).
public struct BondInfo: Hashable, Sendable, Codable {
  /// The bond's interface name, e.g. `bond0`.
  public var name: String
  /// The bonding mode.
  public var mode: BondMode
  /// The transmit hash policy; `nil` for modes that don't hash (rr, active-backup, broadcast).
  public var hashPolicy: BondHashPolicy?
  /// The bond's own MAC address.
  public var macAddress: MACAddress?
  /// Whether the bond has carrier (`MII Status` of the master).
  public var miiStatus: LinkStatus?
  /// The MII link-monitor interval in milliseconds (0 = off).
  public var miimon: Int?
  /// The LACP rate (802.3ad only).
  public var lacpRate: LACPRate?
  /// The aggregator selection policy word (`stable`, `bandwidth`, `count`; 802.3ad only).
  public var adSelect: String?
  /// `lacp_active`: whether this end sends LACPDUs periodically (802.3ad only; `nil`
  /// on kernels before 5.15, which are always active).
  public var lacpActive: Bool?
  /// `min_links`: the active aggregator's ports needed for carrier (802.3ad only).
  public var minLinks: Int?
  /// `tlb_dynamic_lb` (meaningful for balance-tlb and balance-alb).
  public var tlbDynamicLB: Bool?
  /// The currently active slave (active-backup, tlb, alb).
  public var activeSlave: String?
  /// The active 802.3ad aggregator, `nil` outside 802.3ad or when there is none.
  public var activeAggregator: ActiveAggregator?
  /// Every slave, in enslave order.
  public var slaves: [SlaveInfo]
  /// The slaves that carry transmitted traffic, in enslave order (see ``usableSlaveNames(mode:slaves:activeAggregatorID:activeSlave:minLinks:)``).
  public var usableSlaves: [String]
  /// Plain-language problems that limit throughput or stream pinning.
  public var warnings: [String]

  /// Creates a description and computes ``usableSlaves`` and ``warnings`` as
  /// the kernel would.
  public init(
    name: String, mode: BondMode, hashPolicy: BondHashPolicy? = nil,
    macAddress: MACAddress? = nil, miiStatus: LinkStatus? = nil, miimon: Int? = nil,
    lacpRate: LACPRate? = nil, adSelect: String? = nil, lacpActive: Bool? = nil,
    minLinks: Int? = nil, tlbDynamicLB: Bool? = nil,
    activeSlave: String? = nil, activeAggregator: ActiveAggregator? = nil,
    slaves: [SlaveInfo]
  ) {
    self.name = name
    self.mode = mode
    self.hashPolicy = Self.modeHashes(mode) ? hashPolicy : nil
    self.macAddress = macAddress
    self.miiStatus = miiStatus
    self.miimon = miimon
    self.lacpRate = lacpRate
    self.adSelect = adSelect
    self.lacpActive = lacpActive
    self.minLinks = minLinks
    self.tlbDynamicLB = tlbDynamicLB
    self.activeSlave = activeSlave
    self.activeAggregator = activeAggregator
    self.slaves = slaves
    self.usableSlaves = Self.usableSlaveNames(
      mode: mode, slaves: slaves, activeAggregatorID: activeAggregator?.id,
      activeSlave: activeSlave, minLinks: mode == .ieee8023ad ? minLinks : nil)
    self.warnings = []
    self.warnings = computeWarnings()
  }

  /// The usable slaves' descriptions, in enslave order.
  public var usableSlaveInfos: [SlaveInfo] {
    slaves.filter { usableSlaves.contains($0.name) }
  }

  /// The bandwidth available to transmit, in bit/s: the sum of the usable
  /// slaves' speeds (one slave's for active-backup and broadcast). `nil` if a
  /// usable slave's speed is unknown or none is usable.
  public var usableBitsPerSecond: UInt64? {
    let speeds = usableSlaveInfos.map(\.speedMbps)
    guard !speeds.isEmpty, speeds.allSatisfy({ $0 != nil }) else { return nil }
    let mbps = speeds.compactMap { $0 }
    let total = mode == .broadcast ? (mbps.min() ?? 0) : mbps.reduce(0, +)
    return UInt64(max(total, 0)) * 1_000_000
  }

  // Acronyms are spelled `Lb` in the keys so `convertToSnakeCase` and
  // `convertFromSnakeCase` round-trip (`tlb_dynamic_lb`).
  private enum CodingKeys: String, CodingKey {
    case name, mode, hashPolicy, macAddress, miiStatus, miimon, lacpRate, adSelect
    case lacpActive, minLinks
    case tlbDynamicLB = "tlbDynamicLb"
    case activeSlave, activeAggregator, slaves, usableSlaves, warnings
  }

  /// Whether the mode consults `xmit_hash_policy` at all.
  static func modeHashes(_ mode: BondMode) -> Bool {
    switch mode {
    case .balanceXOR, .ieee8023ad, .balanceTLB, .balanceALB: true
    case .balanceRR, .activeBackup, .broadcast: false
    }
  }
}

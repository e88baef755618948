/// One enslaved interface, as the bond reports it.
public struct SlaveInfo: Hashable, Sendable, Codable {
  /// The interface name, e.g. `eth0`.
  public var name: String
  /// The bond's view of the link (`MII Status`).
  public var miiStatus: LinkStatus
  /// The link speed in Mbit/s, `nil` when unknown (link down).
  public var speedMbps: Int?
  /// The duplex, `nil` when unknown.
  public var duplex: Duplex?
  /// The address the interface had before it was enslaved.
  public var permanentAddress: MACAddress?
  /// How often the bond saw this link fail.
  public var linkFailureCount: Int
  /// `active` or `backup` (sysfs `bonding_slave/state`).
  public var state: String?
  /// The 802.3ad aggregator this port is attached to; `nil` outside 802.3ad or when unattached.
  public var aggregatorID: Int?
  /// The LACP actor port state bits (802.3ad only, needs `CAP_NET_ADMIN` on older kernels).
  public var actorPortState: Int?
  /// The LACP partner port state bits.
  public var partnerPortState: Int?
  /// The partner's system MAC as seen on this port (802.3ad, `CAP_NET_ADMIN`).
  public var partnerSystemMAC: MACAddress?
  /// `none`, `monitoring` or `churned` (802.3ad).
  public var actorChurnState: String?
  /// `none`, `monitoring` or `churned` (802.3ad).
  public var partnerChurnState: String?
  /// How often the actor churn machine reached `churned`.
  public var actorChurnedCount: Int?
  /// How often the partner churn machine reached `churned`.
  public var partnerChurnedCount: Int?

  /// Creates a slave description; only the name and link status are required.
  public init(
    name: String, miiStatus: LinkStatus, speedMbps: Int? = nil, duplex: Duplex? = nil,
    permanentAddress: MACAddress? = nil, linkFailureCount: Int = 0, state: String? = nil,
    aggregatorID: Int? = nil, actorPortState: Int? = nil, partnerPortState: Int? = nil,
    partnerSystemMAC: MACAddress? = nil, actorChurnState: String? = nil,
    partnerChurnState: String? = nil, actorChurnedCount: Int? = nil,
    partnerChurnedCount: Int? = nil
  ) {
    self.name = name
    self.miiStatus = miiStatus
    self.speedMbps = speedMbps
    self.duplex = duplex
    self.permanentAddress = permanentAddress
    self.linkFailureCount = linkFailureCount
    self.state = state
    self.aggregatorID = aggregatorID
    self.actorPortState = actorPortState
    self.partnerPortState = partnerPortState
    self.partnerSystemMAC = partnerSystemMAC
    self.actorChurnState = actorChurnState
    self.partnerChurnState = partnerChurnState
    self.actorChurnedCount = actorChurnedCount
    self.partnerChurnedCount = partnerChurnedCount
  }

  // Acronyms are spelled `Id`/`Mac` in the keys so snake_case round-trips.
  private enum CodingKeys: String, CodingKey {
    case name, miiStatus, speedMbps, duplex, permanentAddress, linkFailureCount, state
    case aggregatorID = "aggregatorId"
    case actorPortState, partnerPortState
    case partnerSystemMAC = "partnerSystemMac"
    case actorChurnState, partnerChurnState, actorChurnedCount, partnerChurnedCount
  }

  /// The LACP `Distributing` bit (0x20) of the actor state: whether the port
  /// is allowed to transmit. `nil` when the state is unknown.
  public var isDistributing: Bool? {
    actorPortState.map { $0 & 0x20 != 0 }
  }
}

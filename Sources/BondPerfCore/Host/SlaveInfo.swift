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
  /// This port's LACP key (`port key` of the actor's details, 802.3ad, `CAP_NET_ADMIN`).
  public var actorKey: Int?
  /// The key the partner announced on this port (`oper key` of the partner's details):
  /// ports join one aggregator only when their partners' keys (and systems) match.
  public var partnerKey: Int?
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
    partnerSystemMAC: MACAddress? = nil, actorKey: Int? = nil, partnerKey: Int? = nil,
    actorChurnState: String? = nil,
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
    self.actorKey = actorKey
    self.partnerKey = partnerKey
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
    case actorKey, partnerKey
    case actorChurnState, partnerChurnState, actorChurnedCount, partnerChurnedCount
  }

  /// The LACP `Distributing` bit (0x20) of the actor state: whether the port
  /// is allowed to transmit. `nil` when the state is unknown.
  public var isDistributing: Bool? {
    actorPortState.map { $0 & 0x20 != 0 }
  }

  /// The partner's LACP_Activity bit (0x01): whether it sends LACPDUs on its own
  /// (active) or only answers them (passive). `nil` when unknown.
  public var partnerIsActive: Bool? {
    partnerPortState.map { $0 & 0x01 != 0 }
  }

  /// Whether the partner's information on this port timed out: the `Expired`
  /// (0x80) or `Defaulted` (0x40) bit of the actor state, or `Expired` as the
  /// partner last announced it. `nil` when unknown.
  public var partnerInfoStale: Bool? {
    guard let actor = actorPortState else { return nil }
    return actor & 0xC0 != 0 || (partnerPortState ?? 0) & 0x80 != 0
  }

  /// The port state bits as LACP names them, lowest first: `63 (activity,
  /// short-timeout, aggregation, sync, collecting, distributing)`.
  public static func describePortState(_ state: Int) -> String {
    let names = [
      "activity", "short-timeout", "aggregation", "sync", "collecting", "distributing",
      "defaulted", "expired",
    ]
    let set = names.enumerated().filter { state & (1 << $0.offset) != 0 }.map(\.element)
    return "\(state) (\(set.isEmpty ? "none" : set.joined(separator: ", ")))"
  }
}

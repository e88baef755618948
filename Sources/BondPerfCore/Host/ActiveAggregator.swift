/// The 802.3ad aggregator the bond transmits on (`Active Aggregator Info`).
public struct ActiveAggregator: Hashable, Sendable, Codable {
  /// The aggregator's identifier, matching the slaves' `Aggregator ID`.
  public var id: Int
  /// `Number of ports` as the kernel counts them.
  public var numberOfPorts: Int?
  /// The local LACP key (needs `CAP_NET_ADMIN`).
  public var actorKey: Int?
  /// The partner's LACP key (needs `CAP_NET_ADMIN`).
  public var partnerKey: Int?
  /// The partner's system MAC, i.e. the switch or peer host (needs `CAP_NET_ADMIN`).
  public var partnerMAC: MACAddress?

  /// Creates an aggregator description.
  public init(
    id: Int, numberOfPorts: Int? = nil, actorKey: Int? = nil, partnerKey: Int? = nil,
    partnerMAC: MACAddress? = nil
  ) {
    self.id = id
    self.numberOfPorts = numberOfPorts
    self.actorKey = actorKey
    self.partnerKey = partnerKey
    self.partnerMAC = partnerMAC
  }

  // `partnerMAC` is spelled `partnerMac` in the keys so snake_case round-trips.
  private enum CodingKeys: String, CodingKey {
    case id, numberOfPorts, actorKey, partnerKey
    case partnerMAC = "partnerMac"
  }
}

/// The bonding driver's `xmit_hash_policy`, spelled as in sysfs.
public enum BondHashPolicy: String, Hashable, Sendable, Codable, CaseIterable {
  case layer2 = "layer2"
  case layer3_4 = "layer3+4"
  case layer2_3 = "layer2+3"
  case encap2_3 = "encap2+3"
  case encap3_4 = "encap3+4"
  case vlanSrcMAC = "vlan+srcmac"

  /// The kernel's numeric value (as in `/sys/class/net/<bond>/bonding/xmit_hash_policy`).
  public var kernelValue: Int {
    switch self {
    case .layer2: 0
    case .layer3_4: 1
    case .layer2_3: 2
    case .encap2_3: 3
    case .encap3_4: 4
    case .vlanSrcMAC: 5
    }
  }

  /// Whether the transport ports enter the hash (so source ports can steer a flow).
  public var usesPorts: Bool { self == .layer3_4 || self == .encap3_4 }

  /// Whether the fields come from the full flow dissector (inner headers of tunnels).
  public var isEncap: Bool { self == .encap2_3 || self == .encap3_4 }

  /// Parses the sysfs spelling, also its `"layer3+4 1"` form and the number alone.
  public init?(sysfs text: String) {
    let word = text.split(separator: " ").first.map(String.init) ?? ""
    if let policy = BondHashPolicy(rawValue: word) {
      self = policy
    } else if let number = Int(word),
      let policy = BondHashPolicy.allCases.first(where: { $0.kernelValue == number })
    {
      self = policy
    } else {
      return nil
    }
  }
}

/// The header fields of one flow's packets that a bond's transmit hash can read.
///
/// Addresses are `nil` for a non-IP frame. Ports apply to TCP, UDP, SCTP,
/// DCCP and UDP-Lite; `icmp` to ICMP and ICMPv6.
public struct FlowKey: Hashable, Sendable, Codable {
  /// IANA protocol numbers the model distinguishes.
  public enum IPProtocol: Hashable, Sendable, Codable, CustomStringConvertible {
    case tcp, udp, sctp, dccp, udpLite, icmp, icmpv6
    /// ESP or AH: the kernel hashes the SPI as if it were the ports.
    case esp(spi: UInt32)
    case ah(spi: UInt32)
    case other(UInt8)

    public var number: UInt8 {
      switch self {
      case .tcp: 6
      case .udp: 17
      case .sctp: 132
      case .dccp: 33
      case .udpLite: 136
      case .icmp: 1
      case .icmpv6: 58
      case .esp: 50
      case .ah: 51
      case .other(let number): number
      }
    }

    public var description: String {
      switch self {
      case .tcp: "tcp"
      case .udp: "udp"
      case .sctp: "sctp"
      case .dccp: "dccp"
      case .udpLite: "udplite"
      case .icmp: "icmp"
      case .icmpv6: "icmpv6"
      case .esp: "esp"
      case .ah: "ah"
      case .other(let number): "proto-\(number)"
      }
    }

    /// Parses `tcp`, `udp`, `sctp`, `dccp`, `udplite`, `icmp`, `icmpv6` or a protocol number.
    public init?(name: some StringProtocol) {
      if name == "tcp" {
        self = .tcp
        return
      }
      switch name.lowercased() {
      case "tcp": self = .tcp
      case "udp": self = .udp
      case "sctp": self = .sctp
      case "dccp": self = .dccp
      case "udplite", "udp-lite": self = .udpLite
      case "icmp": self = .icmp
      case "icmpv6", "ipv6-icmp": self = .icmpv6
      default:
        guard let number = UInt8(name) else { return nil }
        switch number {
        case 6: self = .tcp
        case 17: self = .udp
        case 132: self = .sctp
        case 33: self = .dccp
        case 136: self = .udpLite
        case 1: self = .icmp
        case 58: self = .icmpv6
        default: self = .other(number)
        }
      }
    }
  }

  /// ICMP header fields the kernel reads (`skb_flow_get_icmp_tci`).
  public struct ICMPFields: Hashable, Sendable, Codable {
    public var type: UInt8
    public var code: UInt8
    /// The echo identifier, as a number (host order).
    public var identifier: UInt16

    public init(type: UInt8, code: UInt8 = 0, identifier: UInt16 = 0) {
      self.type = type
      self.code = code
      self.identifier = identifier
    }
  }

  public var sourceMAC: MACAddress
  public var destinationMAC: MACAddress
  public var source: IPAddress?
  public var destination: IPAddress?
  public var ipProtocol: IPProtocol
  public var sourcePort: UInt16
  public var destinationPort: UInt16
  public var icmp: ICMPFields?
  /// An IP fragment (more-fragments set or a non-zero offset, first fragment included).
  public var isFragment: Bool
  /// IPv6 with an extension header after the fixed header: the kernel then sees no ports.
  public var hasIPv6ExtensionHeader: Bool
  /// The out-of-band VLAN tag's whole TCI (PCP, DEI and VID), if the frame carries one.
  public var vlanTCI: UInt16?
  /// The ethertype of a non-IP frame (ignored when addresses are given).
  public var nonIPEthertype: UInt16
  /// The packet carries its socket's random tx hash (`skb->l4_hash`): true for
  /// locally generated TCP and connected UDP, false for forwarded traffic
  /// without an L4 RSS hash. Only encap3+4 looks at it.
  public var carriesSocketHash: Bool

  public init(
    sourceMAC: MACAddress = .zero, destinationMAC: MACAddress = .zero,
    source: IPAddress?, destination: IPAddress?,
    ipProtocol: IPProtocol = .tcp, sourcePort: UInt16 = 0, destinationPort: UInt16 = 0,
    icmp: ICMPFields? = nil, isFragment: Bool = false, hasIPv6ExtensionHeader: Bool = false,
    vlanTCI: UInt16? = nil, nonIPEthertype: UInt16 = 0x0806, carriesSocketHash: Bool? = nil
  ) {
    self.sourceMAC = sourceMAC
    self.destinationMAC = destinationMAC
    self.source = source
    self.destination = destination
    self.ipProtocol = ipProtocol
    self.sourcePort = sourcePort
    self.destinationPort = destinationPort
    self.icmp = icmp
    self.isFragment = isFragment
    self.hasIPv6ExtensionHeader = hasIPv6ExtensionHeader
    self.vlanTCI = vlanTCI
    self.nonIPEthertype = nonIPEthertype
    self.carriesSocketHash =
      carriesSocketHash ?? (ipProtocol == .tcp || ipProtocol == .udp)
  }

  /// The ethertype on the wire: IPv4 0x0800, IPv6 0x86DD, or the non-IP value.
  public var ethertype: UInt16 {
    guard let source else { return nonIPEthertype }
    return source.isIPv4 ? 0x0800 : 0x86DD
  }

  /// The same flow seen from the other end (reply direction).
  public var reversed: FlowKey {
    var flow = self
    flow.sourceMAC = destinationMAC
    flow.destinationMAC = sourceMAC
    flow.source = destination
    flow.destination = source
    flow.sourcePort = destinationPort
    flow.destinationPort = sourcePort
    if var icmp, icmp.type == 8 || icmp.type == 128 {
      icmp.type = icmp.type == 8 ? 0 : 129
      flow.icmp = icmp
    }
    return flow
  }
}

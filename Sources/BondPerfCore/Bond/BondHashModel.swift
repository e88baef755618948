/// The Linux bonding driver's transmit slave choice, modeled exactly
/// (`bond_xmit_hash` in the kernel's `drivers/net/bonding/bond_main.c`)
/// for a little-endian host.
///
/// Pure: no I/O. The kernel version selects the historical variants: the
/// `>> 1` step and how the ethertype enters the layer2 term.
public struct BondHashModel: Hashable, Sendable, Codable {
  public var mode: BondMode
  public var policy: BondHashPolicy
  public var kernel: KernelVersion
  /// `tlb_dynamic_lb` for balance-tlb and balance-alb (the kernel's default is 1).
  public var tlbDynamicLB: Bool

  public init(
    mode: BondMode = .ieee8023ad, policy: BondHashPolicy, kernel: KernelVersion,
    tlbDynamicLB: Bool = true
  ) {
    self.mode = mode
    self.policy = policy
    self.kernel = kernel
    self.tlbDynamicLB = tlbDynamicLB
  }

  /// The outcome of hashing one packet of a flow.
  public enum Hash: Hashable, Sendable {
    /// The 32-bit value the driver reduces with `% count`.
    case value(UInt32)
    /// The driver's choice does not follow from the packet's headers.
    case unpredictable(reason: String)
  }

  /// Where a flow's packets leave the bond.
  public enum Selection: Hashable, Sendable {
    /// Every packet of the flow leaves on usable slave `index`.
    case slave(index: Int, hash: UInt32)
    /// balance-rr: each packet (skb) goes to the next slave; a flow has no slave.
    case perPacket(reason: String)
    /// active-backup: everything leaves on the active slave.
    case activeSlave(reason: String)
    /// broadcast: every packet leaves on every slave.
    case allSlaves(reason: String)
    /// The slave cannot be computed from the packet.
    case unpredictable(reason: String)

    /// The slave index when the flow has one.
    public var index: Int? {
      if case .slave(let index, _) = self { return index }
      return nil
    }
  }

  /// The transmit hash of `flow` (`bond_xmit_hash`), before `% count`.
  public func hash(of flow: FlowKey) -> Hash {
    if policy == .encap3_4 && flow.carriesSocketHash {
      return .unpredictable(
        reason:
          "encap3+4 sends locally generated TCP and connected UDP on the socket's random "
          + "tx hash (skb->l4_hash), not on the headers")
    }
    if policy == .vlanSrcMAC {
      let s = flow.sourceMAC.bytes.map(UInt32.init)
      let vendor = s[0] << 16 | s[1] << 8 | s[2]
      let device = s[3] << 16 | s[4] << 8 | s[5]
      return .value(UInt32(flow.vlanTCI ?? 0) ^ vendor ^ device)
    }
    let l2 = layer2Hash(of: flow)
    guard policy != .layer2, let source = flow.source, let destination = flow.destination,
      source.bytes.count == destination.bytes.count
    else {
      return .value(l2)
    }
    if !policy.isEncap, let icmp = flow.icmp,
      flow.ipProtocol == .icmp || flow.ipProtocol == .icmpv6, !flow.isFragment,
      !(flow.ipProtocol == .icmpv6 && flow.hasIPv6ExtensionHeader),
      BondHashModel.isICMPError(icmp, v6: flow.ipProtocol == .icmpv6)
    {
      return .unpredictable(
        reason:
          "an ICMP error is hashed on the packet it quotes; hash that packet's flow instead")
    }
    var hash: UInt32
    if policy.usesPorts {
      hash = layer4Word(of: flow)
    } else {
      hash = l2
    }
    hash ^= BondHashModel.addressWord(source) ^ BondHashModel.addressWord(destination)
    hash ^= hash >> 16
    hash ^= hash >> 8
    switch kernel.shiftVariant {
    case .none: break
    case .allIPPolicies: hash >>= 1
    case .layer34Only: if policy.usesPorts { hash >>= 1 }
    }
    return .value(hash)
  }

  /// The slave a flow leaves on, among `count` usable slaves in enslave order.
  public func selection(of flow: FlowKey, slaveCount count: Int) -> Selection {
    switch mode {
    case .balanceRR:
      return .perPacket(
        reason: "balance-rr sends each packet on the next slave; a flow has no fixed slave")
    case .activeBackup:
      return .activeSlave(reason: "active-backup sends everything on the active slave")
    case .broadcast:
      return .allSlaves(reason: "broadcast sends every packet on every slave")
    case .balanceTLB, .balanceALB:
      if tlbDynamicLB {
        return .unpredictable(
          reason:
            "\(mode.rawValue) with tlb_dynamic_lb=1 binds hash buckets to the least-loaded "
            + "slave at run time")
      }
    case .balanceXOR, .ieee8023ad:
      break
    }
    guard count > 0 else {
      return .unpredictable(reason: "the bond has no usable slave; packets are dropped")
    }
    switch hash(of: flow) {
    case .unpredictable(let reason):
      return .unpredictable(reason: reason)
    case .value(let value):
      return .slave(index: Int(value % UInt32(count)), hash: value)
    }
  }

  /// `bond_eth_hash`: last MAC bytes and the ethertype.
  func layer2Hash(of flow: FlowKey) -> UInt32 {
    let macs = UInt32(flow.destinationMAC.bytes[5] ^ flow.sourceMAC.bytes[5])
    let type = flow.ethertype
    switch kernel.ethertypeVariant {
    case .numeric: return macs ^ UInt32(type)
    case .raw: return macs ^ UInt32(type.byteSwapped)
    }
  }

  /// The first four L4 bytes as the kernel loads them (a host-order u32 on LE),
  /// or the ICMP `{type, code, id}` word; 0 when the kernel sees no ports.
  func layer4Word(of flow: FlowKey) -> UInt32 {
    if flow.isFragment { return 0 }
    // The layer* dissector stops at any IPv6 extension header; encap* walks past them.
    if !policy.isEncap && flow.source?.isIPv4 == false && flow.hasIPv6ExtensionHeader {
      return 0
    }
    switch flow.ipProtocol {
    case .tcp, .udp, .sctp, .dccp, .udpLite:
      return BondHashModel.littleEndianWord([
        UInt8(flow.sourcePort >> 8), UInt8(flow.sourcePort & 0xff),
        UInt8(flow.destinationPort >> 8), UInt8(flow.destinationPort & 0xff),
      ])
    case .esp(let spi), .ah(let spi):
      return BondHashModel.littleEndianWord([
        UInt8(spi >> 24), UInt8((spi >> 16) & 0xff), UInt8((spi >> 8) & 0xff), UInt8(spi & 0xff),
      ])
    case .icmp, .icmpv6:
      guard kernel.hashesICMPEchoID, let icmp = flow.icmp,
        BondHashModel.icmpHasIdentifier(icmp, v6: flow.ipProtocol == .icmpv6)
      else { return 0 }
      let identifier = icmp.identifier == 0 ? 1 : UInt32(icmp.identifier)
      return UInt32(icmp.type) | UInt32(icmp.code) << 8 | identifier << 16
    case .other:
      return 0
    }
  }

  /// An address as `flow_get_u32_src/dst` sees it: the IPv4 bytes loaded as a
  /// host u32, or for IPv6 the XOR of its four 32-bit words (`ipv6_addr_hash`).
  static func addressWord(_ address: IPAddress) -> UInt32 {
    let bytes = address.bytes
    var word: UInt32 = 0
    var start = 0
    while start + 4 <= bytes.count {
      word ^=
        UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16
        | UInt32(bytes[start + 3]) << 24
      start += 4
    }
    return word
  }

  static func littleEndianWord(_ bytes: [UInt8]) -> UInt32 {
    UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
  }

  /// Echo-like ICMP types whose identifier the kernel hashes (`icmp_has_id`).
  static func icmpHasIdentifier(_ icmp: FlowKey.ICMPFields, v6: Bool) -> Bool {
    v6 ? [128, 129].contains(icmp.type) : [0, 8, 13, 14].contains(icmp.type)
  }

  static func isICMPError(_ icmp: FlowKey.ICMPFields, v6: Bool) -> Bool {
    v6 ? [1, 2, 3, 4].contains(icmp.type) : [3, 4, 5, 11, 12].contains(icmp.type)
  }
}

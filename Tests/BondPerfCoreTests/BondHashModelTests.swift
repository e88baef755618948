import Testing

@testable import BondPerfCore

/// Golden vectors and properties from docs/bonding-hash.md (§1, §5, §6).
struct BondHashModelTests {
  static let current = KernelVersion(major: 6, minor: 1)

  func flow(
    _ source: String, _ destination: String, _ proto: FlowKey.IPProtocol = .tcp,
    _ sourcePort: UInt16, _ destinationPort: UInt16
  ) -> FlowKey {
    FlowKey(
      source: IPAddress(source), destination: IPAddress(destination), ipProtocol: proto,
      sourcePort: sourcePort, destinationPort: destinationPort)
  }

  @Test(
    arguments: [
      ("10.0.0.1", "10.0.0.2", FlowKey.IPProtocol.tcp, 40000, 5201, 4, 0x2923_034D, 1),
      ("192.168.1.10", "192.168.1.20", .udp, 5000, 6000, 3, 0x373C_F8F1, 1),
      ("2001:db8::1", "2001:db8::2", .tcp, 50001, 443, 2, 0x5C5C_F415, 1),
    ] as [(String, String, FlowKey.IPProtocol, UInt16, UInt16, Int, UInt32, Int)])
  func goldenLayer34Vectors(
    source: String, destination: String, proto: FlowKey.IPProtocol, sourcePort: UInt16,
    destinationPort: UInt16, count: Int, hash: UInt32, slave: Int
  ) {
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    let key = flow(source, destination, proto, sourcePort, destinationPort)
    #expect(model.hash(of: key) == .value(hash))
    #expect(model.selection(of: key, slaveCount: count) == .slave(index: slave, hash: hash))
  }

  @Test func bigEndianReadingWouldDifferForThreeSlaves() {
    // E2: the naive reading gives 0x09CDC671 (slave 0); the model must not.
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    let key = flow("192.168.1.10", "192.168.1.20", .udp, 5000, 6000)
    #expect(model.hash(of: key) != .value(0x09CD_C671))
  }

  @Test func layer2EthertypeChangedInKernel515() throws {
    // E4: IPv6, MACs ...:01 -> ...:02, 2 slaves.
    let key = FlowKey(
      sourceMAC: try #require(MACAddress("02:00:00:00:00:01")),
      destinationMAC: try #require(MACAddress("02:00:00:00:00:02")),
      source: IPAddress("2001:db8::1"), destination: IPAddress("2001:db8::2"))
    let now = BondHashModel(policy: .layer2, kernel: KernelVersion(major: 5, minor: 15))
    let before = BondHashModel(policy: .layer2, kernel: KernelVersion(major: 5, minor: 14))
    #expect(now.hash(of: key) == .value(0x86DE))
    #expect(now.selection(of: key, slaveCount: 2).index == 0)
    #expect(before.hash(of: key) == .value(0xDD85))
    #expect(before.selection(of: key, slaveCount: 2).index == 1)
  }

  @Test func layer23ShiftHistory() {
    let key = flow("10.0.0.1", "10.0.0.2", .tcp, 40000, 5201)
    let model = { (major: Int, minor: Int) in
      BondHashModel(policy: .layer2_3, kernel: KernelVersion(major: major, minor: minor))
    }
    guard case .value(let unshifted) = model(5, 18).hash(of: key),
      case .value(let shifted) = model(5, 16).hash(of: key),
      case .value(let old) = model(4, 9).hash(of: key)
    else {
      Issue.record("layer2+3 must be predictable")
      return
    }
    // MACs are zero: l2 = 0x0800; x = 0x0800 ^ 0x03000000; folds by hand:
    // 0x03000800 ^ 0x0300 = 0x03000B00; ^ (>>8) 0x0003000B = 0x03030B0B.
    #expect(unshifted == 0x0303_0B0B)
    // 4.15-5.17 shift layer2+3 too.
    #expect(shifted == unshifted >> 1)
    // 4.9: no shift, and the ethertype read raw (0x0008):
    // 0x03000008 ^ 0x0300 = 0x03000308; ^ 0x00030003 = 0x0303030B.
    #expect(old == 0x0303_030B)
    // layer3+4 shifts in every variant from 4.15 on.
    let l34 = BondHashModel(policy: .layer3_4, kernel: KernelVersion(major: 4, minor: 9))
    #expect(l34.hash(of: key) == .value(0x5246_069A))
  }

  @Test func vlanSrcMACUsesWholeTCIAndSourceMACOnly() throws {
    let mac = try #require(MACAddress("00:11:22:33:44:55"))
    var key = FlowKey(
      sourceMAC: mac, source: IPAddress("10.0.0.1"), destination: IPAddress("10.0.0.2"))
    let model = BondHashModel(policy: .vlanSrcMAC, kernel: Self.current)
    #expect(model.hash(of: key) == .value(0x0011_22 ^ 0x33_4455))
    key.vlanTCI = 0x2064  // PCP 1, VID 100
    #expect(model.hash(of: key) == .value(0x2064 ^ 0x0011_22 ^ 0x33_4455))
    key.destinationMAC = try #require(MACAddress("ff:ff:ff:ff:ff:ff"))
    #expect(model.hash(of: key) == .value(0x2064 ^ 0x0011_22 ^ 0x33_4455))
  }

  @Test func encap34IsUnpredictableForLocalSockets() {
    let model = BondHashModel(policy: .encap3_4, kernel: Self.current)
    var key = flow("10.0.0.1", "10.0.0.2", .tcp, 40000, 5201)
    guard case .unpredictable = model.selection(of: key, slaveCount: 4) else {
      Issue.record("local TCP under encap3+4 must be unpredictable")
      return
    }
    key.carriesSocketHash = false  // forwarded without an RSS hash: like layer3+4
    #expect(model.hash(of: key) == .value(0x2923_034D))
  }

  @Test func fragmentsAndPortlessProtocolsHashWithoutPorts() {
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    var fragment = flow("10.0.0.1", "10.0.0.2", .udp, 40000, 5201)
    fragment.isFragment = true
    let gre = flow("10.0.0.1", "10.0.0.2", .other(47), 40000, 5201)
    let portless = flow("10.0.0.1", "10.0.0.2", .udp, 0, 0)
    #expect(model.hash(of: fragment) == model.hash(of: portless))
    #expect(model.hash(of: gre) == model.hash(of: portless))
    var v6 = flow("2001:db8::1", "2001:db8::2", .tcp, 50001, 443)
    let withPorts = model.hash(of: v6)
    v6.hasIPv6ExtensionHeader = true
    #expect(model.hash(of: v6) != withPorts)
    #expect(model.hash(of: v6) == model.hash(of: flow("2001:db8::1", "2001:db8::2", .tcp, 0, 0)))
  }

  @Test func icmpEchoHashesTypeCodeAndID() {
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    let echo = FlowKey(
      source: IPAddress("10.0.0.1"), destination: IPAddress("10.0.0.2"), ipProtocol: .icmp,
      icmp: .init(type: 8, code: 0, identifier: 0x1234))
    // P = 8 | 0 << 8 | 0x1234 << 16; x = P ^ 0x03000000.
    var x: UInt32 = (8 | 0x1234 << 16) ^ 0x0300_0000
    x ^= x >> 16
    x ^= x >> 8
    #expect(model.hash(of: echo) == .value(x >> 1))
    // Before 5.5 all ICMP hashed with P = 0.
    let old = BondHashModel(policy: .layer3_4, kernel: KernelVersion(major: 5, minor: 4))
    #expect(old.hash(of: echo) == old.hash(of: flow("10.0.0.1", "10.0.0.2", .udp, 0, 0)))
    // Identifier 0 counts as 1.
    var zero = echo
    zero.icmp?.identifier = 0
    var one = echo
    one.icmp?.identifier = 1
    #expect(model.hash(of: zero) == model.hash(of: one))
    var error = echo
    error.icmp = .init(type: 3, code: 1)
    guard case .unpredictable = model.hash(of: error) else {
      Issue.record("ICMP errors hash on the quoted packet")
      return
    }
  }

  @Test func nonIPFallsBackToLayer2() {
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    let arp = FlowKey(source: nil, destination: nil, ipProtocol: .other(0), nonIPEthertype: 0x0806)
    #expect(model.hash(of: arp) == .value(0x0806))
  }

  @Test func modesWithoutPerFlowSlaves() {
    let key = flow("10.0.0.1", "10.0.0.2", .tcp, 40000, 5201)
    let kernel = Self.current
    let rr = BondHashModel(mode: .balanceRR, policy: .layer3_4, kernel: kernel)
    let tlb = BondHashModel(mode: .balanceTLB, policy: .layer3_4, kernel: kernel)
    let tlbStatic = BondHashModel(
      mode: .balanceTLB, policy: .layer3_4, kernel: kernel, tlbDynamicLB: false)
    let backup = BondHashModel(mode: .activeBackup, policy: .layer2, kernel: kernel)
    guard case .perPacket = rr.selection(of: key, slaveCount: 2),
      case .unpredictable = tlb.selection(of: key, slaveCount: 2),
      case .activeSlave = backup.selection(of: key, slaveCount: 2)
    else {
      Issue.record("rr, tlb (dynamic) and active-backup have no hash slave")
      return
    }
    #expect(tlbStatic.selection(of: key, slaveCount: 4).index == 1)
  }

  /// §1: for n = 2..128 (powers of two) the slave is ((X >> 1) mod n), X the
  /// XOR of every address and port byte, whatever the byte order.
  @Test(arguments: [2, 4, 8, 16, 128])
  func powerOfTwoByteXORIdentity(count: Int) throws {
    let model = BondHashModel(policy: .layer3_4, kernel: Self.current)
    var generator = SplitMix64(seed: UInt64(count))
    for _ in 0..<2000 {
      let a = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let b = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let sport = UInt16.random(in: 1...65535, using: &generator)
      let dport = UInt16.random(in: 1...65535, using: &generator)
      let key = FlowKey(
        source: IPAddress(bytes: a), destination: IPAddress(bytes: b),
        sourcePort: sport, destinationPort: dport)
      let x =
        (a + b + [UInt8(sport >> 8), UInt8(sport & 0xff), UInt8(dport >> 8), UInt8(dport & 0xff)])
        .reduce(0, ^)
      let expected = Int((x >> 1)) % count
      #expect(model.selection(of: key, slaveCount: count).index == expected)
      // §6: the reverse direction lands on the same index.
      #expect(model.selection(of: key.reversed, slaveCount: count).index == expected)
    }
  }

  @Test func layer2And23AreSymmetricForAnyCount() throws {
    var generator = SplitMix64(seed: 7)
    for policy in [BondHashPolicy.layer2, .layer2_3] {
      let model = BondHashModel(policy: policy, kernel: Self.current)
      for _ in 0..<500 {
        let key = FlowKey(
          sourceMAC: try #require(
            MACAddress(bytes: (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })),
          destinationMAC: try #require(
            MACAddress(bytes: (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })),
          source: IPAddress(
            bytes: (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }),
          destination: IPAddress(
            bytes: (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }),
          sourcePort: UInt16.random(in: 1...65535, using: &generator), destinationPort: 5201)
        #expect(model.hash(of: key) == model.hash(of: key.reversed))
      }
    }
  }

  @Test func kernelVersionVariants() {
    #expect(KernelVersion("6.18.44-fc-v657") == KernelVersion(major: 6, minor: 18))
    #expect(KernelVersion("4.14") == KernelVersion(major: 4, minor: 14))
    #expect(KernelVersion("six") == nil)
    #expect(KernelVersion(major: 4, minor: 14).shiftVariant == .none)
    #expect(KernelVersion(major: 4, minor: 15).shiftVariant == .allIPPolicies)
    #expect(KernelVersion(major: 5, minor: 17).shiftVariant == .allIPPolicies)
    #expect(KernelVersion(major: 5, minor: 18).shiftVariant == .layer34Only)
    #expect(KernelVersion(major: 5, minor: 14).ethertypeVariant == .raw)
    #expect(KernelVersion(major: 5, minor: 15).ethertypeVariant == .numeric)
  }
}

import Foundation
import Testing

@testable import BondPerfCore

/// Issue 18, case 4: the ceiling is the slaves' real rate.
struct LinkCeilingTests {
  @Test(
    arguments: [
      ("100mbit", 100_000_000), ("1gbit", 1_000_000_000), ("500kbit", 500_000),
      ("100Mbit", 100_000_000), ("1Gibit", 1_073_741_824), ("12500000bps", 100_000_000),
      ("100M", 100_000_000), ("2.5G", 2_500_000_000), ("64000", 64000),
    ] as [(String, Int64)])
  func ratesAcceptIperfAndTcUnits(text: String, bits: Int64) {
    #expect(RateText.parse(text) == bits)
  }

  @Test func nonsenseIsNotARate() {
    for bad in ["", "mbit", "ten", "1xbit", "-1mbit"] {
      #expect(RateText.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func readsTbfFromTcJSONAndHtbFromItsRootClass() {
    let tbf = """
      [{"kind":"tbf","handle":"80c9:","root":true,"refcnt":3,"options":{"rate":12500000,"burst":65525,"lat":20000}}]
      """
    #expect(TrafficControl.rootQdisc(json: tbf) == .tbf(100_000_000))
    let htb = """
      [{"kind":"htb","handle":"1:","root":true,"refcnt":3,"options":{"r2q":10,"default":"0x10"}}]
      """
    #expect(TrafficControl.rootQdisc(json: htb) == .htb)
    #expect(TrafficControl.rootQdisc(json: #"[{"kind":"noqueue","root":true}]"#) == nil)
    #expect(TrafficControl.rootQdisc(json: "[]") == nil)
    #expect(TrafficControl.rootQdisc(json: "not json") == nil)
    let classes = """
      class htb 1:10 root prio 0 rate 250Mbit ceil 300Mbit burst 1562b cburst 1537b
      class htb 1:20 parent 1:10 prio 0 rate 1Gbit ceil 1Gbit burst 1375b cburst 1375b
      """
    #expect(TrafficControl.htbRootRate(classes) == 300_000_000)
  }

  func description(_ policy: BondHashPolicy = .layer3_4, mode: BondMode = .ieee8023ad)
    -> BondDescription
  {
    BondDescription(
      origin: "test",
      model: BondHashModel(mode: mode, policy: policy, kernel: .init(major: 6, minor: 1)),
      slaveNames: ["s0", "s1", "s2", "s3"], slaveCount: 4, peerSlaveCount: nil)
  }

  @Test func aVirtualSlaveUsesItsQdiscRateElseIsUnknown() throws {
    // A fixture sysfs: s0..s3 are veths (no device link) reporting 10000 Mb/s.
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bp-ceiling-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    for name in ["s0", "s1", "s2", "s3", "eth0"] {
      let dir = root.appendingPathComponent("class/net/\(name)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try "10000\n".write(
        to: dir.appendingPathComponent("speed"), atomically: true, encoding: .utf8)
    }
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("class/net/eth0/device"), withIntermediateDirectories: true)
    let roots = HostRoots(sysfsRoot: root.path, procfsRoot: "/nonexistent")
    let tbf = { (_: String) -> Int64? in 100_000_000 }
    let none = { (_: String) -> Int64? in nil }
    let limited = (0..<4).map { SlaveRate.read(name: "s\($0)", roots: roots, qdiscRate: tbf) }
    #expect(limited.allSatisfy { $0.bitsPerSecond == 100_000_000 && $0.source == .qdisc })
    let ceiling = LinkCeiling(description: description(), rates: limited, given: nil)
    #expect(ceiling.bitsPerSecond == 400e6)
    #expect(ceiling.text == "400 Mbits/sec")
    let bare = (0..<4).map { SlaveRate.read(name: "s\($0)", roots: roots, qdiscRate: none) }
    #expect(bare.allSatisfy { $0.bitsPerSecond == nil && $0.source == .virtualLink })
    let unknown = LinkCeiling(description: description(), rates: bare, given: nil)
    #expect(unknown.bitsPerSecond == nil)
    #expect(unknown.text == "unknown (virtual link; pass --slave-rate)")
    #expect(
      LinkCeiling(description: description(), rates: bare, given: 1_000_000_000).bitsPerSecond
        == 4e9)
    let nic = SlaveRate.read(name: "eth0", roots: roots, qdiscRate: none)
    #expect(nic.bitsPerSecond == 10_000_000_000 && nic.source == .linkSpeed)
  }

  @Test func layer2BetweenTwoHostsReachesOneSlave() {
    let rates = (0..<4).map {
      SlaveRate(name: "s\($0)", bitsPerSecond: 100_000_000, source: .qdisc)
    }
    let ceiling = LinkCeiling(description: description(.layer2), rates: rates, given: nil)
    #expect(ceiling.bitsPerSecond == 400e6)
    #expect(ceiling.reachableBitsPerSecond == 100e6)
    #expect(ceiling.text == "400 Mbits/sec (one pair of hosts: 100 Mbits/sec)")
  }

  @Test func thePinnedPhaseIsTitledByWhatItGot() {
    let phase = Comparison(host: "h", port: 5201, parallel: 4, seconds: 1, omit: 0).phases[2]
    func title(_ description: BondDescription?, _ kind: PinningKind?) -> String {
      Comparison.titled(phase, description: description, kind: kind).title
    }
    #expect(title(nil, nil) == "4 streams (not pinned: no bond known)")
    #expect(title(description(), .pinned) == "4 streams (pinned)")
    #expect(
      title(description(.layer2), .sharedSlave(3)) == "4 streams (not pinnable: layer2 -> s3)")
    #expect(title(description(), .kernelPorts) == "4 streams (kernel ports, --no-pin)")
    #expect(
      title(description(mode: .balanceRR), .notPinnable) == "4 streams (not pinnable: balance-rr)")
  }

  @Test func aCeilingRowShowsEachPhasesShare() {
    var record = TestRecord()
    record.summary = SlaveVerdictTests.summary([], bytes: [])
    let text = CompareTable.render(
      label: "x", phases: [("Single stream", record)],
      ceiling: LinkCeiling(bitsPerSecond: 400e6), description: nil)
    #expect(text.contains("% of ceiling"), "\(text)")
    #expect(text.contains("0%"), "\(text)")
  }

  /// Issue 18, item 5: the kernel-port phase says how its streams fell.
  @Test func aPhaseSaysHowItsStreamsFellOnTheSlaves() throws {
    let address = try #require(IPAddress("198.18.0.1"))
    func record(_ slaves: [Int]) -> TestRecord {
      var record = TestRecord()
      record.connected = slaves.enumerated().map {
        ConnectedStream(
          id: $0.offset, socket: Int32(5 + $0.offset),
          local: SocketAddress(ip: address, port: 40000),
          remote: SocketAddress(ip: address, port: 5201),
          localSends: true, predictedSlave: $0.element)
      }
      return record
    }
    let bond = description()
    #expect(
      CompareTable.streamsPerSlave(record([1, 2, 1, 2]), description: bond)
        == "s1 and s2 got 2 each, s0 and s3 none")
    #expect(
      CompareTable.streamsPerSlave(record([0, 1, 2, 3]), description: bond)
        == "s0, s1, s2 and s3 got 1 each")
    #expect(
      CompareTable.streamsPerSlave(record([3, 3, 3, 0]), description: bond)
        == "s3 got 3, s0 got 1, s1 and s2 none")
    #expect(CompareTable.streamsPerSlave(record([2]), description: bond) == nil)
  }
}

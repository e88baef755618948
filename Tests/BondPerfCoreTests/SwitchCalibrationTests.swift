import Foundation
import Testing

@testable import BondPerfCore

struct SwitchCalibrationTests {
  /// A fake switch: a seeded, port-sensitive choice of server slave.
  static func l4(_ port: UInt16, seed: UInt32, slaves: Int) -> Int {
    var h = UInt32(port) &* 0x9e37_79b1 ^ seed
    h ^= h >> 15
    h = h &* 0x85eb_ca6b
    h ^= h >> 13
    return Int(h % UInt32(slaves))
  }

  /// Ports 40000... with client slave `port % n`, observed on the fake switch.
  func observe(
    _ calibration: inout SwitchCalibration, ports: Range<UInt16>, n: Int,
    arrival: (UInt16) -> [Int]
  ) {
    var arrivals: [UInt16: [Int]] = [:]
    for port in ports { arrivals[port] = arrival(port) }
    calibration.observe(probed: Array(ports), arrivals: arrivals) { Int($0) % n }
  }

  static func packets(on slave: Int, of m: Int, count: Int = 12) -> [Int] {
    (0..<m).map { $0 == slave ? count : 0 }
  }

  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
  func findsASpreadOnAPortHashingSwitch(seed: Int) {
    var calibration = SwitchCalibration(clientSlaves: 4, serverSlaves: 4, streams: 4)
    observe(&calibration, ports: 40000..<40064, n: 4) {
      Self.packets(on: Self.l4($0, seed: UInt32(seed), slaves: 4), of: 4)
    }
    #expect(calibration.switchVerdict == nil)
    let chosen = calibration.assignment()
    #expect(chosen.allSatisfy { $0 != nil })
    for (index, stream) in chosen.compactMap({ $0 }).enumerated() {
      #expect(stream.slave == index % 4)
      #expect(stream.peerSlave == index % 4)
      #expect(Int(stream.localPort) % 4 == index % 4)
      #expect(Self.l4(stream.localPort, seed: UInt32(seed), slaves: 4) == index % 4)
    }
    #expect(Set(chosen.compactMap { $0?.localPort }).count == 4)
  }

  @Test func addressOnlySwitchIsL3Only() {
    var calibration = SwitchCalibration(clientSlaves: 4, serverSlaves: 4, streams: 4)
    observe(&calibration, ports: 40000..<40032, n: 4) { _ in Self.packets(on: 2, of: 4) }
    let verdict = calibration.switchVerdict
    #expect(verdict?.0 == .l3Only)
    #expect(verdict?.1.contains("server slave 2") == true)
    #expect(verdict?.1.contains("layer-4") == true)
    // Every stream still gets a port on its own client slave.
    #expect(calibration.assignment(fill: true).compactMap { $0?.slave } == [0, 1, 2, 3])
  }

  @Test func ingressPortOnlySwitchIsL3OnlyToo() {
    // Each client slave reaches its own server slave, whatever the port.
    var calibration = SwitchCalibration(clientSlaves: 4, serverSlaves: 4, streams: 4)
    observe(&calibration, ports: 40000..<40032, n: 4) {
      Self.packets(on: (Int($0) % 4 + 1) % 4, of: 4)
    }
    #expect(calibration.switchVerdict?.0 == .l3Only)
  }

  @Test func sprayingSwitchIsPerPacket() {
    var calibration = SwitchCalibration(clientSlaves: 4, serverSlaves: 4, streams: 4)
    observe(&calibration, ports: 40000..<40016, n: 4) { _ in [4, 3, 3, 2] }
    #expect(calibration.switchVerdict?.0 == .perPacket)
  }

  @Test func tooFewPacketsAreUnseen() {
    #expect(SwitchCalibration.arrival(of: [0, 2, 0, 0]) == .unseen)
    #expect(SwitchCalibration.arrival(of: [0, 11, 1, 0]) == .slave(1))
    #expect(SwitchCalibration.arrival(of: [6, 6, 0, 0]) == .sprayed)
  }

  @Test func missingStreamsAskForMoreCandidatesOnTheirClientSlave() {
    var calibration = SwitchCalibration(clientSlaves: 4, serverSlaves: 4, streams: 4)
    // Every probe reaches server slave 0 or 1 only: streams 2 and 3 stay unmatched.
    observe(&calibration, ports: 40000..<40008, n: 4) { Self.packets(on: Int($0) % 2, of: 4) }
    let need = calibration.wanted(perStream: 8, limit: 64)
    #expect(
      need == [
        SwitchCalibration.Want(slave: 2, peerSlave: nil): 8,
        SwitchCalibration.Want(slave: 3, peerSlave: nil): 8,
      ])
    #expect(calibration.assignment().map { $0 == nil } == [false, false, true, true])
  }

  @Test func calibrationCookiesAreMarkedAndRandomOnesAreNot() {
    let cookie = Cookie.calibration()
    #expect(cookie.isWellFormed)
    #expect(cookie.isCalibration)
    #expect(cookie.text.hasSuffix("bondperfcalibrate"))
    #expect(Cookie.calibration() != cookie)
    for _ in 0..<100 { #expect(!Cookie.random().isCalibration) }
  }

  @Test func arrivalParserTakesTheClientsTCPPacketsToTheTestPort() {
    let client = IPAddress("198.18.0.1")!
    var packet = [UInt8](repeating: 0, count: 40)
    packet[0] = 0x45
    packet[9] = 6
    packet.replaceSubrange(12..<16, with: [198, 18, 0, 1])
    packet.replaceSubrange(16..<20, with: [198, 18, 0, 2])
    packet.replaceSubrange(20..<24, with: [0x9c, 0x40, 0x14, 0x51])  // 40000 -> 5201
    let port = packet.withUnsafeBytes {
      ArrivalRecorder.sourcePort(of: $0, ethertype: 0x0800, from: client, toPort: 5201)
    }
    #expect(port == 40000)
    let otherPort = packet.withUnsafeBytes {
      ArrivalRecorder.sourcePort(of: $0, ethertype: 0x0800, from: client, toPort: 5202)
    }
    #expect(otherPort == nil)
    packet[9] = 17
    let udp = packet.withUnsafeBytes {
      ArrivalRecorder.sourcePort(of: $0, ethertype: 0x0800, from: client, toPort: 5201)
    }
    #expect(udp == nil)
  }

  @Test func probeRoundReadsTheServersArrivals() {
    let extra: [(String, JSONValue)] = [
      (
        "bondperf_arrivals",
        .object([
          ("slaves", .array([.string("s0"), .string("s1")])),
          (
            "flows",
            .array([
              .object([("port", .int(40000)), ("packets", .array([.int(0), .int(12)]))])
            ])
          ),
        ])
      )
    ]
    let round = CalibrationProbe.round(from: extra, probed: [40000])
    #expect(round.answered)
    #expect(round.serverSlaves == ["s0", "s1"])
    #expect(round.arrivals[40000] == [0, 12])
    #expect(!CalibrationProbe.round(from: [], probed: [40000]).answered)
  }

  @Test func reverseStreamsAreMatchedOnTheClientsSlaves() {
    // -R: the server sends; its reply slave is the model's, the client slave observed.
    var calibration = SwitchCalibration(
      clientSlaves: 4, serverSlaves: 4, senders: [false, false, false, false])
    var returns: [UInt16: [Int]] = [:]
    for port in UInt16(40000)..<40256 {
      returns[port] = Self.packets(on: Self.l4(port, seed: 9, slaves: 4), of: 4)
    }
    calibration.observe(probed: Array(returns.keys), arrivals: [:], returns: returns) {
      (Int($0) % 4, Int($0 / 4) % 4)
    }
    #expect(calibration.switchVerdict == nil)
    let chosen = calibration.assignment().compactMap { $0 }
    #expect(chosen.count == 4)
    for (index, stream) in chosen.enumerated() {
      #expect(Int(stream.localPort / 4) % 4 == index % 4, "the server sends on slave i mod m")
      #expect(Self.l4(stream.localPort, seed: 9, slaves: 4) == index % 4)
    }
  }

  /// Issue 14, item 6: the text names each stream by its index and iperf3's
  /// id, and `-J` carries both, so the two can be matched.
  @Test func textAndJSONNameTheSameStreams() throws {
    let outcome = CalibrationOutcome(
      verdict: .spread, probes: 8, seconds: 0.5,
      streams: [
        SwitchCalibration.Stream(id: 0, localPort: 49153, slave: 0, peerSlave: 1),
        SwitchCalibration.Stream(id: 1, localPort: 49160, slave: 1, peerSlave: 0),
      ], reason: "r", serverSlaves: ["s0", "s1"], serverAnswered: true, streamIDs: [1, 3])
    #expect(
      outcome.lines[1] == "calibration:   stream 0 (id 1): port 49153, client slave 0, server s1")
    #expect(
      outcome.lines[2] == "calibration:   stream 1 (id 3): port 49160, client slave 1, server s0")
    let streams = try #require(outcome.json["streams"]?.arrayValue)
    #expect(streams.map { $0["index"]?.intValue } == [0, 1])
    #expect(streams.map { $0["id"]?.intValue } == [1, 3])
  }
}

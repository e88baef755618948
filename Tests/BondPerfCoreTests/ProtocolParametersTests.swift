import Foundation
import Testing

@testable import BondPerfCore

struct ProtocolParametersTests {
  private func parse(_ text: String) throws -> TestParameters {
    try TestParameters(json: try JSONValue.parse(text: text))
  }

  @Test func encodes312DefaultLineByteForByte() {
    var params = TestParameters()
    params.time = 1
    params.parallel = 2
    params.clientVersion = "3.12"
    #expect(String(decoding: params.encoded(), as: UTF8.self) == ProtocolFixtures.params312Default)
    params.clientVersion = BondPerfVersion.wireVersion
    let expected = ProtocolFixtures.params312Default.replacingOccurrences(
      of: "\"3.12\"", with: "\"\(BondPerfVersion.wireVersion)\"")
    #expect(String(decoding: params.encoded(), as: UTF8.self) == expected)
  }

  @Test func encodesModesAndUDPLikeIperf() {
    var params = TestParameters()
    params.time = 1
    params.parallel = 2
    params.clientVersion = "3.12"
    params.mode = .reverse
    #expect(String(decoding: params.encoded(), as: UTF8.self) == ProtocolFixtures.params312Reverse)
    params.mode = .bidirectional
    #expect(String(decoding: params.encoded(), as: UTF8.self) == ProtocolFixtures.params312Bidir)

    var udp = TestParameters()
    udp.transport = .udp
    udp.time = 1
    udp.length = 32768
    udp.bandwidth = 1_000_000
    udp.clientVersion = "3.12"
    #expect(String(decoding: udp.encoded(), as: UTF8.self) == ProtocolFixtures.params312UDP)
  }

  @Test(arguments: [
    ProtocolFixtures.params312Default, ProtocolFixtures.params312Reverse,
    ProtocolFixtures.params312Bidir, ProtocolFixtures.params312UDP,
    ProtocolFixtures.params321Reverse,
  ])
  func capturedParametersRoundTrip(text: String) throws {
    let params = try parse(text)
    #expect(String(decoding: params.encoded(), as: UTF8.self) == text)
  }

  @Test func decodesCapturedModes() throws {
    #expect(try parse(ProtocolFixtures.params312Default).mode == .normal)
    #expect(try parse(ProtocolFixtures.params312Reverse).mode == .reverse)
    #expect(try parse(ProtocolFixtures.params312Bidir).mode == .bidirectional)
    let udp = try parse(ProtocolFixtures.params312UDP)
    #expect(udp.transport == .udp)
    #expect(udp.bandwidth == 1_000_000)
    #expect(udp.effectiveLength == 32768)
    #expect(try parse(ProtocolFixtures.params321Reverse).clientVersion == "3.21")
  }

  @Test func booleansTravelByPresence() throws {
    var params = TestParameters()
    params.reverse = false
    params.noDelay = false
    params.getServerOutput = false
    let text = String(decoding: params.encoded(), as: UTF8.self)
    #expect(!text.contains("reverse"))
    #expect(!text.contains("false"))
    #expect(!text.contains("nodelay"))
    #expect(!text.contains("get_server_output"))

    // Presence turns an option on whatever its value, as on iperf3 servers.
    let parsed = try parse(
      #"{"tcp":true,"reverse":false,"nodelay":0,"get_server_output":1,"bidirectional":null}"#)
    #expect(parsed.reverse)
    #expect(parsed.noDelay)
    #expect(parsed.getServerOutput)
    #expect(parsed.bidirectional)
    #expect(parsed.mode == .bidirectional)
  }

  @Test func encodesEveryOptionInIperfOrder() {
    var params = TestParameters()
    params.omit = 2
    params.num = 500 * 1024 * 1024
    params.time = 0
    params.blockCount = 7
    params.mss = 1400
    params.noDelay = true
    params.parallel = 4
    params.reverse = true
    params.window = 262_144
    params.bandwidth = 200_000_000
    params.fqRate = 1_000_000
    params.tos = 16
    params.title = "bond \"A\""
    params.extraData = "x"
    params.congestion = "cubic"
    params.getServerOutput = true
    params.extraKeys = [("mptcp", true)]
    params.clientVersion = "3.21"
    #expect(
      String(decoding: params.encoded(), as: UTF8.self)
        == #"{"tcp":true,"omit":2,"time":0,"num":524288000,"blockcount":7,"MSS":1400,"nodelay":true,"parallel":4,"reverse":true,"window":262144,"len":131072,"bandwidth":200000000,"fqrate":1000000,"pacing_timer":1000,"TOS":16,"title":"bond \"A\"","extra_data":"x","congestion":"cubic","get_server_output":1,"mptcp":true,"client_version":"3.21"}"#
    )
  }

  @Test func decodesKeysIgnoringCaseAndKeepsUnknownOnes() throws {
    let params = try parse(
      #"{"TCP":true,"Time":3,"mss":1200,"tos":8,"PARALLEL":3,"skip_rx_copy":1,"zerocopy":0,"time":5}"#
    )
    #expect(params.time == 5)
    #expect(params.mss == 1200)
    #expect(params.tos == 8)
    #expect(params.parallel == 3)
    #expect(params.extraKeys.map(\.0) == ["skip_rx_copy", "zerocopy"])
  }

  @Test func wrongTypesKeepDefaultsAndAreReported() throws {
    var mismatches: [String] = []
    let params = try TestParameters(
      json: try JSONValue.parse(text: #"{"tcp":true,"time":"1","parallel":2.0,"title":5}"#),
      typeMismatches: &mismatches)
    #expect(params.time == 10)
    #expect(params.parallel == 2)
    #expect(params.title == nil)
    #expect(mismatches == ["time", "title"])
  }

  @Test func missingKeysTakeServerDefaults() throws {
    let params = try parse("{}")
    #expect(params.transport == .tcp)
    #expect(params.time == 10)
    #expect(params.parallel == 1)
    #expect(params.num == 0)
    #expect(params.length == nil)
    #expect(params.effectiveLength == 131_072)
    #expect(params.clientVersion == nil)
    #expect(params.mode == .normal)
  }

  @Test func rejectsNonObjects() {
    #expect(throws: ProtocolError.notAnObject("parameters")) {
      try TestParameters(json: [1, 2])
    }
  }

  @Test func validateChecksRanges() throws {
    var params = TestParameters()
    try params.validate()
    params.parallel = 129
    #expect(throws: ProtocolError.self) { try params.validate() }
    params.parallel = 0
    #expect(throws: ProtocolError.self) { try params.validate() }
    params.parallel = 1
    params.length = 2_000_000
    #expect(throws: ProtocolError.self) { try params.validate() }
  }

  @Test func framedRefusesMoreThan8192Bytes() throws {
    var params = TestParameters()
    let framed = try params.framed()
    #expect(Framing.length(fromHeader: framed) == UInt32(params.encoded().count))
    params.title = String(repeating: "t", count: 8200)
    #expect(throws: ProtocolError.self) { try params.framed() }
  }
}

import Foundation
import Testing

@testable import BondPerfCore

struct ProtocolResultsTests {
  private func decode(_ text: String) throws -> TestResults {
    try TestResults(bytes: Array(text.utf8))
  }

  @Test func decodes312ResultsWithUnsignedMinusOne() throws {
    let results = try decode(ProtocolFixtures.normalServerResults)
    #expect(results.cpuUtilTotal == 38.445754461560284)
    #expect(results.senderHasRetransmits == -1)
    #expect(results.congestionUsed == "bbr")
    #expect(results.streams.map(\.id) == [1, 3])
    #expect(results.streams.allSatisfy { $0.retransmits == -1 })
    #expect(results.streams[0].bytes == 962_199_552)
    #expect(results.streams[0].omittedErrors == nil)
    #expect(results.streams[0].omittedPackets == nil)
    #expect(results.streams[1].endTime == 1.043259)
    #expect(results.stream(id: 3)?.duration == 1.043259)
    #expect(results.extra.isEmpty)
  }

  @Test func decodesAndReencodes321ResultsByteForByte() throws {
    for text in [ProtocolFixtures.v321ClientResults, ProtocolFixtures.v321ServerResults] {
      let results = try decode(text)
      #expect(results.streams.allSatisfy { $0.omittedErrors == 0 && $0.omittedPackets == 0 })
      #expect(String(decoding: results.encoded(), as: UTF8.self) == text)
    }
    #expect(try decode(ProtocolFixtures.v321ClientResults).senderHasRetransmits == -1)
  }

  @Test func reencodes312ResultsIn321Form() throws {
    let results = try decode(ProtocolFixtures.normalClientResults)
    // 3.12 omits omitted_* and they stay omitted; everything else is identical.
    #expect(
      String(decoding: results.encoded(), as: UTF8.self) == ProtocolFixtures.normalClientResults)
    let server = try decode(ProtocolFixtures.normalServerResults)
    let text = String(decoding: server.encoded(), as: UTF8.self)
    #expect(text.contains(#""sender_has_retransmits":-1"#))
    #expect(!text.contains("18446744073709551615"))
  }

  @Test func bidirResultsCarryBothDirections() throws {
    let results = try decode(ProtocolFixtures.bidirServerResults)
    #expect(results.streams.map(\.id) == [1, 3, 4, 5])
    #expect(results.streams.map(\.retransmits) == [-1, -1, 12, 10])
  }

  @Test func encodesExtrasAndServerOutputAfterIperfKeys() throws {
    var results = TestResults(
      cpuUtilTotal: 12.5, cpuUtilUser: 2, cpuUtilSystem: 10.5, senderHasRetransmits: 1,
      congestionUsed: "cubic",
      streams: [StreamResult(id: 1, bytes: 1000, retransmits: 3, endTime: 1.5)],
      serverOutputText: "line\n",
      extra: [("bondperf", ["slaves": [["name": "eth0", "bytes": 1000]]])])
    let text = String(decoding: results.encoded(), as: UTF8.self)
    #expect(
      text
        == #"{"cpu_util_total":12.5,"cpu_util_user":2,"cpu_util_system":10.5,"sender_has_retransmits":1,"congestion_used":"cubic","server_output_text":"line\n","streams":[{"id":1,"bytes":1000,"retransmits":3,"jitter":0,"errors":0,"omitted_errors":0,"packets":0,"omitted_packets":0,"start_time":0,"end_time":1.5}],"bondperf":{"slaves":[{"name":"eth0","bytes":1000}]}}"#
    )
    let decoded = try decode(text)
    #expect(decoded == results)
    #expect(decoded.extra.map(\.0) == ["bondperf"])
    results.serverOutputText = nil
    results.serverOutputJSON = ["start": [:]]
    #expect(
      try decode(String(decoding: results.encoded(), as: UTF8.self)).serverOutputJSON == [
        "start": [:]
      ])
    #expect(Framing.length(fromHeader: results.framed()) == UInt32(results.encoded().count))
  }

  @Test(arguments: [
    ("cpu_util_total", "cpu_util_total"), ("cpu_util_user", "cpu_util_user"),
    ("cpu_util_system", "cpu_util_system"), ("sender_has_retransmits", "sender_has_retransmits"),
    ("streams", "streams"),
  ])
  func missingTopLevelFieldIsNamed(key: String, field: String) throws {
    guard case .object(let members) = try JSONValue.parse(text: ProtocolFixtures.v321ClientResults)
    else {
      Issue.record("not an object")
      return
    }
    let reduced = JSONValue.object(members.filter { $0.0 != key })
    #expect(throws: ProtocolError.missingField(field)) { try TestResults(json: reduced) }
  }

  @Test(arguments: ["id", "bytes", "retransmits", "jitter", "errors", "packets"])
  func missingStreamFieldIsNamed(key: String) throws {
    let text = ProtocolFixtures.normalClientResults.replacingFirst(
      "\"\(key)\":", in: "{\"id\":3", with: "\"x_\(key)\":")
    #expect(throws: ProtocolError.missingField("streams[1].\(key)")) { try decode(text) }
  }

  @Test func optionalStreamTimesMayBeMissing() throws {
    let results = try decode(
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":0,"streams":[{"id":1,"bytes":5,"retransmits":-1,"jitter":0,"errors":0,"packets":0}]}"#
    )
    #expect(results.congestionUsed == nil)
    #expect(results.streams[0].startTime == nil)
    #expect(results.streams[0].duration == 0)
  }

  @Test func nonStringCongestionIsIgnored() throws {
    let results = try decode(
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":0,"congestion_used":5,"streams":[]}"#
    )
    #expect(results.congestionUsed == nil)
    #expect(results.streams.isEmpty)
  }

  @Test func omittedCountsComeInPairs() {
    let text =
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":0,"streams":[{"id":4,"bytes":5,"retransmits":-1,"jitter":0,"errors":0,"omitted_errors":0,"packets":0}]}"#
    #expect(throws: ProtocolError.omittedCountsMismatch(streamID: 4)) { try decode(text) }
  }

  /// A hostile peer's counts near `Int64.max` would overflow the reports' sums
  /// over streams; they are refused when decoded.
  @Test(arguments: [
    ("bytes", "9223372036854775807"), ("bytes", "-5"), ("bytes", "9007199254740993"),
    ("retransmits", "9223372036854775807"), ("retransmits", "-2"),
  ])
  func countsOutsideTheExactDoubleRangeAreRefused(key: String, value: String) throws {
    var fields = ["bytes": "5", "retransmits": "-1"]
    fields[key] = value
    let text =
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":1,"streams":[{"id":1,"bytes":"#
      + (fields["bytes"] ?? "") + #","retransmits":"# + (fields["retransmits"] ?? "")
      + #","jitter":0,"errors":0,"packets":0}]}"#
    let error = try #require(throws: ProtocolError.self) { try decode(text) }
    guard case .invalidValue(let field, _) = error else {
      Issue.record("unexpected \(error)")
      return
    }
    #expect(field == "streams[0].\(key)")
    let largest = text.replacingOccurrences(of: value, with: "9007199254740992")
    #expect(try decode(largest).streams[0].bytes >= 5)
  }

  @Test func wrongTypesAreErrors() {
    let streamsNotArray =
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":0,"streams":{}}"#
    #expect(
      throws: ProtocolError.wrongType(field: "streams", expected: "array", found: "object")
    ) { try decode(streamsNotArray) }
    let bytesString =
      #"{"cpu_util_total":1,"cpu_util_user":0,"cpu_util_system":1,"sender_has_retransmits":0,"streams":[{"id":1,"bytes":"5","retransmits":-1,"jitter":0,"errors":0,"packets":0}]}"#
    #expect(
      throws: ProtocolError.wrongType(
        field: "streams[0].bytes", expected: "number", found: "string")
    ) { try decode(bytesString) }
    #expect(throws: ProtocolError.self) { try decode("[1]") }
    #expect(throws: ProtocolError.self) { try decode("{") }
  }
}

extension String {
  /// Replaces the first `target` after the first `anchor` (test helper).
  fileprivate func replacingFirst(_ target: String, in anchor: String, with replacement: String)
    -> String
  {
    guard let anchorRange = range(of: anchor),
      let found = self[anchorRange.lowerBound...].range(of: target)
    else { return self }
    return replacingCharacters(in: found, with: replacement)
  }
}

import Foundation
import Testing

@testable import BondPerfCore

/// The pieces behind bondperf as a drop-in iperf3: error codes an iperf3 peer can read,
/// `-f`, `--server-bitrate-limit`, line prefixes, the repeating payload, socket options.
struct DropInTests {
  @Test func refusalsMapToIperf3Codes() {
    #expect(ConversationError.unsupportedTransport(.sctp).iperfErrorCode == .noSCTP)
    #expect(ConversationError.unsupportedTransport(.udp).iperfErrorCode == .notImplemented)
    let parallel = ConversationError.malformed(
      .parameters, .invalidValue(field: "parallel", reason: "too many"))
    #expect(parallel.iperfErrorCode == .numberOfStreams)
    let omit = ConversationError.malformed(.parameters, .invalidValue(field: "omit", reason: ""))
    #expect(omit.iperfErrorCode == .omit)
    #expect(ConversationError.notACookie.iperfErrorCode == .receiveParameters)
    #expect(IperfErrorCode.noSCTP.text == "no SCTP support available")
    #expect(IperfErrorCode.noSCTP.name == "IENOSCTP")
  }

  @Test func rateFormatFollowsDashF() {
    #expect(RateFormat.text(bitsPerSecond: 940e6, format: "a") == nil)
    #expect(RateFormat.text(bitsPerSecond: 9.4e9, format: "m") == "9400 Mbits/sec")
    #expect(RateFormat.text(bitsPerSecond: 9.4e9, format: "g") == "9.40 Gbits/sec")
    #expect(RateFormat.text(bitsPerSecond: 8 * 1024 * 100, format: "K") == " 100 KBytes/sec")
    #expect(RateFormat.text(bitsPerSecond: 8 * 1024 * 1024 * 3, format: "A") == "3.00 MBytes/sec")
  }

  @Test func bitrateWindowEndsATestAboveTheLimit() {
    let start = ContinuousClock.now
    var window = BitrateWindow(limit: 8_000_000, seconds: 2)
    // 1 MB/s = 8 Mbit/s: at the limit, not above it.
    for second in 0...4 {
      #expect(
        window.exceeded(total: Int64(second) * 1_000_000, at: start + .seconds(second)) == nil)
    }
    var fast = BitrateWindow(limit: 8_000_000, seconds: 2)
    var ended: Double?
    for second in 0...4 where ended == nil {
      ended = fast.exceeded(total: Int64(second) * 2_000_000, at: start + .seconds(second))
    }
    #expect(ended.map { abs($0 - 16_000_000) < 1 } == true)
    var none = BitrateWindow(limit: nil, seconds: 5)
    #expect(none.exceeded(total: 1 << 40, at: start + .seconds(10)) == nil)
  }

  @Test func linePrefixStartsEveryLine() {
    let sink = OutputSink.discarding()
    sink.startCapture()
    sink.prefixLines { "t:  " }
    sink.write("one\ntw")
    sink.write("o\n\nthree\n")
    #expect(sink.capturedText() == "t:  one\nt:  two\nt:  \nt:  three\n")
  }

  @Test func repeatingPayloadIsIperf2s() {
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 25, alignment: 8)
    defer { bytes.deallocate() }
    StreamBuffers.fillRepeating(bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == "0123456789012345678901234")
  }

  @Test func socketOptionsReachTheKernel() throws {
    let v4 = try Socket(family: .ipv4)
    try v4.setTypeOfService(0x20, family: .ipv4)
    #expect(try v4.typeOfService(family: .ipv4) == 0x20)
    try v4.setUserTimeout(milliseconds: 4000)
    #expect(try v4.userTimeout == 4000)
    try v4.setKeepAlive(KeepAlive(idle: 10, interval: 2, count: 3))
    #expect(try v4.keepAliveEnabled)
    try v4.setDontFragment()
    let v6 = try Socket(family: .ipv6)
    try v6.setTypeOfService(0xb8, family: .ipv6)
    #expect(try v6.typeOfService(family: .ipv6) == 0xb8)
  }

  @Test func parametersCarryIperf321Keys() throws {
    var parameters = TestParameters()
    parameters.serverAffinity = 1
    parameters.multipath = true
    parameters.skipReceiveCopy = true
    let decoded = try TestParameters(json: parameters.json)
    #expect(decoded.serverAffinity == 1)
    #expect(decoded.multipath)
    #expect(decoded.skipReceiveCopy)
    #expect(!decoded.repeatingPayload)
  }

  /// `-J`'s `start.version` has iperf3's shape too: "iperf 3.21 (bondperf 0.1.0)".
  @Test func jsonVersionHasIperf3sShape() {
    let record = TestLogLineTests.record(parallel: 1, reverse: false, received: 1000)
    let version = IperfJSON.document(record)["start"]?["version"]?.stringValue ?? ""
    let words = version.split(separator: " ")
    #expect(words.first == "iperf" && words.dropFirst().first == "3.21", "\(version)")
    #expect(version.contains("bondperf \(BondPerfVersion.string)"), "\(version)")
  }

  @Test func versionTextLeadsWithAnIperf3Version() {
    let first = BondPerfVersion.text.split(separator: "\n").first ?? ""
    #expect(first == "iperf \(BondPerfVersion.iperfVersion) (bondperf \(BondPerfVersion.string))")
  }
}

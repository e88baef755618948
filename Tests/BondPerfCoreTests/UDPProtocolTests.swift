import Foundation
import Testing

@testable import BondPerfCore

/// iperf3's UDP wire format and accounting, without sockets.
struct UDPProtocolTests {
  @Test func handshakeBytesAreIperf3s() {
    // 0x36373839 and 0x39383736 written little-endian, and 987654321.
    #expect(UDPHandshake.connectMessage == Array("9876".utf8))
    #expect(UDPHandshake.reply == Array("6789".utf8))
    #expect(UDPHandshake.isReply(Array("6789".utf8)))
    #expect(UDPHandshake.isReply(withUnsafeBytes(of: UInt32(987_654_321).littleEndian, Array.init)))
    #expect(!UDPHandshake.isReply(UDPHandshake.connectMessage))
    #expect(!UDPHandshake.isReply(Array("67890".utf8)))
    #expect(UDPHandshake.patience(reverse: false, blockLength: 1460) == 4)
    #expect(UDPHandshake.patience(reverse: true, blockLength: 1460) == 4 + 2 * 1460)
  }

  @Test(arguments: [false, true])
  func headerRoundTripsBigEndian(_ wide: Bool) {
    let header = UDPDatagramHeader(
      seconds: 0x0102_0304, microseconds: 999_999, sequence: 0x1_0000_0005)
    var bytes = [UInt8](repeating: 0xee, count: 20)
    bytes.withUnsafeMutableBytes { header.write(to: $0, counters64Bit: wide) }
    #expect(Array(bytes[0..<4]) == [1, 2, 3, 4])
    #expect(Array(bytes[4..<8]) == [0x00, 0x0f, 0x42, 0x3f])
    if wide {
      #expect(Array(bytes[8..<16]) == [0, 0, 0, 1, 0, 0, 0, 5])
    } else {
      #expect(Array(bytes[8..<12]) == [0, 0, 0, 5])  // the low 32 bits
      #expect(bytes[12] == 0xee)
    }
    let read = bytes.withUnsafeBytes { UDPDatagramHeader(reading: $0, counters64Bit: wide) }
    #expect(read?.sequence == (wide ? 0x1_0000_0005 : 5))
    #expect(read?.seconds == 0x0102_0304)
    #expect(abs((read?.time ?? 0) - (Double(0x0102_0304) + 0.999999)) < 1e-6)
    let short = bytes.withUnsafeBytes {
      UDPDatagramHeader(reading: UnsafeRawBufferPointer(rebasing: $0[..<11]), counters64Bit: wide)
    }
    #expect(short == nil)
  }

  @Test func lossAndReorderingAreCountedAsIperf3Does() {
    var counter = UDPReceiveCounter()
    for sequence: UInt64 in [1, 2, 5, 3, 6, 6] {
      counter.record(sequence: sequence, sentAt: 0, arrivedAt: 0)
    }
    // 5 skips 3 and 4 (2 lost); 3 comes late (out of order, 1 lost left);
    // the repeated 6 is out of order too and takes the last loss back.
    #expect(counter.highestSequence == 6)
    #expect(counter.outOfOrder == 2)
    #expect(counter.lost == 0)
    #expect(counter.datagrams == 6)
    counter.record(sequence: 10, sentAt: 0, arrivedAt: 0)
    #expect(counter.lost == 3)
    #expect(UDPReceiveCounter.lostPercent(lost: 3, total: 10) == 30)
    #expect(UDPReceiveCounter.lostPercent(lost: 3, total: 0) == 0)
  }

  @Test func jitterFollowsRFC1889AsIperf3ComputesIt() {
    var counter = UDPReceiveCounter()
    // Transit times 10, 12, 11, 11 ms: |D| = 2, 1, 0 ms after the first.
    let transits = [0.010, 0.012, 0.011, 0.011]
    for (index, transit) in transits.enumerated() {
      let sent = 100 + Double(index) * 0.001
      counter.record(sequence: UInt64(index + 1), sentAt: sent, arrivedAt: sent + transit)
    }
    var expected = 0.0
    for difference in [0.002, 0.001, 0.0] { expected += (difference - expected) / 16 }
    #expect(abs(counter.jitter - expected) < 1e-9)
    #expect(counter.jitter > 0)
  }

  @Test func pacerHoldsTheAverageRate() {
    let pacer = Pacer(rate: 8_000_000, burst: 0, pacingTimerMicroseconds: 1000)  // 1 MB/s
    #expect(pacer.limits)
    #expect(pacer.burst == 1)
    #expect(pacer.wait(bytes: 0, elapsed: 0) == 0)
    #expect(pacer.wait(bytes: 1000, elapsed: 0.001) == 0)  // exactly on rate
    #expect(abs(pacer.wait(bytes: 1500, elapsed: 0.001) - 0.0005) < 1e-12)
    #expect(pacer.wait(bytes: 1_000_000, elapsed: 0) == 0.001)  // one pacing tick at most
    #expect(Pacer(rate: 0).wait(bytes: 1 << 40, elapsed: 0) == 0)
    #expect(!Pacer(rate: 0).limits)
  }

  @Test func udpParametersTravelAsIperf3SendsThem() throws {
    var parameters = TestParameters()
    parameters.transport = .udp
    parameters.length = 1460
    parameters.bandwidth = 1_048_576
    parameters.burst = 10
    parameters.udpCounters64Bit = true
    parameters.clientVersion = nil
    let text = String(decoding: parameters.encoded(), as: UTF8.self)
    #expect(text.hasPrefix(#"{"udp":true,"#))
    #expect(text.contains(#""len":1460,"bandwidth":1048576,"pacing_timer":1000,"burst":10"#))
    #expect(text.hasSuffix(#""udp_counters_64bit":1}"#))
    let decoded = try TestParameters(json: try JSONValue.parse(text: text))
    #expect(decoded.burst == 10)
    #expect(decoded.udpCounters64Bit)
    #expect(decoded.extraKeys.isEmpty)
  }

  @Test func udpDatagramSizeIsCheckedByTheServer() throws {
    var parameters = TestParameters()
    parameters.transport = .udp
    parameters.length = 65_508
    #expect(throws: ProtocolError.self) { try parameters.validate() }
    parameters.length = 15
    #expect(throws: ProtocolError.self) { try parameters.validate() }
    parameters.length = 1460
    try parameters.validate()
    parameters.burst = 1001
    #expect(throws: ProtocolError.self) { try parameters.validate() }
  }

  @Test func datagramSizeDefaultsToTheControlMSS() {
    var parameters = TestParameters()
    parameters.transport = .udp
    parameters.length = nil
    #expect(UDPDefaults.resolved(parameters, controlMSS: 1448).length == 1448)
    #expect(UDPDefaults.resolved(parameters, controlMSS: 0).length == 1460)
    #expect(UDPDefaults.resolved(parameters, controlMSS: 65_483).length == 65_483)
    parameters.length = 9000
    #expect(UDPDefaults.resolved(parameters, controlMSS: 1448).length == 9000)
    #expect(UDPDefaults.fragmentationWarning(parameters, controlMSS: 1448) != nil)
    #expect(UDPDefaults.fragmentationWarning(parameters, controlMSS: 9000) == nil)
    var tcp = TestParameters()
    tcp.length = nil
    #expect(UDPDefaults.resolved(tcp, controlMSS: 1448).length == nil)
  }
}

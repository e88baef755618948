import Foundation
import Testing

@testable import BondPerfCore

/// Issue 18, items 8 and 9: `--bidir` text carries iperf3's role tags, and the
/// slave lines under a `[SUM]` say once why they don't add up to it.
@Suite struct BidirTextTests {
  func record(bidir: Bool, role: Role) throws -> TestRecord {
    let address = try #require(IPAddress("127.0.0.1"))
    var parameters = TestParameters()
    parameters.bidirectional = bidir
    parameters.parallel = 2
    var record = TestRecord()
    record.start = StartInfo(
      role: role, systemInfo: "", timestampSeconds: 0, peerHost: "h", peerPort: 5201,
      cookie: "", tcpMSSDefault: 0, mssOption: nil, sockBufsize: 0, sndbufActual: 0,
      rcvbufActual: 0, parameters: parameters, interval: 1)
    // Client view: sockets 5 and 7 send, 9 and 11 receive.
    record.connected = [(1, 5, true), (3, 7, true), (4, 9, false), (5, 11, false)].map {
      ConnectedStream(
        id: $0.0, socket: $0.1, local: SocketAddress(ip: address, port: 61000),
        remote: SocketAddress(ip: address, port: 5201), localSends: role == .client ? $0.2 : !$0.2,
        predictedSlave: nil)
    }
    return record
  }

  func interval(_ record: TestRecord, slaves: Bool) -> IntervalReport {
    let streams = record.connected.map {
      StreamInterval(
        id: $0.id, socket: $0.socket, start: 0, end: 1, bytes: 1_250_000,
        localSends: $0.localSends, omitted: false,
        tcp: $0.localSends
          ? TCPSample(
            retransmits: 1, sndCwnd: 65536, sndWnd: 0, rtt: 100, rttvar: 10, pmtu: 1500) : nil)
    }
    let samples =
      slaves
      ? [SlaveSample(index: 0, name: "s0", txBytes: 1_000_000, rxBytes: 900_000, seconds: 1)]
      : []
    return IntervalReport(streams: streams, slaves: samples)
  }

  func lines(_ record: TestRecord, slaves: Bool = false) throws -> [String] {
    let sink = OutputSink.discarding()
    let reporter = TextReporter(sink: sink)
    reporter.interval(interval(record, slaves: slaves), record: record)
    return try #require(sink.capturedText()).split(separator: "\n").map(String.init)
  }

  @Test func clientBidirTagsEachDirectionAndSumsItSeparately() throws {
    let lines = try lines(try record(bidir: true, role: .client))
    #expect(lines[0].hasPrefix("[ ID][Role] Interval"), "\(lines)")
    #expect(lines[1].hasPrefix("[  5][TX-C]   0.00-1.00   sec"), "\(lines)")
    #expect(lines[2].hasPrefix("[  7][TX-C]"), "\(lines)")
    #expect(lines[3].hasPrefix("[SUM][TX-C]   0.00-1.00   sec  2.38 MBytes  20.0 Mbits/sec"))
    #expect(lines[4].hasPrefix("[  9][RX-C]"), "\(lines)")
    #expect(lines[5].hasPrefix("[ 11][RX-C]"), "\(lines)")
    #expect(lines[6].hasPrefix("[SUM][RX-C]"), "\(lines)")
    #expect(lines[7] == TextReport.separator)
  }

  /// Issue 15: UDP `--bidir` lines as iperf3 3.12 prints them: role tags, and a
  /// sender's line leaves the jitter column blank.
  @Test func udpBidirTagsEachDirectionAndBlanksTheSendersJitter() throws {
    var record = try record(bidir: true, role: .client)
    record.start?.parameters.transport = .udp
    let streams = record.connected.map {
      StreamInterval(
        id: $0.id, socket: $0.socket, start: 0, end: 1, bytes: 1_250_000,
        localSends: $0.localSends, omitted: false, tcp: nil,
        udp: $0.localSends
          ? UDPSample(packets: 856) : UDPSample(packets: 856, lost: 2, jitter: 0.0001))
    }
    let sink = OutputSink.discarding()
    TextReporter(sink: sink).interval(IntervalReport(streams: streams, slaves: []), record: record)
    let lines = try #require(sink.capturedText()).split(separator: "\n").map(String.init)
    #expect(
      lines[0]
        == "[ ID][Role] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams"
    )
    #expect(
      lines[1] == "[  5][TX-C]   0.00-1.00   sec  1.19 MBytes  10.0 Mbits/sec            856  ")
    #expect(lines[3].hasPrefix("[SUM][TX-C]") && lines[3].hasSuffix("            1712  "))
    #expect(
      lines[4]
        == "[  9][RX-C]   0.00-1.00   sec  1.19 MBytes  10.0 Mbits/sec  0.100 ms  2/856 (0.23%)  ")
    #expect(lines[6].hasPrefix("[SUM][RX-C]") && lines[6].contains("4/1712"))
  }

  @Test func serverBidirSaysS() throws {
    let lines = try lines(try record(bidir: true, role: .server))
    #expect(lines.contains { $0.hasPrefix("[  5][RX-S]") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("[SUM][TX-S]") }, "\(lines)")
  }

  @Test func otherModesKeepIperf3sPlainTags() throws {
    let lines = try lines(try record(bidir: false, role: .client))
    #expect(lines[0].hasPrefix("[ ID] Interval"), "\(lines)")
    #expect(!lines.contains { $0.contains("[TX-") || $0.contains("[RX-") }, "\(lines)")
    #expect(lines.filter { $0.hasPrefix("[SUM]") }.count == 1, "\(lines)")
  }

  @Test func slaveLinesComeWithALegendOnce() throws {
    let record = try record(bidir: false, role: .client)
    let sink = OutputSink.discarding()
    let reporter = TextReporter(sink: sink)
    reporter.interval(interval(record, slaves: true), record: record)
    reporter.interval(interval(record, slaves: true), record: record)
    let text = try #require(sink.capturedText())
    #expect(text.components(separatedBy: TextReport.slaveLegend).count == 2, "\(text)")
    let legend = try #require(text.range(of: TextReport.slaveLegend))
    let slave = try #require(text.range(of: "[s0   ]"))
    #expect(legend.lowerBound < slave.lowerBound)
  }

  /// Issue 16: a server prefixes one test's lines with the client's `-T` title.
  @Test func aServerPrefixesOneTestsLinesWithTheClientsTitle() throws {
    var parameters = TestParameters()
    parameters.title = "fleet"
    var record = TestRecord()
    record.start = StartInfo(
      role: .server, systemInfo: "", timestampSeconds: 0, peerHost: "h", peerPort: 5201,
      cookie: "", tcpMSSDefault: 0, mssOption: nil, sockBufsize: 0, sndbufActual: 0,
      rcvbufActual: 0, parameters: parameters, interval: 1)
    let sink = OutputSink.discarding()
    let reporter = TextReporter(sink: sink)
    sink.line("before")
    reporter.started(record)
    sink.line("during")
    reporter.failed("gone", record: record)
    sink.line("after")
    #expect(
      sink.capturedText() == "before\nfleet:  during\nfleet:  bondperf: error - gone\nafter\n")
  }
}

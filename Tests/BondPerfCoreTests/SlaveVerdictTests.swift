import Foundation
import Testing

@testable import BondPerfCore

/// Issue 18: one name per stream, and verdicts per stream and direction.
struct SlaveVerdictTests {
  let reporting = ReportingTests()

  @Test func theTableNamesStreamsByTheirSocketTag() throws {
    // iperf3's ids are 1, 3, 4, 5; the sockets the person saw are 5, 6, 7, 8.
    let streams = try reporting.connected([0, 1, 2, 2])
    let stalled = [StalledStream(id: 5, socket: 8, predictedSlave: 2, lastData: 1.5, idleFor: 2)]
    let rows = reporting.rows(
      streams, reporting.totals([25_000_000, 25_000_000, 30_000_000, 10_000]), stalled: stalled)
    let text = BondReport.table(title: "t", rows: rows)
    let s2 = try #require(text.split(separator: "\n").first { $0.contains(" s2 ") })
    #expect(s2.contains(" 7,8 "), "\(text)")
    #expect(s2.contains("STALLED: stream 8 stopped at 1.5 s"), "\(text)")
    let json = BondReport.rowsJSON(rows)
    let entry = try #require(json.arrayValue?[2])
    #expect(entry["predicted_streams"]?.arrayValue?.compactMap(\.intValue) == [4, 5])
    #expect(entry["predicted_sockets"]?.arrayValue?.compactMap(\.intValue) == [7, 8])
  }

  @Test func bidirJudgesEachDirectionOnItsOwnCounter() throws {
    // -P 2 --bidir: the client sends on s0 and s1, receives on s2 and s3.
    let streams = try reporting.connected([0, 1, 2, 3], sends: [true, true, false, false])
    let full: Int64 = 36_000_000
    let ack: Int64 = 90_000
    let local = reporting.rows(
      streams, reporting.totals([full, full, ack, ack], rx: [ack, ack, full, full]))
    #expect(local.map(\.verdict) == ["ok", "ok", "ok", "ok"])
    #expect(local[2].receivingSockets == [7])
    #expect(BondReport.table(title: "t", rows: local).contains("7 rx"))
    // The server's counters: what the client sends arrives on its rx.
    let peer = reporting.rows(
      streams, reporting.totals([ack, ack, full, full], rx: [full, full, ack, ack]),
      client: false)
    #expect(peer.map(\.verdict) == ["ok", "ok", "ok", "ok"])
    // s3 received nothing: idle in the receive direction only. Its stream
    // moved nothing, so s2 carrying all the rest is as predicted.
    var record = reporting.record(streams)
    record.summary = Self.summary(streams, bytes: [full, full, full, 10_000])
    let cut = BondReport.rows(
      description: reporting.description(), record: record,
      totals: reporting.totals([full, full, ack, ack], rx: [ack, ack, full, 10_000]),
      clientCounters: true)
    #expect(cut[3].verdict.hasPrefix("IDLE: predicted 1 stream(s) to receive"), "\(cut[3])")
    #expect(cut.prefix(3).allSatisfy { $0.verdict == "ok" })
  }

  static func summary(_ streams: [ConnectedStream], bytes: [Int64]) -> TestSummary {
    TestSummary(
      streams: zip(streams, bytes).map { stream, bytes in
        StreamSummary(
          id: stream.id, socket: stream.socket, localSends: stream.localSends, bytesSent: bytes,
          bytesReceived: bytes, retransmits: nil, maxSndCwnd: 0, maxSndWnd: 0, maxRtt: 0,
          minRtt: 0, meanRtt: 0)
      }, endTime: 1, senderTime: 1, receiverTime: 1, clientToServerHasRetransmits: false,
      serverToClientHasRetransmits: false, localCPU: (0, 0, 0), remoteCPU: (0, 0, 0),
      localCongestion: nil, remoteCongestion: nil, hasPeerResults: true)
  }

  @Test func reverseJudgesTheReceiveCounter() throws {
    let streams = try reporting.connected([0, 1, 2, 3], sends: [false, false, false, false])
    let full: Int64 = 30_000_000
    let rows = reporting.rows(
      streams, reporting.totals([80_000, 80_000, 80_000, 80_000], rx: [full, full, full, full]))
    #expect(rows.map(\.verdict) == ["ok", "ok", "ok", "ok"])
  }

  @Test func aSlaveCarryingFarMoreThanPredictedIsMispredicted() throws {
    // One stream predicted per slave; the driver put two on s0 and two on s2.
    let streams = try reporting.connected([0, 1, 2, 3])
    let rows = reporting.rows(
      streams, reporting.totals([50_000_000, 20_000, 50_000_000, 20_000]))
    #expect(rows[0].verdict.hasPrefix("MISPREDICTED"), "\(rows[0].verdict)")
    #expect(rows[1].verdict.hasPrefix("IDLE"))
    #expect(rows[2].verdict.hasPrefix("MISPREDICTED"))
  }

  @Test func anEmptyRoundRobinSlaveIsFlagged() throws {
    let sprayed = try reporting.connected([0, 1, 2, 3]).map { stream in
      var stream = stream
      stream.predictedSlave = nil
      return stream
    }
    let rows = reporting.rows(
      sprayed, reporting.totals([30_000_000, 30_000_000, 30_000_000, 1000]), mode: .balanceRR)
    #expect(rows.prefix(3).allSatisfy { $0.verdict == "per-packet (balance-rr)" })
    #expect(rows[3].verdict.hasPrefix("IDLE: balance-rr"))
  }
}

extension SlaveVerdictTests {
  /// Issue 18, item 8: the per-slave tables come before `iperf Done.`, where
  /// scripts that parse iperf3's text stop reading, and an interrupted test
  /// with results still prints them.
  @Test func theTrailerComesBeforeIperfDoneAndAfterAnInterruptedSummary() throws {
    let streams = try reporting.connected([0, 1])
    var record = reporting.record(streams)
    record.summary = Self.summary(streams, bytes: [1000, 1000])
    record.start = StartInfo(
      role: .client, systemInfo: "", timestampSeconds: 0, peerHost: "h", peerPort: 5201,
      cookie: "", tcpMSSDefault: 0, mssOption: nil, sockBufsize: 0, sndbufActual: 0,
      rcvbufActual: 0, parameters: TestParameters(), interval: 1)
    let done = OutputSink.discarding()
    TextReporter(sink: done, trailer: { _ in "TABLES\n" }).finished(record)
    let text = try #require(done.capturedText())
    let tables = try #require(text.range(of: "TABLES"))
    let iperfDone = try #require(text.range(of: "iperf Done."))
    #expect(tables.lowerBound < iperfDone.lowerBound, "\(text)")
    let interrupted = OutputSink.discarding()
    TextReporter(sink: interrupted, trailer: { _ in "TABLES\n" }).failed(
      "interrupt - the client has terminated", record: record)
    let partial = try #require(interrupted.capturedText())
    #expect(partial.contains("TABLES\nbondperf: error"), "\(partial)")
  }

  /// Issue 18, item 7: one line when no bond is found on the route.
  @Test func noBondOnTheRouteIsOneLineNamingTheDeviceAndTheFlags() throws {
    let server = try #require(IPAddress("198.18.0.2"))
    #expect(
      BondDescription.noneFoundLine(server: server, device: "bond0")
        == "bond: none found (the route to 198.18.0.2 leaves on bond0, which is not a bond); "
        + "name one with --bond, or describe it with --bond-policy and --slaves")
    #expect(BondDescription.noneFoundLine(server: server, device: nil).contains("no local device"))
  }
}

import Synchronization
import Testing

@testable import BondPerfCore

/// StreamSampler and ResultsExchange: how the engine turns byte counters into
/// intervals and totals, and totals into the results both sides exchange.
struct EngineAccountingTests {
  let start = ContinuousClock.now

  func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

  /// A stream whose counter the test sets by hand; its socket is never connected,
  /// so no TCP_INFO is read.
  func stream(id: Int, sends: Bool) throws -> DataStream {
    let address = SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: 0)
    return DataStream(
      id: id, localSends: sends, connection: SharedSocket(try Socket(family: .ipv4)),
      local: address, remote: address)
  }

  // MARK: - StreamSampler

  @Test func intervalsCountWhatMovedSinceTheLastSample() throws {
    let receiver = try stream(id: 1, sends: false)
    let sampler = StreamSampler(streams: [receiver], start: start, omitting: false, monitor: nil)
    receiver.bytes.store(1000, ordering: .relaxed)
    let first = try #require(sampler.sample(at: at(1000)).streams.first)
    #expect(first.bytes == 1000)
    #expect(first.start == 0 && first.end == 1)
    #expect(!first.omitted && !first.localSends && first.id == 1)
    receiver.bytes.store(2500, ordering: .relaxed)
    let second = try #require(sampler.sample(at: at(2000)).streams.first)
    #expect(second.bytes == 1500)
    #expect(second.start == 1 && second.end == 2)
    let totals = sampler.localTotals()
    #expect(totals.map(\.bytesReceived) == [2500] && totals.map(\.bytesSent) == [0])
    #expect(sampler.endTime == 2)
  }

  /// Bytes moved during the omit period are reported as omitted and left out of the
  /// totals; time restarts at the end of the omit period.
  @Test func omitPeriodIsLeftOutOfTheTotals() throws {
    let sender = try stream(id: 1, sends: true)
    let sampler = StreamSampler(streams: [sender], start: start, omitting: true, monitor: nil)
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 1)
    sender.bytes.store(700, ordering: .relaxed)
    let (report, omitEnded) = sampler.step(&clock, at: at(1000))
    #expect(omitEnded)
    #expect(report?.omitted == true && report?.streams.first?.bytes == 700)
    #expect(!sampler.omitting)
    sender.bytes.store(1900, ordering: .relaxed)
    let (next, _) = sampler.step(&clock, at: at(2000))
    let interval = try #require(next?.streams.first)
    #expect(interval.bytes == 1200 && !interval.omitted)
    #expect(interval.start == 0 && interval.end == 1, "time counts from the omit period's end")
    #expect(sampler.localTotals().map(\.bytesSent) == [1200])
    #expect(sampler.endTime == 1)
  }

  @Test func nothingIsDueBetweenTicks() throws {
    let sampler = StreamSampler(
      streams: [try stream(id: 1, sends: false)], start: start, omitting: false, monitor: nil)
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    let (report, omitEnded) = sampler.step(&clock, at: at(500))
    #expect(report == nil && !omitEnded)
  }

  /// After the last sample the counts are frozen: bytes that arrive while the test
  /// winds down are not counted.
  @Test func finishFreezesTheCounts() throws {
    let receiver = try stream(id: 3, sends: false)
    let sampler = StreamSampler(streams: [receiver], start: start, omitting: false, monitor: nil)
    let clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    receiver.bytes.store(4096, ordering: .relaxed)
    let last = try #require(sampler.finish(clock, at: at(600)), "a partial interval with data")
    #expect(last.streams.first?.bytes == 4096)
    receiver.bytes.store(9000, ordering: .relaxed)
    #expect(sampler.localTotals().map(\.bytesReceived) == [4096])
  }

  @Test func finishDropsAShortEmptyLastInterval() throws {
    let receiver = try stream(id: 1, sends: false)
    let sampler = StreamSampler(streams: [receiver], start: start, omitting: false, monitor: nil)
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 0)
    receiver.bytes.store(100, ordering: .relaxed)
    #expect(sampler.step(&clock, at: at(1000)).report != nil)
    #expect(sampler.finish(clock, at: at(1020)) == nil, "20 ms with no bytes")
    #expect(sampler.localTotals().map(\.bytesReceived) == [100])
  }

  // MARK: - ResultsExchange

  func summary(id: Int, sends: Bool, sent: Int64, received: Int64) -> StreamSummary {
    StreamSummary(
      id: id, socket: 5, localSends: sends, bytesSent: sent, bytesReceived: received,
      retransmits: sends ? 3 : nil, maxSndCwnd: 0, maxSndWnd: 0, maxRtt: 0, minRtt: 0,
      meanRtt: 0)
  }

  @Test func localResultsReportEachStreamsOwnSide() throws {
    let totals = [
      summary(id: 1, sends: true, sent: 5000, received: 0),
      summary(id: 3, sends: false, sent: 0, received: 4000),
    ]
    let results = ResultsExchange.localResults(
      totals: totals, endTime: 1.5, cpu: (10, 6, 4), congestion: "cubic", extra: [])
    #expect(results.streams.map(\.bytes) == [5000, 4000])
    #expect(results.streams.map(\.retransmits) == [3, -1], "-1: a receiving stream")
    #expect(results.senderHasRetransmits == 1)
    #expect(results.streams.allSatisfy { $0.endTime == 1.5 })
    let receiving = ResultsExchange.localResults(
      totals: [totals[1]], endTime: 1, cpu: (0, 0, 0), congestion: nil, extra: [])
    #expect(receiving.senderHasRetransmits == -1, "a side that only receives")
  }

  /// What one side encodes, the other decodes to the same results, framed with a
  /// 4-byte big-endian length.
  @Test func resultsSurviveTheWire() throws {
    let results = ResultsExchange.localResults(
      totals: [summary(id: 1, sends: true, sent: 123_456_789, received: 0)], endTime: 1.25,
      cpu: (12.5, 7.25, 5.25), congestion: "bbr", extra: [("bondperf", .object([("x", .int(1))]))])
    let body = results.encoded()
    #expect(try TestResults(bytes: body) == results)
    let framed = results.framed()
    #expect(Framing.length(fromHeader: framed.prefix(4)) == UInt32(body.count))
    #expect(Array(framed.dropFirst(4)) == body)
    let decoded = try TestResults(bytes: body)
    #expect(decoded.streams.first?.bytes == 123_456_789)
    #expect(decoded.congestionUsed == "bbr")
  }

  @Test(arguments: [
    "not json", #"{"cpu_util_total":1}"#, #"[1,2,3]"#,
    #"{"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":0,"sender_has_retransmits":1,"#
      + #""streams":[{"id":1}]}"#,
  ])
  func malformedResultsAreRefused(_ text: String) {
    #expect(throws: ProtocolError.self) { try TestResults(bytes: Array(text.utf8)) }
  }

  @Test func truncatedResultsAreRefused() {
    let body = ResultsExchange.localResults(
      totals: [summary(id: 1, sends: true, sent: 1, received: 0)], endTime: 1, cpu: (0, 0, 0),
      congestion: nil, extra: []
    ).encoded()
    #expect(throws: ProtocolError.self) { try TestResults(bytes: body.dropLast()) }
  }

  /// The client sent on stream 1: its "received" comes from the server's results.
  @Test func mergeTakesThePeersSideOfEachStream() throws {
    let local = ResultsExchange.summary(
      role: .client, totals: [summary(id: 1, sends: true, sent: 9000, received: 0)],
      endTime: 1, cpu: (1, 1, 0), congestion: "cubic")
    #expect(!local.hasPeerResults)
    let peer = TestResults(
      cpuUtilTotal: 30, cpuUtilUser: 20, cpuUtilSystem: 10, senderHasRetransmits: -1,
      congestionUsed: "reno", streams: [StreamResult(id: 1, bytes: 8800, endTime: 1.1)])
    let merged = try ResultsExchange.merge(local, role: .client, peer: peer)
    #expect(merged.hasPeerResults)
    #expect(merged.streams.first?.bytesSent == 9000)
    #expect(merged.streams.first?.bytesReceived == 8800)
    #expect(merged.remoteCPU.total == 30 && merged.remoteCongestion == "reno")
    #expect(merged.senderTime == 1 && merged.receiverTime == 1.1)
    #expect(!merged.serverToClientHasRetransmits)
  }

  @Test func mergeTakesTheSendersRetransmitsForAReceivingStream() throws {
    let local = ResultsExchange.summary(
      role: .client, totals: [summary(id: 1, sends: false, sent: 0, received: 7000)],
      endTime: 1, cpu: (1, 1, 0), congestion: nil)
    let peer = TestResults(
      cpuUtilTotal: 1, cpuUtilUser: 1, cpuUtilSystem: 0, senderHasRetransmits: 1,
      streams: [StreamResult(id: 1, bytes: 7100, retransmits: 4, endTime: 1)])
    let merged = try ResultsExchange.merge(local, role: .client, peer: peer)
    #expect(merged.streams.first?.bytesSent == 7100)
    #expect(merged.streams.first?.bytesReceived == 7000)
    #expect(merged.streams.first?.retransmits == 4)
    #expect(merged.serverToClientHasRetransmits)
  }

  @Test func mergeRefusesResultsMissingAStream() {
    let local = ResultsExchange.summary(
      role: .server,
      totals: [
        summary(id: 1, sends: false, sent: 0, received: 1),
        summary(id: 3, sends: false, sent: 0, received: 1),
      ], endTime: 1, cpu: (0, 0, 0), congestion: nil)
    let peer = TestResults(
      cpuUtilTotal: 0, cpuUtilUser: 0, cpuUtilSystem: 0, senderHasRetransmits: 1,
      streams: [StreamResult(id: 1, bytes: 1, endTime: 1)])
    #expect(throws: PerfError("the peer's results lack stream 3")) {
      try ResultsExchange.merge(local, role: .server, peer: peer)
    }
  }
}

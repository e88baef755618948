import Glibc
import Testing

@testable import BondPerfCore

struct ReportingTests {
  @Test(arguments: [
    (0.0, "0.00 Bytes"), (1023.0, "1023 Bytes"), (1024.0, "1.00 KBytes"),
    (131_072.0, " 128 KBytes"), (1_171_030_000.0, "1.09 GBytes"), (10.5 * 1_048_576, "10.5 MBytes"),
  ])
  func bytesUseBinaryUnitsLikeIperf3(value: Double, text: String) {
    #expect(Units.bytes(value) == text)
  }

  @Test(arguments: [
    (0.0, "0.00 bits/sec"), (95_100_000.0, "95.1 Mbits/sec"), (940_000_000.0, " 940 Mbits/sec"),
    (1_880_000_000.0, "1.88 Gbits/sec"), (999.0, " 999 bits/sec"), (1000.0, "1.00 Kbits/sec"),
  ])
  func ratesUseDecimalUnitsLikeIperf3(value: Double, text: String) {
    #expect(Units.bitsPerSecond(value) == text)
  }

  @Test func parsesSizesAndRates() {
    #expect(Units.parseSize("128K") == 131_072)
    #expect(Units.parseSize("1M") == 1_048_576)
    #expect(Units.parseSize("500") == 500)
    #expect(Units.parseRate("100M") == 100_000_000)
    #expect(Units.parseRate("2.5G") == 2_500_000_000)
    for bad in ["", "M", "-1", "ten", "1X"] {
      #expect(Units.parseSize(bad) == nil, "\(bad)")
    }
  }

  @Test func intervalLineMatchesIperf3Layout() throws {
    let address = try #require(IPAddress("127.0.0.1"))
    let stream = StreamInterval(
      id: 1, socket: 5, start: 0, end: 1.000327, bytes: 914_882_560, localSends: true,
      omitted: false,
      tcp: TCPSample(
        retransmits: 0, sndCwnd: 3_667_048, sndWnd: 0, rtt: 373, rttvar: 568, pmtu: 65535))
    #expect(
      TextReport.intervalLine(stream)
        == "[  5]   0.00-1.00   sec   873 MBytes  7.32 Gbits/sec    0   3.50 MBytes")
    let connected = ConnectedStream(
      id: 1, socket: 5, local: SocketAddress(ip: address, port: 61000),
      remote: SocketAddress(ip: address, port: 5201), localSends: true, predictedSlave: 2)
    #expect(
      TextReport.connected(connected, slaveNames: ["s0", "s1", "s2"])
        == "[  5] local 127.0.0.1 port 61000 connected to 127.0.0.1 port 5201  -> slave 2 (s2)")
  }

  @Test func intervalClockTicksOmitsAndDropsAnEmptyLastInterval() {
    let start = ContinuousClock.now
    var clock = IntervalClock(start: start, intervalSeconds: 1, omitSeconds: 2)
    #expect(clock.wake(before: start + .seconds(5)) == start + .seconds(1))
    #expect(clock.advance(to: start + .milliseconds(500)) == .none)
    #expect(clock.advance(to: start + .milliseconds(1000)) == .tick)
    #expect(clock.advance(to: start + .milliseconds(2001)) == .omitEnd)
    // After the omit period the ticks start again from its end.
    #expect(clock.advance(to: start + .milliseconds(2500)) == .none)
    #expect(clock.advance(to: start + .milliseconds(3001)) == .tick)
    #expect(!clock.keepsFinal(at: start + .milliseconds(3050), bytes: 0))
    #expect(clock.keepsFinal(at: start + .milliseconds(3050), bytes: 1))
    #expect(clock.keepsFinal(at: start + .milliseconds(3500), bytes: 0))
    let silent = IntervalClock(start: start, intervalSeconds: 0, omitSeconds: 0)
    #expect(silent.wake(before: start + .seconds(3)) == start + .seconds(3))
    // -i 0: one interval covering the test, as iperf3 reports it.
    #expect(silent.keepsFinal(at: start + .seconds(3), bytes: 100))
  }

  func description(_ mode: BondMode = .ieee8023ad) -> BondDescription {
    BondDescription(
      origin: "test",
      model: BondHashModel(mode: mode, policy: .layer3_4, kernel: .init(major: 6, minor: 1)),
      slaveNames: ["s0", "s1", "s2", "s3"], slaveCount: 4, peerSlaveCount: nil)
  }

  func connected(_ slaves: [Int], sends: [Bool]? = nil) throws -> [ConnectedStream] {
    let address = try #require(IPAddress("198.18.0.1"))
    return slaves.enumerated().map { index, slave in
      ConnectedStream(
        id: index == 0 ? 1 : index + 2, socket: Int32(5 + index),
        local: SocketAddress(ip: address, port: UInt16(61000 + index)),
        remote: SocketAddress(ip: address, port: 5201), localSends: sends?[index] ?? true,
        predictedSlave: slave)
    }
  }

  func totals(_ tx: [Int64], rx: [Int64]? = nil) -> [SlaveSample] {
    tx.enumerated().map {
      SlaveSample(
        index: $0.offset, name: "s\($0.offset)", txBytes: $0.element,
        rxBytes: rx?[$0.offset] ?? 0, seconds: 1)
    }
  }

  func record(_ streams: [ConnectedStream], stalled: [StalledStream] = []) -> TestRecord {
    var record = TestRecord()
    record.connected = streams
    record.stalledStreams = stalled
    return record
  }

  func rows(
    _ streams: [ConnectedStream], _ totals: [SlaveSample], mode: BondMode = .ieee8023ad,
    client: Bool = true, stalled: [StalledStream] = []
  ) -> [BondReport.SlaveRow] {
    BondReport.rows(
      description: description(mode), record: record(streams, stalled: stalled), totals: totals,
      clientCounters: client)
  }

  @Test func verdictsFlagUnexpectedAndIdleSlaves() throws {
    // Predicted: streams on s0, s2, s2, s3 (two collide on s2, none on s1).
    let streams = try connected([0, 2, 2, 3])
    let fine = rows(streams, totals([25_000_000, 10_000, 50_000_000, 25_000_000]))
    #expect(fine.map(\.verdict) == ["ok", "ok", "ok", "ok"])
    #expect(fine[2].predictedStreams == [3, 4])
    #expect(fine[2].predictedSockets == [6, 7])
    // s1 carries data nobody predicted; s3 stays idle although a stream was predicted there.
    let wrong = rows(streams, totals([25_000_000, 25_000_000, 50_000_000, 10_000]))
    #expect(wrong[1].verdict.hasPrefix("UNEXPECTED"))
    #expect(wrong[3].verdict.hasPrefix("IDLE"))
    let rr = rows(try connected([]), totals([1, 2, 3, 4]), mode: .balanceRR)
    #expect(rr.allSatisfy { $0.verdict == "per-packet (balance-rr)" })
  }

  @Test func aStreamThatStalledForGoodMarksItsSlaveByItsSocket() throws {
    // Stream id 4, socket [  7] (on s2), stopped at 1.3 s and never moved again;
    // stream 1 (on s0) came back.
    let streams = try connected([0, 2, 2, 3])
    let stalled = [
      StalledStream(id: 1, socket: 5, predictedSlave: 0, lastData: 0.8, idleFor: 2, resumedAt: 3.1),
      StalledStream(id: 4, socket: 7, predictedSlave: 2, lastData: 1.34, idleFor: 2),
    ]
    let judged = rows(
      streams, totals([25_000_000, 10_000, 40_000_000, 25_000_000]), stalled: stalled)
    #expect(judged.map(\.verdict) == ["ok", "ok", "STALLED: stream 7 stopped at 1.3 s", "ok"])
  }

  @Test func serverTotalsRoundTripThroughTheResultsExchange() {
    let sent = totals([100, 200])
    let extra = BondReport.serverExtra(totals: sent)
    #expect(extra.first?.0 == "bondperf")
    let back = BondReport.peerTotals(extra)
    #expect(back.map(\.txBytes) == [100, 200])
    #expect(back.map(\.name) == ["s0", "s1"])
    #expect(BondReport.peerTotals([("other", .null)]).isEmpty)
  }
}

struct PayloadTests {
  @Test func randomFillIsVariedAndDiffersPerFill() throws {
    let a = try PageBuffer(byteCount: 131_072)
    let b = try PageBuffer(byteCount: 131_072)
    StreamBuffers.fillRandom(a.bytes)
    StreamBuffers.fillRandom(b.bytes)
    #expect(!a.bytes.elementsEqual(b.bytes))
    // Every byte value shows up in 128 KiB of random data.
    #expect(Set(a.bytes).count == 256)
    let odd = try PageBuffer(byteCount: 5)
    StreamBuffers.fillRandom(odd.bytes)
    #expect(odd.bytes.count == 5)
  }

  @Test func sharedPayloadIsFullLengthAndItsFileHoldsTheSameBytes() throws {
    let payload = try StreamBuffers.payload.get()
    #expect(payload.bytes.count == StreamBuffers.maximumLength)
    #expect(Set(payload.bytes.prefix(65_536)).count == 256)
    let file = try StreamBuffers.payloadFile.get()
    #expect(file.size == StreamBuffers.maximumLength)
    var head = [UInt8](repeating: 0, count: 4096)
    let count = head.withUnsafeMutableBytes {
      Glibc.pread(file.descriptor, $0.baseAddress, $0.count, 0)
    }
    #expect(count == 4096)
    #expect(head.elementsEqual(payload.bytes.prefix(4096)))
  }

  @Test(
    arguments: [
      (0.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
      (1_795_773_095.7, "Fri, 27 Nov 2026 09:51:35 GMT"),
      (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
      (1_709_164_800, "Thu, 29 Feb 2024 00:00:00 GMT"),
      (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),
    ] as [(Double, String)])
  func rfc1123MatchesIperf3sTimestamp(seconds: Double, text: String) {
    #expect(IperfJSON.rfc1123(seconds) == text)
  }
}

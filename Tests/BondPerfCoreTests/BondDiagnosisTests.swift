import Testing

@testable import BondPerfCore

/// Issue 18, case 3: a diagnosis after the per-slave tables.
struct BondDiagnosisTests {
  let reporting = ReportingTests()

  func record(_ streams: [ConnectedStream], bytes: [Int64]) -> TestRecord {
    var record = reporting.record(streams)
    record.summary = SlaveVerdictTests.summary(streams, bytes: bytes)
    return record
  }

  @Test func aCollisionWithNoPinNamesTheSharedAndIdleSlavesAndTheFix() throws {
    // -P 4 -R --no-pin: streams [  5] and [  6] both on s1, none on s2.
    let streams = try reporting.connected([0, 1, 1, 3], sends: [false, false, false, false])
    let full: Int64 = 12_000_000
    let record = record(streams, bytes: [full, full / 2, full / 2, full])
    let ceiling = LinkCeiling(bitsPerSecond: 400e6)
    let diagnosis = try #require(
      BondDiagnosis.make(
        description: reporting.description(), record: record,
        localTotals: reporting.totals([50_000, 50_000, 100, 50_000], rx: [full, full, 100, full]),
        context: BondDiagnosis.Context(ceiling: ceiling, kind: .kernelPorts)))
    #expect(diagnosis.used == ["s0", "s1", "s3"])
    #expect(diagnosis.idle == ["s2"])
    #expect(diagnosis.shared == [BondDiagnosis.Shared(name: "s1", sockets: [6, 7])])
    #expect(diagnosis.nextStep.hasPrefix("drop --no-pin"))
    // 36 MB in 1 s = 288 Mbit/s: 112 below 400, 28%.
    #expect(
      diagnosis.text
        == "diagnosis: 3 of 4 usable slaves used; s1 shares streams 6,7; s2 idle; "
        + "288 Mbits/sec, 112 Mbits/sec (28%) below the 400 Mbits/sec ceiling; "
        + "next: drop --no-pin: bondperf pins one stream per slave")
    let json = diagnosis.json
    #expect(json["slaves_used"]?.intValue == 3)
    #expect(json["idle"]?.arrayValue?.compactMap(\.stringValue) == ["s2"])
    #expect(json["loss_percent"]?.doubleValue.map { Int($0.rounded()) } == 28)
  }

  /// Issue 15: a UDP test below the ceiling with every slave used is not sent to
  /// TCP's buffers; the same counters in a TCP test are.
  @Test func aShortUDPTestIsNotToldToTuneTCPBuffers() throws {
    let streams = try reporting.connected([0, 1, 2, 3])
    let full: Int64 = 12_000_000
    var diagnoses: [String] = []
    for transport in [TransportProtocol.udp, .tcp] {
      var record = record(streams, bytes: [full, full, full, full])
      var parameters = TestParameters()
      parameters.transport = transport
      record.start = StartInfo(
        role: .client, systemInfo: "", timestampSeconds: 0, peerHost: "h", peerPort: 5201,
        cookie: "", tcpMSSDefault: 0, mssOption: nil, sockBufsize: 0, sndbufActual: 0,
        rcvbufActual: 0, parameters: parameters, interval: 1)
      let diagnosis = try #require(
        BondDiagnosis.make(
          description: reporting.description(), record: record,
          localTotals: reporting.totals([full, full, full, full]),
          context: BondDiagnosis.Context(ceiling: LinkCeiling(bitsPerSecond: 4e9), kind: .pinned)))
      diagnoses.append(diagnosis.nextStep)
    }
    #expect(!diagnoses[0].contains("TCP"), "\(diagnoses[0])")
    #expect(diagnoses[0].contains("-b"), "\(diagnoses[0])")
    #expect(diagnoses[1].contains("TCP buffers"), "\(diagnoses[1])")
  }

  @Test func everySlaveUsedSaysSoAndAnUnknownCeilingSaysWhy() throws {
    let streams = try reporting.connected([0, 1, 2, 3])
    let full: Int64 = 12_000_000
    let diagnosis = try #require(
      BondDiagnosis.make(
        description: reporting.description(),
        record: record(streams, bytes: [full, full, full, full]),
        localTotals: reporting.totals([full, full, full, full]),
        context: BondDiagnosis.Context(
          ceiling: LinkCeiling(
            description: reporting.description(),
            rates: (0..<4).map {
              SlaveRate(name: "s\($0)", bitsPerSecond: nil, source: .virtualLink)
            },
            given: nil),
          kind: .pinned)))
    #expect(diagnosis.idle.isEmpty)
    #expect(diagnosis.text.contains("4 of 4 usable slaves used"))
    #expect(diagnosis.text.contains("ceiling unknown (virtual link; pass --slave-rate)"))
    #expect(diagnosis.nextStep.hasPrefix("none"))
  }

  @Test func theNextStepNamesTheMissingMACAndTheWrongModel() throws {
    let streams = try reporting.connected([0, 1, 2, 3])
    let full: Int64 = 12_000_000
    let record = record(streams, bytes: [full, full, full, full])
    let skewed = reporting.totals([2 * full, 1000, 2 * full, 1000])
    let wrongModel = try #require(
      BondDiagnosis.make(
        description: reporting.description(), record: record, localTotals: skewed,
        context: BondDiagnosis.Context(ceiling: nil, kind: .pinned)))
    #expect(wrongModel.nextStep.contains("--kernel"), "\(wrongModel.nextStep)")
    let noMAC = try #require(
      BondDiagnosis.make(
        description: reporting.description(), record: record, localTotals: skewed,
        context: BondDiagnosis.Context(
          ceiling: nil, kind: .sharedSlave(2), missingMACFlags: ["--local-mac"])))
    #expect(noMAC.nextStep.hasPrefix("pass --local-mac"))
    // layer2: every stream predicted, and carried, on s2.
    let together = try reporting.connected([2, 2, 2, 2])
    let layer2 = try #require(
      BondDiagnosis.make(
        description: reporting.description(),
        record: self.record(together, bytes: [full, full, full, full]),
        localTotals: reporting.totals([1000, 1000, 4 * full, 1000]),
        context: BondDiagnosis.Context(ceiling: nil, kind: .sharedSlave(2))))
    #expect(layer2.nextStep.contains("can't spread between two hosts"), "\(layer2.nextStep)")
  }

  @Test func theTextReportEndsWithTheDiagnosis() throws {
    let streams = try reporting.connected([0, 1, 2, 3])
    let full: Int64 = 12_000_000
    let text = SlaveTruthReport.text(
      description: reporting.description(),
      record: record(streams, bytes: [full, full, full, full]),
      localTotals: reporting.totals([full, full, full, full]),
      context: BondDiagnosis.Context(ceiling: LinkCeiling(bitsPerSecond: 400e6), kind: .pinned))
    let last = try #require(text.split(separator: "\n").last)
    #expect(last.hasPrefix("diagnosis: 4 of 4 usable slaves used; 384 Mbits/sec"), "\(text)")
  }

  @Test func bidirWithFewerStreamsThanSlavesAsksForMore() throws {
    // -P 2 --bidir: two streams each way, every slave busy one way only.
    let streams = try reporting.connected([0, 1, 2, 3], sends: [true, true, false, false])
    let full: Int64 = 12_000_000
    let diagnosis = try #require(
      BondDiagnosis.make(
        description: reporting.description(),
        record: record(streams, bytes: [full, full, full, full]),
        localTotals: reporting.totals([full, full, 100, 100], rx: [100, 100, full, full]),
        context: BondDiagnosis.Context(ceiling: LinkCeiling(bitsPerSecond: 400e6), kind: .pinned)))
    #expect(diagnosis.ceilingBitsPerSecond == 800e6)
    #expect(diagnosis.nextStep == "run -P 4 or more, so every slave gets a stream")
  }
}

import Foundation
import Testing

@testable import BondPerfCore

/// `compare -u -b RATE`: every phase a UDP test at the offered rate, and each
/// phase's loss in the table and in the JSON document.
struct CompareUDPTests {
  /// A finished UDP record whose streams each sent `packets` and lost `lost[i]`.
  func record(packets: Int64, lost: [Int64], jitter: Double = 0.002) -> TestRecord {
    var record = TestRecord()
    let streams = lost.enumerated().map { index, lost in
      StreamSummary(
        id: 2 * index + 1, socket: Int32(5 + index), localSends: true,
        bytesSent: packets * 1400, bytesReceived: (packets - lost) * 1400, retransmits: nil,
        maxSndCwnd: 0, maxSndWnd: 0, maxRtt: 0, minRtt: 0, meanRtt: 0,
        udp: UDPTotals(
          senderPackets: packets, receiverPackets: packets, lost: lost, jitter: jitter))
    }
    record.summary = TestSummary(
      streams: streams, endTime: 1, senderTime: 1, receiverTime: 1,
      clientToServerHasRetransmits: false, serverToClientHasRetransmits: false,
      localCPU: (0, 0, 0), remoteCPU: (0, 0, 0), localCongestion: nil, remoteCongestion: nil,
      hasPeerResults: true)
    return record
  }

  @Test func phaseLossSumsTheStreams() throws {
    let loss = try #require(PhaseLoss(record(packets: 1000, lost: [0, 30])))
    #expect(loss.lost == 30)
    #expect(loss.packets == 2000)
    #expect(abs(loss.percent - 1.5) < 1e-9)
    #expect(loss.text == "30/2000 (1.50%)")
    #expect(PhaseLoss(TestRecord()) == nil)
  }

  @Test func tableHasALossRowOnlyForUDP() {
    let single = record(packets: 900, lost: [9])
    let pinned = record(packets: 900, lost: [0, 0])
    let table = CompareTable.render(
      label: "lab", phases: [("Single stream", single), ("2 streams (pinned)", pinned)],
      ceiling: nil, description: nil)
    let lossLine = table.split(separator: "\n").first { $0.hasPrefix("UDP loss") }
    #expect(lossLine?.contains("9/900 (1.00%)") == true)
    #expect(lossLine?.contains("0/1800 (0.00%)") == true)
    var tcp = TestRecord()
    tcp.summary = single.summary
    tcp.summary?.streams = (single.summary?.streams ?? []).map {
      var stream = $0
      stream.udp = nil
      return stream
    }
    let tcpTable = CompareTable.render(
      label: "lab", phases: [("Single stream", tcp)], ceiling: nil, description: nil)
    #expect(!tcpTable.contains("UDP loss"))
  }

  @Test func documentCarriesEachPhasesLoss() throws {
    let single = record(packets: 1000, lost: [50], jitter: 0.003)
    let document = CompareTable.document(
      phases: [("single", 1, single, IperfJSON.document(single))], ceiling: nil, label: "lab",
      description: nil)
    let phase = try #require(document["phases"]?.arrayValue?.first)
    let udp = try #require(phase["udp"])
    #expect(udp["lost_packets"] == .int(50))
    #expect(udp["packets"] == .int(1000))
    #expect(udp["lost_percent"]?.doubleValue.map { abs($0 - 5) < 1e-9 } == true)
    #expect(udp["jitter_ms"]?.doubleValue.map { abs($0 - 3) < 1e-9 } == true)
  }

  @Test func parametersAskForUDPAtTheOfferedRate() {
    var comparison = Comparison(host: "h", port: 5201, parallel: 4, seconds: 2, omit: 0)
    comparison.transport = .udp
    comparison.bandwidth = 10_000_000
    for phase in comparison.phases {
      let parameters = comparison.parameters(for: phase)
      #expect(parameters.transport == .udp)
      #expect(parameters.bandwidth == 10_000_000)
      #expect(parameters.length == nil)
      #expect(parameters.parallel == phase.streams)
    }
    comparison.length = 1400
    comparison.bandwidth = nil
    let single = comparison.parameters(for: comparison.phases[0])
    #expect(single.length == 1400)
    #expect(single.bandwidth == UDPDefaults.bitrate)
    let tcp = Comparison(host: "h", port: 5201, parallel: 4, seconds: 2, omit: 0)
    let parameters = tcp.parameters(for: tcp.phases[0])
    #expect(parameters.transport == .tcp)
    #expect(parameters.bandwidth == nil)
  }
}

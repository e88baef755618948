import Foundation
import Testing

@testable import BondPerfCore

/// UDP lines and `-J` members laid out as iperf3 3.12 prints them.
struct UDPReportingTests {
  func interval(sends: Bool, udp: UDPSample) -> StreamInterval {
    StreamInterval(
      id: 1, socket: 5, start: 0, end: 1, bytes: 131_072, localSends: sends, omitted: false,
      tcp: nil, udp: udp)
  }

  @Test func intervalLinesMatchIperf3Layout() {
    let sender = interval(sends: true, udp: UDPSample(packets: 4))
    #expect(
      TextReport.udpIntervalLine(sender, UDPSample(packets: 4))
        == "[  5]   0.00-1.00   sec   128 KBytes  1.05 Mbits/sec  4  ")
    let sample = UDPSample(packets: 1000, lost: 3, outOfOrder: 0, jitter: 0.000_123)
    let receiver = interval(sends: false, udp: sample)
    #expect(
      TextReport.udpIntervalLine(receiver, sample)
        == "[  5]   0.00-1.00   sec   128 KBytes  1.05 Mbits/sec  0.123 ms  3/1000 (0.3%)  ")
  }

  @Test func intervalJSONHasIperf3sKeysPerSide() {
    let sample = UDPSample(packets: 10, lost: 1, outOfOrder: 0, jitter: 0.002)
    guard
      case .object(let receiver) = IperfJSON.udpIntervalStream(
        interval(sends: false, udp: sample), sample),
      case .object(let sender) = IperfJSON.udpIntervalStream(
        interval(sends: true, udp: sample), sample)
    else {
      Issue.record("not objects")
      return
    }
    #expect(
      receiver.map(\.0) == [
        "socket", "start", "end", "seconds", "bytes", "bits_per_second", "jitter_ms",
        "lost_packets", "packets", "lost_percent", "omitted", "sender",
      ])
    #expect(
      sender.map(\.0) == [
        "socket", "start", "end", "seconds", "bytes", "bits_per_second", "packets", "omitted",
        "sender",
      ])
    #expect(receiver.first { $0.0 == "lost_percent" }?.1 == .double(10))
    #expect(receiver.first { $0.0 == "jitter_ms" }?.1 == .double(2))
  }

  @Test func perSlaveRowsCountTheDatagramsOfTheirStreams() throws {
    let address = try #require(IPAddress("198.18.0.1"))
    var record = TestRecord()
    record.connected = (0..<2).map { index in
      ConnectedStream(
        id: index == 0 ? 1 : 3, socket: Int32(5 + index),
        local: SocketAddress(ip: address, port: UInt16(61000 + index)),
        remote: SocketAddress(ip: address, port: 5201), localSends: true, predictedSlave: index)
    }
    func summary(id: Int, socket: Int32, lost: Int64) -> StreamSummary {
      StreamSummary(
        id: id, socket: socket, localSends: true, bytesSent: 1_460_000, bytesReceived: 1_460_000,
        retransmits: nil, maxSndCwnd: 0, maxSndWnd: 0, maxRtt: 0, minRtt: 0, meanRtt: 0,
        udp: UDPTotals(senderPackets: 1000, receiverPackets: 1000, lost: lost, jitter: 0.001))
    }
    record.summary = TestSummary(
      streams: [summary(id: 1, socket: 5, lost: 0), summary(id: 3, socket: 6, lost: 25)],
      endTime: 1, senderTime: 1, receiverTime: 1, clientToServerHasRetransmits: false,
      serverToClientHasRetransmits: false, localCPU: (0, 0, 0), remoteCPU: (0, 0, 0),
      localCongestion: nil, remoteCongestion: nil, hasPeerResults: true)
    let description = BondDescription(
      origin: "test",
      model: BondHashModel(mode: .ieee8023ad, policy: .layer3_4, kernel: .init(major: 6, minor: 1)),
      slaveNames: ["s0", "s1"], slaveCount: 2, peerSlaveCount: nil)
    let totals = (0..<2).map {
      SlaveSample(index: $0, name: "s\($0)", txBytes: 1_500_000, rxBytes: 0, seconds: 1)
    }
    let rows = BondReport.rows(
      description: description, record: record, totals: totals, clientCounters: true)
    #expect(rows[0].datagrams?.lost == 0)
    #expect(rows[1].datagrams?.lost == 25)
    #expect(rows[1].datagrams?.receiverPackets == 975)
    let table = BondReport.table(title: "t", rows: rows)
    #expect(table.contains("25/1000 (2.5%)"))
    #expect(table.contains("datagrams sent"))
  }

  /// layer3+4 hashes a UDP flow's ports exactly as a TCP flow's, so the ports
  /// planned for TCP streams pin UDP streams too.
  @Test func layer34HashesUDPLikeTCP() throws {
    let model = BondHashModel(
      mode: .ieee8023ad, policy: .layer3_4, kernel: .init(major: 6, minor: 1))
    let source = try #require(IPAddress("198.18.0.1"))
    let destination = try #require(IPAddress("198.18.0.2"))
    for port in UInt16(61000)..<61064 {
      var flow = FlowKey(
        sourceMAC: .zero, destinationMAC: .zero, source: source, destination: destination,
        ipProtocol: .tcp, sourcePort: port, destinationPort: 5201)
      let tcp = model.selection(of: flow, slaveCount: 4).index
      flow.ipProtocol = .udp
      #expect(model.selection(of: flow, slaveCount: 4).index == tcp)
    }
  }
}

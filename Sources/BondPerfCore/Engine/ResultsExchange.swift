/// Builds this side's results message and merges the peer's into the summary
/// (iperf3's `send_results` and `get_results` in `src/iperf_api.c`).
enum ResultsExchange {
  /// The results this side sends.
  static func localResults(
    totals: [StreamSummary], endTime: Double, cpu: (total: Double, user: Double, system: Double),
    congestion: String?, extra: [(String, JSONValue)]
  ) -> TestResults {
    let sends = totals.contains(where: \.localSends)
    let isUDP = totals.contains { $0.udp != nil }
    let streams = totals.map { stream in
      guard let udp = stream.udp else {
        return StreamResult(
          id: stream.id, bytes: stream.localSends ? stream.bytesSent : stream.bytesReceived,
          retransmits: stream.localSends ? (stream.retransmits ?? 0) : -1,
          startTime: 0, endTime: endTime)
      }
      // UDP as iperf3 3.21 sends it: counts include the omit period, which is
      // given apart; a sender has no retransmits and no jitter or losses.
      return StreamResult(
        id: stream.id, bytes: stream.localSends ? stream.bytesSent : stream.bytesReceived,
        retransmits: -1, jitter: udp.jitter, errors: udp.lost + udp.omittedLost,
        omittedErrors: udp.omittedLost,
        packets: (stream.localSends ? udp.senderPackets : udp.receiverPackets)
          + udp.omittedPackets,
        omittedPackets: udp.omittedPackets, startTime: 0, endTime: endTime)
    }
    return TestResults(
      cpuUtilTotal: cpu.total, cpuUtilUser: cpu.user, cpuUtilSystem: cpu.system,
      senderHasRetransmits: sends ? (isUDP ? 0 : 1) : -1, congestionUsed: isUDP ? nil : congestion,
      streams: streams,
      extra: extra)
  }

  /// The summary from local totals alone (the server prints this before the exchange).
  static func summary(
    role: Role, totals: [StreamSummary], endTime: Double,
    cpu: (total: Double, user: Double, system: Double), congestion: String?
  ) -> TestSummary {
    TestSummary(
      streams: totals, endTime: endTime, senderTime: endTime, receiverTime: endTime,
      clientToServerHasRetransmits: role == .client,
      serverToClientHasRetransmits: role == .server, localCPU: cpu, remoteCPU: (0, 0, 0),
      localCongestion: congestion, remoteCongestion: nil, hasPeerResults: false)
  }

  /// Folds the peer's results into the local summary.
  static func merge(_ summary: TestSummary, role: Role, peer: TestResults) throws -> TestSummary {
    var merged = summary
    for (index, stream) in merged.streams.enumerated() {
      guard let remote = peer.stream(id: stream.id) else {
        throw PerfError("the peer's results lack stream \(stream.id)")
      }
      if stream.localSends {
        merged.streams[index].bytesReceived = remote.bytes
      } else {
        merged.streams[index].bytesSent = remote.bytes
        merged.streams[index].retransmits = remote.retransmits >= 0 ? remote.retransmits : nil
      }
      if var udp = stream.udp {
        let packets = max(remote.packets - (remote.omittedPackets ?? 0), 0)
        if stream.localSends {
          udp.receiverPackets = packets
          udp.lost = max(remote.errors - (remote.omittedErrors ?? 0), 0)
          udp.jitter = remote.jitter
        } else {
          udp.senderPackets = packets
        }
        merged.streams[index].udp = udp
      }
    }
    if let first = merged.streams.first, let remote = peer.stream(id: first.id) {
      let peerTime = remote.duration > 0 ? remote.duration : summary.endTime
      if first.localSends {
        merged.senderTime = summary.endTime
        merged.receiverTime = peerTime
      } else {
        merged.receiverTime = summary.endTime
        merged.senderTime = peerTime
      }
    }
    let peerHasRetransmits = peer.senderHasRetransmits == 1
    if role == .client {
      merged.serverToClientHasRetransmits = peerHasRetransmits
    } else {
      merged.clientToServerHasRetransmits = peerHasRetransmits
    }
    merged.remoteCPU = (peer.cpuUtilTotal, peer.cpuUtilUser, peer.cpuUtilSystem)
    merged.remoteCongestion = peer.congestionUsed
    merged.hasPeerResults = true
    return merged
  }
}

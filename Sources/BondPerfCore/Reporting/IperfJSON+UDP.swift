/// The UDP parts of iperf3's `-J` document (`print_interval_results`,
/// `iperf_print_intermediate` and `iperf_print_results` in iperf3's `src/iperf_api.c`).
extension IperfJSON {
  /// One stream's interval: a sender shows its datagrams, a receiver also jitter and loss.
  static func udpIntervalStream(_ stream: StreamInterval, _ udp: UDPSample) -> JSONValue {
    var members = intervalMembers(stream)
    if !stream.localSends {
      members += [
        ("jitter_ms", .double(udp.jitter * 1000)),
        ("lost_packets", .int(udp.lost)),
      ]
    }
    members.append(("packets", .int(udp.packets)))
    if !stream.localSends { members.append(("lost_percent", .double(udp.lostPercent))) }
    members += [("omitted", .bool(stream.omitted)), ("sender", .bool(stream.localSends))]
    return .object(members)
  }

  /// The interval's sum over `streams` (one direction); jitter is the streams' mean.
  static func udpIntervalSum(_ streams: [StreamInterval]) -> JSONValue {
    let first = streams[0]
    let bytes = streams.reduce(Int64(0)) { $0 + $1.bytes }
    let samples = streams.compactMap(\.udp)
    let packets = samples.reduce(Int64(0)) { $0 + $1.packets }
    var members: [(String, JSONValue)] = [
      ("start", .double(first.start)),
      ("end", .double(first.end)),
      ("seconds", .double(first.seconds)),
      ("bytes", .int(bytes)),
      ("bits_per_second", .double(Units.rate(bytes: bytes, seconds: first.seconds))),
    ]
    if !first.localSends {
      let lost = samples.reduce(Int64(0)) { $0 + $1.lost }
      let jitter = samples.reduce(0.0) { $0 + $1.jitter } / Double(max(samples.count, 1))
      members += [
        ("jitter_ms", .double(jitter * 1000)),
        ("lost_packets", .int(lost)),
        ("packets", .int(packets)),
        ("lost_percent", .double(UDPReceiveCounter.lostPercent(lost: lost, total: packets))),
      ]
    } else {
      members.append(("packets", .int(packets)))
    }
    members += [("omitted", .bool(first.omitted)), ("sender", .bool(first.localSends))]
    return .object(members)
  }

  /// Totals of one direction's UDP streams, as iperf3 sums them.
  struct UDPGroupTotals {
    var sent: Int64 = 0
    var received: Int64 = 0
    var packets: Int64 = 0
    var senderPackets: Int64 = 0
    var receiverPackets: Int64 = 0
    var lost: Int64 = 0
    var outOfOrder: Int64 = 0
    var jitter: Double = 0

    init(_ streams: [StreamSummary]) {
      for stream in streams {
        let udp = stream.udp ?? UDPTotals()
        sent += stream.bytesSent
        received += stream.bytesReceived
        packets += udp.packets
        senderPackets += udp.senderPackets
        receiverPackets += udp.receiverPackets
        lost += udp.lost
        outOfOrder += udp.outOfOrder
        jitter += udp.jitter
      }
      jitter /= Double(max(streams.count, 1))
    }

    var lostPercent: Double { UDPReceiveCounter.lostPercent(lost: lost, total: packets) }
  }

  /// `end.streams` (one `udp` object per stream) and the `sum`, `sum_sent` and
  /// `sum_received` objects of each direction.
  static func udpEnd(_ summary: TestSummary, groups: StreamGroups) -> [(String, JSONValue)] {
    func rate(_ bytes: Int64, _ seconds: Double) -> JSONValue {
      .double(Units.rate(bytes: bytes, seconds: seconds))
    }
    var members: [(String, JSONValue)] = []
    let entries: [JSONValue] = summary.streams.map { stream in
      let udp = stream.udp ?? UDPTotals()
      return .object([
        (
          "udp",
          .object([
            ("socket", .int(Int64(stream.socket))), ("start", .int(0)),
            ("end", .double(summary.senderTime)), ("seconds", .double(summary.senderTime)),
            ("bytes", .int(stream.bytesSent)),
            ("bits_per_second", rate(stream.bytesSent, summary.senderTime)),
            ("jitter_ms", .double(udp.jitter * 1000)), ("lost_packets", .int(udp.lost)),
            ("packets", .int(udp.packets)), ("lost_percent", .double(udp.lostPercentOfSent)),
            ("out_of_order", .int(udp.outOfOrder)), ("sender", .bool(stream.localSends)),
          ])
        )
      ])
    }
    members.append(("streams", .array(entries)))
    for (ids, suffix) in [(groups.primary, ""), (groups.bidirReverse, "_bidir_reverse")] {
      let streams = summary.streams.filter { ids.contains($0.id) }
      guard let first = streams.first else { continue }
      let totals = UDPGroupTotals(streams)
      members.append(
        (
          "sum" + suffix,
          .object([
            ("start", .int(0)), ("end", .double(summary.receiverTime)),
            ("seconds", .double(summary.receiverTime)), ("bytes", .int(totals.sent)),
            ("bits_per_second", rate(totals.sent, summary.senderTime)),
            ("jitter_ms", .double(totals.jitter * 1000)), ("lost_packets", .int(totals.lost)),
            ("packets", .int(totals.packets)), ("lost_percent", .double(totals.lostPercent)),
            ("sender", .bool(first.localSends)),
          ])
        ))
      members.append(
        (
          "sum_sent" + suffix,
          .object([
            ("start", .int(0)), ("end", .double(summary.senderTime)),
            ("seconds", .double(summary.senderTime)), ("bytes", .int(totals.sent)),
            ("bits_per_second", rate(totals.sent, summary.senderTime)),
            ("jitter_ms", .double(0)), ("lost_packets", .int(0)),
            ("packets", .int(totals.senderPackets)), ("lost_percent", .double(0)),
            ("sender", .bool(true)),
          ])
        ))
      members.append(
        (
          "sum_received" + suffix,
          .object([
            ("start", .int(0)), ("end", .double(summary.receiverTime)),
            ("seconds", .double(summary.receiverTime)), ("bytes", .int(totals.received)),
            ("bits_per_second", rate(totals.received, summary.receiverTime)),
            ("jitter_ms", .double(totals.jitter * 1000)), ("lost_packets", .int(totals.lost)),
            ("packets", .int(totals.receiverPackets)),
            ("lost_percent", .double(totals.lostPercent)), ("sender", .bool(false)),
          ])
        ))
    }
    return members
  }
}

import Foundation

/// Builds iperf3's `-J` document (as `src/iperf_api.c` builds it) from a ``TestRecord``,
/// with bondperf's additions (`bond`, per-interval `bond_slaves`).
public enum IperfJSON {
  public static func document(_ record: TestRecord) -> JSONValue {
    var top: [(String, JSONValue)] = []
    top.append(("start", start(record)))
    top.append(("intervals", .array(record.intervals.map { interval($0, record) })))
    top.append(("end", end(record)))
    if let title = record.start?.parameters.title { top.append(("title", .string(title))) }
    if let extra = record.start?.parameters.extraData { top.append(("extra_data", .string(extra))) }
    if let bond = record.bond { top.append(("bond", bond)) }
    if let invocation = record.invocation { top.append(("bondperf", invocation)) }
    if let json = record.serverOutputJSON { top.append(("server_output_json", json)) }
    if let text = record.serverOutputText { top.append(("server_output_text", .string(text))) }
    if let error = record.error { top.append(("error", .string(error))) }
    return .object(top)
  }

  /// The time as iperf3 prints `start.timestamp.time`: "Fri, 27 Nov 2026 09:50:31 GMT".
  ///
  /// Computed from the calendar rules rather than with `DateFormatter`, which loads
  /// ICU's locale and calendar data: about 5 MB of resident memory for one string.
  static func rfc1123(_ seconds: Double) -> String {
    let total = Int64(seconds.rounded(.down))
    let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
    let secondOfDay = total - days * 86_400
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday
    let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(weekdays[weekday]), \(two(day)) \(months[Int(month) - 1]) \(year) "
      + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
  }

  static func start(_ record: TestRecord) -> JSONValue {
    var members: [(String, JSONValue)] = []
    members.append(
      (
        "connected",
        .array(
          record.connected.map { stream in
            .object([
              ("socket", .int(Int64(stream.socket))),
              ("local_host", .string("\(stream.local.ip)")),
              ("local_port", .int(Int64(stream.local.port))),
              ("remote_host", .string("\(stream.remote.ip)")),
              ("remote_port", .int(Int64(stream.remote.port))),
            ])
          })
      ))
    members.append(("version", .string(BondPerfVersion.identity)))
    guard let start = record.start else {
      members.append(("system_info", .string(SystemInfo.describe())))
      return .object(members)
    }
    members.append(("system_info", .string(start.systemInfo)))
    members.append(
      (
        "timestamp",
        .object([
          ("time", .string(rfc1123(start.timestampSeconds))),
          ("timesecs", .int(Int64(start.timestampSeconds))),
          ("timemillisecs", .int(Int64(start.timestampSeconds * 1000))),
        ])
      ))
    let peer: JSONValue = .object([
      ("host", .string(start.peerHost)), ("port", .int(Int64(start.peerPort))),
    ])
    members.append((start.role == .client ? "connecting_to" : "accepted_connection", peer))
    members.append(("cookie", .string(start.cookie)))
    let isUDP = start.parameters.transport == .udp
    let bitrate = start.parameters.bandwidth ?? 0
    if isUDP {
      // iperf3 prints no MSS for UDP.
    } else if let mss = start.mssOption {
      members.append(("tcp_mss", .int(Int64(mss))))
    } else {
      members.append(("tcp_mss_default", .int(Int64(start.tcpMSSDefault))))
    }
    members.append(("target_bitrate", .int(bitrate)))
    members.append(("fq_rate", .int(start.parameters.fqRate ?? 0)))
    members.append(("sock_bufsize", .int(Int64(start.sockBufsize))))
    members.append(("sndbuf_actual", .int(Int64(start.sndbufActual))))
    members.append(("rcvbuf_actual", .int(Int64(start.rcvbufActual))))
    let parameters = start.parameters
    members.append(
      (
        "test_start",
        .object([
          ("protocol", .string(isUDP ? "UDP" : "TCP")),
          ("num_streams", .int(Int64(parameters.parallel))),
          ("blksize", .int(Int64(parameters.effectiveLength))),
          ("omit", .int(Int64(parameters.omit))),
          ("duration", .int(Int64(parameters.time))),
          ("bytes", .int(parameters.num)),
          ("blocks", .int(parameters.blockCount)),
          ("reverse", .int(parameters.reverse ? 1 : 0)),
          ("tos", .int(Int64(parameters.tos ?? 0))),
          ("target_bitrate", .int(bitrate)),
          ("bidir", .int(parameters.bidirectional ? 1 : 0)),
          ("fqrate", .int(parameters.fqRate ?? 0)),
          ("interval", .double(start.interval)),
          ("zerocopy", .int(start.dataPath.sendsFromFile ? 1 : 0)),
        ])
      ))
    return .object(members)
  }

  static func groups(_ record: TestRecord) -> StreamGroups {
    StreamGroups(
      ids: record.connected.map { ($0.id, $0.localSends) }, role: record.start?.role ?? .client,
      mode: record.start?.parameters.mode ?? .normal)
  }

  static func interval(_ interval: IntervalReport, _ record: TestRecord) -> JSONValue {
    let groups = groups(record)
    var members: [(String, JSONValue)] = [
      ("streams", .array(interval.streams.map(intervalStream)))
    ]
    let primary = interval.streams.filter { groups.primary.contains($0.id) }
    if !primary.isEmpty { members.append(("sum", intervalSum(primary))) }
    let reverse = interval.streams.filter { groups.bidirReverse.contains($0.id) }
    if !reverse.isEmpty { members.append(("sum_bidir_reverse", intervalSum(reverse))) }
    if !interval.slaves.isEmpty {
      members.append(("bond_slaves", .array(interval.slaves.map(slave))))
    }
    return .object(members)
  }

  public static func slave(_ sample: SlaveSample) -> JSONValue {
    var members: [(String, JSONValue)] = [("slave", .int(Int64(sample.index)))]
    if let name = sample.name { members.append(("name", .string(name))) }
    members += [
      ("seconds", .double(sample.seconds)),
      ("tx_bytes", .int(sample.txBytes)),
      ("tx_bits_per_second", .double(sample.txBitsPerSecond)),
      ("rx_bytes", .int(sample.rxBytes)),
      ("rx_bits_per_second", .double(sample.rxBitsPerSecond)),
    ]
    return .object(members)
  }

  /// The members every interval stream starts with, TCP or UDP.
  static func intervalMembers(_ stream: StreamInterval) -> [(String, JSONValue)] {
    [
      ("socket", .int(Int64(stream.socket))),
      ("start", .double(stream.start)),
      ("end", .double(stream.end)),
      ("seconds", .double(stream.seconds)),
      ("bytes", .int(stream.bytes)),
      ("bits_per_second", .double(stream.bitsPerSecond)),
    ]
  }

  static func intervalStream(_ stream: StreamInterval) -> JSONValue {
    if let udp = stream.udp { return udpIntervalStream(stream, udp) }
    var members = intervalMembers(stream)
    if stream.localSends, let tcp = stream.tcp {
      members += [
        ("retransmits", .int(tcp.retransmits)),
        ("snd_cwnd", .int(tcp.sndCwnd)),
        ("snd_wnd", .int(tcp.sndWnd)),
        ("rtt", .int(tcp.rtt)),
        ("rttvar", .int(tcp.rttvar)),
        ("pmtu", .int(tcp.pmtu)),
      ]
    }
    members += [("omitted", .bool(stream.omitted)), ("sender", .bool(stream.localSends))]
    return .object(members)
  }

  static func intervalSum(_ streams: [StreamInterval]) -> JSONValue {
    let first = streams[0]
    if first.udp != nil { return udpIntervalSum(streams) }
    let bytes = streams.reduce(Int64(0)) { $0 + $1.bytes }
    var members: [(String, JSONValue)] = [
      ("start", .double(first.start)),
      ("end", .double(first.end)),
      ("seconds", .double(first.seconds)),
      ("bytes", .int(bytes)),
      ("bits_per_second", .double(Units.rate(bytes: bytes, seconds: first.seconds))),
    ]
    if first.localSends, streams.allSatisfy({ $0.tcp != nil }) {
      members.append(
        ("retransmits", .int(streams.reduce(Int64(0)) { $0 + ($1.tcp?.retransmits ?? 0) })))
    }
    members += [("omitted", .bool(first.omitted)), ("sender", .bool(first.localSends))]
    return .object(members)
  }

  /// bondperf's `end.bondperf_stalled_streams`: streams that stalled while others moved.
  static func stalledStreams(_ record: TestRecord) -> [(String, JSONValue)] {
    guard !record.stalledStreams.isEmpty else { return [] }
    let entries: [JSONValue] = record.stalledStreams.map { stream in
      var members: [(String, JSONValue)] = [
        ("id", .int(Int64(stream.id))), ("socket", .int(Int64(stream.socket))),
      ]
      if let slave = stream.predictedSlave {
        members.append(("predicted_slave", .int(Int64(slave))))
      }
      members += [("last_data", .double(stream.lastData)), ("idle_for", .double(stream.idleFor))]
      members.append(("resumed_at", stream.resumedAt.map { .double($0) } ?? .null))
      return .object(members)
    }
    return [("bondperf_stalled_streams", .array(entries))]
  }

  static func end(_ record: TestRecord) -> JSONValue {
    guard let summary = record.summary, let start = record.start else {
      return .object(stalledStreams(record))
    }
    let groups = groups(record)
    let role = start.role
    var members: [(String, JSONValue)] = []
    func rate(_ bytes: Int64, _ seconds: Double) -> JSONValue {
      .double(Units.rate(bytes: bytes, seconds: seconds))
    }
    func hasRetransmits(_ stream: StreamSummary) -> Bool {
      summary.hasRetransmits(stream, role: role)
    }
    if summary.streams.contains(where: { $0.udp != nil }) {
      members += udpEnd(summary, groups: groups)
      members.append(("cpu_utilization_percent", cpuUtilization(summary)))
      members += stalledStreams(record)
      return .object(members)
    }
    members.append(
      (
        "streams",
        .array(
          summary.streams.map { stream in
            var sender: [(String, JSONValue)] = [
              ("socket", .int(Int64(stream.socket))), ("start", .int(0)),
              ("end", .double(summary.senderTime)), ("seconds", .double(summary.senderTime)),
              ("bytes", .int(stream.bytesSent)),
              ("bits_per_second", rate(stream.bytesSent, summary.senderTime)),
            ]
            if hasRetransmits(stream) {
              sender += [
                ("retransmits", .int(stream.retransmits ?? 0)),
                ("max_snd_cwnd", .int(stream.localSends ? stream.maxSndCwnd : 0)),
                ("max_snd_wnd", .int(stream.localSends ? stream.maxSndWnd : 0)),
                ("max_rtt", .int(stream.localSends ? stream.maxRtt : 0)),
                ("min_rtt", .int(stream.localSends ? stream.minRtt : 0)),
                ("mean_rtt", .int(stream.localSends ? stream.meanRtt : 0)),
              ]
            }
            sender.append(("sender", .bool(stream.localSends)))
            let receiver: [(String, JSONValue)] = [
              ("socket", .int(Int64(stream.socket))), ("start", .int(0)),
              ("end", .double(summary.receiverTime)), ("seconds", .double(summary.endTime)),
              ("bytes", .int(stream.bytesReceived)),
              ("bits_per_second", rate(stream.bytesReceived, summary.receiverTime)),
              ("sender", .bool(stream.localSends)),
            ]
            return .object([("sender", .object(sender)), ("receiver", .object(receiver))])
          })
      ))
    func sums(_ ids: Set<Int>, suffix: String) {
      let streams = summary.streams.filter { ids.contains($0.id) }
      guard let first = streams.first else { return }
      let sent = streams.reduce(Int64(0)) { $0 + $1.bytesSent }
      let received = streams.reduce(Int64(0)) { $0 + $1.bytesReceived }
      var sentMembers: [(String, JSONValue)] = [
        ("start", .int(0)), ("end", .double(summary.senderTime)),
        ("seconds", .double(summary.senderTime)), ("bytes", .int(sent)),
        ("bits_per_second", rate(sent, summary.senderTime)),
      ]
      if hasRetransmits(first) {
        sentMembers.append(
          ("retransmits", .int(streams.reduce(Int64(0)) { $0 + ($1.retransmits ?? 0) })))
      }
      sentMembers.append(("sender", .bool(first.localSends)))
      members.append(("sum_sent" + suffix, .object(sentMembers)))
      members.append(
        (
          "sum_received" + suffix,
          .object([
            ("start", .int(0)), ("end", .double(summary.receiverTime)),
            ("seconds", .double(summary.receiverTime)), ("bytes", .int(received)),
            ("bits_per_second", rate(received, summary.receiverTime)),
            ("sender", .bool(first.localSends)),
          ])
        ))
    }
    sums(groups.primary, suffix: "")
    sums(groups.bidirReverse, suffix: "_bidir_reverse")
    members.append(("cpu_utilization_percent", cpuUtilization(summary)))
    // iperf3 names the local algorithm "sender" unless the local side only receives
    // (mode != RECEIVER), so a bidir server reports sender_tcp_congestion (server-bidir.json).
    let localSends = summary.streams.isEmpty || summary.streams.contains { $0.localSends }
    let senderCongestion = localSends ? summary.localCongestion : summary.remoteCongestion
    let receiverCongestion = localSends ? summary.remoteCongestion : summary.localCongestion
    if let senderCongestion { members.append(("sender_tcp_congestion", .string(senderCongestion))) }
    if let receiverCongestion {
      members.append(("receiver_tcp_congestion", .string(receiverCongestion)))
    }
    members += stalledStreams(record)
    return .object(members)
  }

  static func cpuUtilization(_ summary: TestSummary) -> JSONValue {
    .object([
      ("host_total", .double(summary.localCPU.total)),
      ("host_user", .double(summary.localCPU.user)),
      ("host_system", .double(summary.localCPU.system)),
      ("remote_total", .double(summary.remoteCPU.total)),
      ("remote_user", .double(summary.remoteCPU.user)),
      ("remote_system", .double(summary.remoteCPU.system)),
    ])
  }
}

import Foundation

/// iperf3's text lines for UDP tests (`report_bw_udp_*` in iperf3's `src/iperf_locale.c`).
extension TextReport {
  static let udpReceiverHeader =
    "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams"
  static let udpSenderHeader =
    "[ ID] Interval           Transfer     Bitrate         Total Datagrams"

  /// The interval header: a host that only sends shows datagrams sent, otherwise
  /// jitter and loss; `--bidir` adds iperf3's `[Role]` column.
  public static func udpIntervalHeader(onlySending: Bool, mode: TestMode = .normal) -> String {
    let header = onlySending && mode != .bidirectional ? udpSenderHeader : udpReceiverHeader
    return idHeader(mode) + header.dropFirst(idHeader(.normal).count)
  }

  /// Where a `--bidir` sender's interval line has no jitter, iperf3 3.12 leaves
  /// the jitter column blank: ten spaces more before the datagram count.
  static let blankJitter = String(repeating: " ", count: 10)

  /// `3/1000 (0.3%)`: lost of total, percent as C's `%.2g`.
  static func lossText(lost: Int64, total: Int64) -> String {
    let percent = UDPReceiveCounter.lostPercent(lost: lost, total: total)
    return "\(lost)/\(total) (\(String(format: "%.2g", percent))%)"
  }

  /// `0.007 ms` (C's `%5.3f ms`).
  static func jitterText(_ seconds: Double) -> String {
    Units.pad(Units.fixed(seconds * 1000, decimals: 3), 5) + " ms"
  }

  static func udpLine(
    _ prefix: String, start: Double, end: Double, bytes: Int64, seconds: Double,
    packets: Int64, sending: Bool, lost: Int64 = 0, jitter: Double = 0, label: String,
    blankingJitter: Bool = false
  ) -> String {
    let rate = Units.bitsPerSecond(Units.rate(bytes: bytes, seconds: seconds))
    let head = "\(prefix) \(span(start, end))  \(Units.bytes(Double(bytes)))  \(rate)"
    if sending { return "\(head)  \(blankingJitter ? blankJitter : "")\(packets)  \(label)" }
    return "\(head)  \(jitterText(jitter))  \(lossText(lost: lost, total: packets))  \(label)"
  }

  /// One stream's interval line; `roleTag` is `--bidir`'s `[TX-C]`, ... (else empty).
  public static func udpIntervalLine(
    _ stream: StreamInterval, _ udp: UDPSample, roleTag: String = ""
  ) -> String {
    udpLine(
      tag(stream.socket) + roleTag, start: stream.start, end: stream.end, bytes: stream.bytes,
      seconds: stream.seconds, packets: udp.packets, sending: stream.localSends, lost: udp.lost,
      jitter: udp.jitter, label: stream.omitted ? "(omitted)" : "",
      blankingJitter: !roleTag.isEmpty)
  }

  /// The interval's `[SUM]` line over one direction's streams.
  public static func udpIntervalSum(_ streams: [StreamInterval], roleTag: String = "") -> String {
    guard let first = streams.first else { return "" }
    let samples = streams.compactMap(\.udp)
    let bytes = streams.reduce(Int64(0)) { $0 + $1.bytes }
    let jitter = samples.reduce(0.0) { $0 + $1.jitter } / Double(max(samples.count, 1))
    return udpLine(
      "[SUM]" + roleTag, start: first.start, end: first.end, bytes: bytes, seconds: first.seconds,
      packets: samples.reduce(Int64(0)) { $0 + $1.packets }, sending: first.localSends,
      lost: samples.reduce(Int64(0)) { $0 + $1.lost }, jitter: jitter,
      label: first.omitted ? "(omitted)" : "", blankingJitter: !roleTag.isEmpty)
  }

  /// The end-of-test block of a UDP test: per stream the sender's and the
  /// receiver's line (a server shows only its own side), out-of-order datagrams,
  /// then `[SUM]` lines for a direction with more than one stream. `--bidir` tags
  /// each line with its role, as iperf3 does (`[  5][TX-C]`).
  public static func udpSummary(_ record: TestRecord) -> [String] {
    guard let summary = record.summary, let start = record.start else { return [] }
    let isServer = start.role == .server
    let mode = start.parameters.mode
    let groups = IperfJSON.groups(record)
    var lines = [udpIntervalHeader(onlySending: false, mode: mode)]
    for ids in [groups.primary, groups.bidirReverse] {
      let streams = summary.streams.filter { ids.contains($0.id) }
      guard let first = streams.first else { continue }
      let role = roleTag(localSends: first.localSends, role: start.role, mode: mode)
      func tag(_ socket: Int32) -> String { TextReport.tag(socket) + role }
      for stream in streams {
        let udp = stream.udp ?? UDPTotals()
        if !(isServer && !stream.localSends) {
          lines.append(
            udpLine(
              tag(stream.socket), start: 0, end: summary.senderTime, bytes: stream.bytesSent,
              seconds: summary.senderTime, packets: udp.senderPackets, sending: false,
              label: "sender"))
        }
        if !(isServer && stream.localSends) {
          lines.append(
            udpLine(
              tag(stream.socket), start: 0, end: summary.receiverTime,
              bytes: stream.bytesReceived, seconds: summary.receiverTime,
              packets: udp.receiverPackets, sending: false, lost: udp.lost, jitter: udp.jitter,
              label: "receiver"))
        }
        if udp.outOfOrder > 0 {
          lines.append(
            "\(tag(stream.socket)) \(Units.fixed(0, decimals: 1))-"
              + "\(Units.fixed(summary.senderTime, decimals: 1)) sec  "
              + "\(udp.outOfOrder) datagrams received out-of-order")
        }
      }
      guard streams.count > 1 else { continue }
      let totals = IperfJSON.UDPGroupTotals(streams)
      if !(isServer && !first.localSends) {
        lines.append(
          udpLine(
            "[SUM]" + role, start: 0, end: summary.senderTime, bytes: totals.sent,
            seconds: summary.senderTime, packets: totals.senderPackets, sending: false,
            label: "sender"))
      }
      if !(isServer && first.localSends) {
        lines.append(
          udpLine(
            "[SUM]" + role, start: 0, end: summary.receiverTime, bytes: totals.received,
            seconds: summary.receiverTime, packets: totals.receiverPackets, sending: false,
            lost: totals.lost, jitter: totals.jitter, label: "receiver"))
      }
    }
    return lines
  }
}

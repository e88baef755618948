/// iperf3's text lines (iperf_locale.c's formats), built from a test's values.
public enum TextReport {
  public static let separator = "- - - - - - - - - - - - - - - - - - - - - - - - -"

  static func tag(_ socket: Int32) -> String { "[" + Units.pad(String(socket), 3) + "]" }

  /// iperf3's `--bidir` role tag after a stream's id: `[TX-C]`, `[RX-C]` on the
  /// client, `[TX-S]`, `[RX-S]` on the server; empty in the other modes.
  public static func roleTag(localSends: Bool, role: Role, mode: TestMode) -> String {
    guard mode == .bidirectional else { return "" }
    return "[" + (localSends ? "TX" : "RX") + "-" + (role == .client ? "C" : "S") + "]"
  }

  static func idHeader(_ mode: TestMode) -> String {
    mode == .bidirectional ? "[ ID][Role]" : "[ ID]"
  }

  static func span(_ start: Double, _ end: Double) -> String {
    Units.pad(Units.fixed(start, decimals: 2), 6) + "-"
      + Units.padRight(Units.fixed(end, decimals: 2), 6) + " sec"
  }

  public static func connected(_ stream: ConnectedStream, slaveNames: [String] = []) -> String {
    var line =
      "\(tag(stream.socket)) local \(stream.local.ip) port \(stream.local.port) connected to "
      + "\(stream.remote.ip) port \(stream.remote.port)"
    if let slave = stream.predictedSlave {
      let name = slave < slaveNames.count ? " (\(slaveNames[slave]))" : ""
      line += "  -> slave \(slave)\(name)"
    }
    if !stream.replacedPorts.isEmpty {
      line += "  [ports \(stream.replacedPorts.map(String.init).joined(separator: ", ")) busy]"
    }
    return line
  }

  /// `bondperf: warning - streams 5, 9 stalled (no data for 2.0 s); predicted slave s1`.
  public static func stallWarning(_ streams: [StalledStream], slaveNames: [String] = []) -> String {
    let sockets = streams.map { String($0.socket) }.joined(separator: ", ")
    let idle = streams.map(\.idleFor).min() ?? 0
    var line =
      "bondperf: warning - stream\(streams.count == 1 ? "" : "s") \(sockets) stalled "
      + "(no data for \(Units.fixed(idle, decimals: 1)) s)"
    let slaves = Array(Set(streams.compactMap(\.predictedSlave))).sorted()
    if !slaves.isEmpty {
      let names = slaves.map { $0 < slaveNames.count ? slaveNames[$0] : "\($0)" }
      line += "; predicted slave\(slaves.count == 1 ? "" : "s") \(names.joined(separator: ", "))"
    }
    return line
  }

  public static func intervalHeader(sending: Bool, mode: TestMode = .normal) -> String {
    idHeader(mode)
      + (sending
        ? " Interval           Transfer     Bitrate         Retr  Cwnd"
        : " Interval           Transfer     Bitrate")
  }

  public static func intervalLine(_ stream: StreamInterval, roleTag: String = "") -> String {
    var line =
      "\(tag(stream.socket))\(roleTag) \(span(stream.start, stream.end))  \(Units.bytes(Double(stream.bytes)))  "
      + Units.bitsPerSecond(stream.bitsPerSecond)
    if stream.localSends, let tcp = stream.tcp {
      line +=
        "  " + Units.pad(String(tcp.retransmits), 3) + "   " + Units.bytes(Double(tcp.sndCwnd))
    }
    if stream.omitted { line += "  (omitted)" }
    return line
  }

  public static func intervalSum(_ streams: [StreamInterval], roleTag: String = "") -> String {
    guard let first = streams.first else { return "" }
    let bytes = streams.reduce(Int64(0)) { $0 + $1.bytes }
    let rate = Units.rate(bytes: bytes, seconds: first.seconds)
    var line =
      "[SUM]\(roleTag) \(span(first.start, first.end))  \(Units.bytes(Double(bytes)))  "
      + Units.bitsPerSecond(rate)
    if first.localSends, streams.allSatisfy({ $0.tcp != nil }) {
      line +=
        "  " + Units.pad(String(streams.reduce(Int64(0)) { $0 + ($1.tcp?.retransmits ?? 0) }), 3)
    }
    if first.omitted { line += "  (omitted)" }
    return line
  }

  /// Printed once above the first slave lines: why they don't add up to `[SUM]`.
  public static let slaveLegend =
    "(stream lines: bytes the sockets took or gave; slave lines: bytes on the wire, "
    + "headers included, from the slaves' kernel counters)"

  public static func slaveInterval(_ sample: SlaveSample, start: Double, end: Double) -> String {
    let name = sample.name.map { "\($0)" } ?? "slave \(sample.index)"
    return "[" + Units.padRight(name, 5) + "] \(span(start, end))  tx "
      + Units.bytes(Double(sample.txBytes)) + "  " + Units.bitsPerSecond(sample.txBitsPerSecond)
      + "  rx " + Units.bytes(Double(sample.rxBytes)) + "  "
      + Units.bitsPerSecond(sample.rxBitsPerSecond)
  }

  /// iperf3's `-F` line after a stream's sender line: how much of the file this side
  /// sent (or received), against the file's size now.
  static func diskFileLine(_ file: String, size: Int64, bytes: Int64) -> String {
    // iperf3 truncates the percentage and calls an empty file all sent.
    let percent = size > 0 ? Int(Double(bytes) / Double(size) * 100) : 100
    func amount(_ value: Int64) -> String {
      Units.scaled(
        Double(value), base: 1024, suffixes: ["Byte", "KByte", "MByte", "GByte", "TByte"])
    }
    return "        Sent \(amount(bytes)) / \(amount(size)) (\(percent)%) of \(file)"
  }

  /// The end-of-test block: per stream sender and receiver lines, then `[SUM]`.
  public static func summary(_ record: TestRecord) -> [String] {
    guard let summary = record.summary, let start = record.start else { return [] }
    let role = start.role
    let groups = IperfJSON.groups(record)
    var lines: [String] = []
    func hasRetransmits(_ stream: StreamSummary) -> Bool {
      summary.hasRetransmits(stream, role: role)
    }
    let anyRetransmits = summary.streams.contains(where: hasRetransmits)
    let mode = start.parameters.mode
    lines.append(
      idHeader(mode)
        + (anyRetransmits
          ? " Interval           Transfer     Bitrate         Retr"
          : " Interval           Transfer     Bitrate"))
    func rate(_ bytes: Int64, _ seconds: Double) -> String {
      Units.bitsPerSecond(Units.rate(bytes: bytes, seconds: seconds))
    }
    func lineFor(
      _ prefix: String, _ bytes: Int64, _ seconds: Double, retransmits: Int64?, label: String
    ) -> String {
      var line =
        "\(prefix) \(span(0, seconds))  \(Units.bytes(Double(bytes)))  \(rate(bytes, seconds))"
      if let retransmits {
        line += "  " + Units.pad(String(retransmits), 3) + "             " + label
      } else {
        line += "                  " + label
      }
      return line
    }
    let showReceiver = summary.hasPeerResults || role == .server
    for ids in [groups.primary, groups.bidirReverse] {
      let streams = summary.streams.filter { ids.contains($0.id) }
      guard let first = streams.first else { continue }
      let roleTag = roleTag(localSends: first.localSends, role: role, mode: mode)
      for stream in streams {
        let retransmits = hasRetransmits(stream) ? (stream.retransmits ?? 0) : nil
        if summary.hasPeerResults || stream.localSends {
          lines.append(
            lineFor(
              tag(stream.socket) + roleTag, stream.bytesSent, summary.senderTime,
              retransmits: retransmits,
              label: "sender"))
        }
        if let file = start.dataPath.diskFile, let size = DiskFile.size(of: file) {
          lines.append(
            diskFileLine(
              file, size: size, bytes: stream.localSends ? stream.bytesSent : stream.bytesReceived))
        }
        if showReceiver && (summary.hasPeerResults || !stream.localSends) {
          lines.append(
            lineFor(
              tag(stream.socket) + roleTag, stream.bytesReceived, summary.receiverTime,
              retransmits: nil,
              label: "receiver"))
        }
      }
      if streams.count > 1 {
        let sent = streams.reduce(Int64(0)) { $0 + $1.bytesSent }
        let received = streams.reduce(Int64(0)) { $0 + $1.bytesReceived }
        let retransmits: Int64? =
          hasRetransmits(first) ? streams.reduce(Int64(0)) { $0 + ($1.retransmits ?? 0) } : nil
        if summary.hasPeerResults || first.localSends {
          lines.append(
            lineFor(
              "[SUM]" + roleTag, sent, summary.senderTime, retransmits: retransmits, label: "sender"
            ))
        }
        if showReceiver && (summary.hasPeerResults || !first.localSends) {
          lines.append(
            lineFor(
              "[SUM]" + roleTag, received, summary.receiverTime, retransmits: nil, label: "receiver"
            ))
        }
      }
    }
    return lines
  }
}

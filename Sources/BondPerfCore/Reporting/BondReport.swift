/// The per-slave truth: predictions set against the kernel's counters.
public enum BondReport {
  public struct SlaveRow: Sendable, Hashable {
    public var index: Int
    public var name: String
    /// iperf3's ids of the streams predicted here (`predicted_streams` in `-J`).
    public var predictedStreams: [Int]
    /// The sockets (the `[ NN]` tag) of the streams whose data this host
    /// should send on this slave, and of those it should receive on it.
    public var sendingSockets: [Int32] = []
    public var receivingSockets: [Int32] = []
    public var txBytes: Int64
    public var rxBytes: Int64
    public var seconds: Double
    public var verdict: String
    /// The loads judged: on tx when this host sends data, on rx when it receives.
    public var sent: SlaveLoad?
    public var received: SlaveLoad?

    /// UDP: the datagrams of the streams predicted on this slave, sent, received
    /// and lost (the receiver's counts, mapped to slaves by the prediction); nil for TCP.
    public var datagrams: UDPTotals? = nil

    /// Every predicted stream's socket, senders first.
    public var predictedSockets: [Int32] { sendingSockets + receivingSockets }
  }

  /// Judges each slave, per direction: a stream predicted there that stalled
  /// and never moved again, traffic where no stream was predicted, too little
  /// where streams were (IDLE), or far more than predicted (MISPREDICTED) is
  /// flagged.
  ///
  /// A stream's data is on this host's tx counter when this host sends it and
  /// on rx when it receives it, so in `--bidir` each slave's expected load is
  /// what it should send plus what it should receive. Streams weigh by their
  /// own byte counts, so two streams sharing a slave are expected to share it.
  ///
  /// - Parameter clientCounters: Whether `totals` are the client's counters
  ///   (the record's `localSends` is the client's) or the server's.
  public static func rows(
    description: BondDescription, record: TestRecord, totals: [SlaveSample],
    clientCounters: Bool
  ) -> [SlaveRow] {
    let connected = record.connected
    let sending = connected.filter { $0.localSends == clientCounters }
    let receiving = connected.filter { $0.localSends != clientCounters }
    var weights: [Int: Int64] = [:]
    for stream in record.summary?.streams ?? [] {
      weights[stream.id] = stream.bytesReceived > 0 ? stream.bytesReceived : stream.bytesSent
    }
    let txLoads =
      sending.isEmpty
      ? [:]
      : SlaveLoad.loads(streams: sending, totals: totals, counter: \.txBytes, weights: weights)
    let rxLoads =
      receiving.isEmpty
      ? [:]
      : SlaveLoad.loads(streams: receiving, totals: totals, counter: \.rxBytes, weights: weights)
    let bothWays = !sending.isEmpty && !receiving.isEmpty
    let perPacket = description.model.mode == .balanceRR
    let anyPredicted = connected.contains { $0.predictedSlave != nil }
    return totals.map { sample in
      let sent = txLoads[sample.index]
      let received = rxLoads[sample.index]
      var row = SlaveRow(
        index: sample.index, name: sample.name ?? description.name(of: sample.index),
        predictedStreams: connected.filter { $0.predictedSlave == sample.index }.map(\.id),
        sendingSockets: sent?.streams.map(\.socket) ?? [],
        receivingSockets: received?.streams.map(\.socket) ?? [], txBytes: sample.txBytes,
        rxBytes: sample.rxBytes, seconds: sample.seconds, verdict: "ok", sent: sent,
        received: received)
      row.datagrams = datagrams(onSlave: sample.index, record: record)
      let stopped = record.stalledStreams.filter {
        $0.resumedAt == nil && $0.predictedSlave == sample.index
      }
      if let first = stopped.min(by: { $0.lastData < $1.lastData }) {
        let sockets = stopped.map { String($0.socket) }.joined(separator: ",")
        row.verdict =
          "STALLED: stream\(stopped.count == 1 ? "" : "s") \(sockets) stopped at "
          + "\(Units.fixed(first.lastData, decimals: 1)) s"
      } else if perPacket {
        row.verdict = roundRobinVerdict(sample, totals: totals, sends: !sending.isEmpty)
      } else if !anyPredicted {
        row.verdict = "-"
      } else {
        var findings: [String] = []
        if let sent {
          findings += judge(sent, way: bothWays ? ("to send", "sent") : nil)
        }
        if let received {
          findings += judge(received, way: bothWays ? ("to receive", "received") : nil)
        }
        if !findings.isEmpty { row.verdict = findings.joined(separator: "; ") }
      }
      return row
    }
  }

  /// The UDP datagram totals of the streams predicted on `slave`; nil for a TCP test.
  static func datagrams(onSlave slave: Int, record: TestRecord) -> UDPTotals? {
    let streams = record.summary?.streams ?? []
    guard streams.contains(where: { $0.udp != nil }) else { return nil }
    var totals = UDPTotals()
    for stream in streams {
      guard let udp = stream.udp,
        record.connected.first(where: { $0.id == stream.id })?.predictedSlave == slave
      else { continue }
      totals.senderPackets += udp.senderPackets
      totals.receiverPackets += udp.receiverPackets - udp.lost
      totals.lost += udp.lost
      totals.outOfOrder += udp.outOfOrder
    }
    return totals
  }

  /// What is wrong with one direction's load, if anything.
  static func judge(_ load: SlaveLoad, way: (predicted: String, carried: String)?) -> [String] {
    let carried = way?.carried ?? "carried"
    let toWhere = way.map { " " + $0.predicted } ?? ""
    let bytes = Units.bytes(Double(load.bytes))
    if load.isUnexpected {
      return ["UNEXPECTED: \(carried) \(bytes) but no stream was predicted here\(toWhere)"]
    }
    if load.isIdle {
      return ["IDLE: predicted \(load.streams.count) stream(s)\(toWhere) but \(carried) \(bytes)"]
    }
    if load.isMispredicted {
      let times = Units.fixed(Double(load.bytes) / load.expected, decimals: 1)
      return [
        "MISPREDICTED: \(carried) \(bytes), \(times)x the share of its "
          + "\(load.streams.count) predicted stream(s)\(toWhere)"
      ]
    }
    return []
  }

  /// balance-rr sprays every packet over the slaves, so each should carry
  /// about 1/n of what this host sends; one that carries under a quarter of
  /// that is flagged.
  static func roundRobinVerdict(_ sample: SlaveSample, totals: [SlaveSample], sends: Bool)
    -> String
  {
    let total = totals.reduce(Int64(0)) { $0 + $1.txBytes }
    let fair = Double(total) / Double(max(totals.count, 1))
    if sends && total > 0 && Double(sample.txBytes) < 0.25 * fair {
      return "IDLE: balance-rr sprays every stream, but this slave sent "
        + Units.bytes(Double(sample.txBytes))
    }
    return "per-packet (balance-rr)"
  }

  /// The text table for one host's slaves.
  public static func table(title: String, rows: [SlaveRow]) -> String {
    let udp = rows.contains { $0.datagrams != nil }
    var header = ["slave", "name", "predicted streams", "tx", "tx rate", "rx", "rx rate"]
    if udp { header += ["datagrams sent", "received", "lost"] }
    var lines: [[String]] = [header + ["verdict"]]
    let bothWays = rows.contains { $0.sent != nil && $0.received != nil }
    for row in rows {
      let rate = { (bytes: Int64) in
        Units.bitsPerSecond(Units.rate(bytes: bytes, seconds: row.seconds))
      }
      var cells = [
        String(row.index), row.name,
        streamsColumn(row, bothWays: bothWays),
        Units.bytes(Double(row.txBytes)), rate(row.txBytes), Units.bytes(Double(row.rxBytes)),
        rate(row.rxBytes),
      ]
      if udp {
        let datagrams = row.datagrams ?? UDPTotals()
        let lost = TextReport.lossText(lost: datagrams.lost, total: datagrams.senderPackets)
        cells += [
          String(datagrams.senderPackets), String(datagrams.receiverPackets),
          datagrams.senderPackets > 0 || datagrams.lost > 0 ? lost : "-",
        ]
      }
      lines.append(cells + [row.verdict])
    }
    return title + "\n" + TextTable.render(lines)
  }

  /// The streams predicted on a slave by their `[ NN]` socket tag; in
  /// `--bidir`, marked with the way their data goes on this host.
  static func streamsColumn(_ row: SlaveRow, bothWays: Bool) -> String {
    guard bothWays else {
      let sockets = row.predictedSockets
      return sockets.isEmpty ? "-" : sockets.map(String.init).joined(separator: ",")
    }
    let marked =
      row.sendingSockets.map { "\($0) tx" } + row.receivingSockets.map { "\($0) rx" }
    return marked.isEmpty ? "-" : marked.joined(separator: ",")
  }

  static func rowsJSON(_ rows: [SlaveRow]) -> JSONValue {
    .array(
      rows.map { row in
        .object(
          [
            ("slave", .int(Int64(row.index))),
            ("name", .string(row.name)),
            ("predicted_streams", .array(row.predictedStreams.map { .int(Int64($0)) })),
            ("predicted_sockets", .array(row.predictedSockets.map { .int(Int64($0)) })),
            ("seconds", .double(row.seconds)),
            ("tx_bytes", .int(row.txBytes)),
            ("tx_bits_per_second", .double(Units.rate(bytes: row.txBytes, seconds: row.seconds))),
            ("rx_bytes", .int(row.rxBytes)),
            ("rx_bits_per_second", .double(Units.rate(bytes: row.rxBytes, seconds: row.seconds))),
            ("verdict", .string(row.verdict)),
          ] + datagramsJSON(row.datagrams))
      })
  }

  /// A UDP row's `udp` member: the datagrams of its predicted streams.
  static func datagramsJSON(_ datagrams: UDPTotals?) -> [(String, JSONValue)] {
    guard let datagrams else { return [] }
    return [
      (
        "udp",
        .object([
          ("sent_packets", .int(datagrams.senderPackets)),
          ("received_packets", .int(datagrams.receiverPackets)),
          ("lost_packets", .int(datagrams.lost)),
          ("lost_percent", .double(datagrams.lostPercentOfSent)),
          ("out_of_order", .int(datagrams.outOfOrder)),
        ])
      )
    ]
  }

  /// What a bondperf server sends its client inside the results (key `bondperf`).
  public static func serverExtra(totals: [SlaveSample]) -> [(String, JSONValue)] {
    guard !totals.isEmpty else { return [] }
    return [
      (
        "bondperf",
        .object([
          ("slaves", .array(totals.map(IperfJSON.slave)))
        ])
      )
    ]
  }

  /// Reads a bondperf server's slave totals from its results' extra members.
  public static func peerTotals(_ extra: [(String, JSONValue)]) -> [SlaveSample] {
    guard let value = extra.last(where: { $0.0 == "bondperf" })?.1,
      let slaves = value["slaves"]?.arrayValue
    else { return [] }
    return slaves.compactMap { slave in
      guard let index = slave["slave"]?.intValue else { return nil }
      return SlaveSample(
        index: Int(index), name: slave["name"]?.stringValue,
        txBytes: slave["tx_bytes"]?.intValue ?? 0, rxBytes: slave["rx_bytes"]?.intValue ?? 0,
        seconds: slave["seconds"]?.doubleValue ?? 0)
    }
  }

  /// The `bond` object of bondperf's `-J` document.
  public static func json(
    description: BondDescription, plan: String, note: String?, record: TestRecord,
    localTotals: [SlaveSample], context: BondDiagnosis.Context? = nil
  ) -> JSONValue {
    let model = description.model
    var members: [(String, JSONValue)] = [
      ("origin", .string(description.origin)),
      ("mode", .string(model.mode.rawValue)),
      ("policy", .string(model.policy.rawValue)),
      (
        "kernel",
        .object([
          ("version", .string(model.kernel.description)),
          ("shift", .string(model.kernel.shiftVariant.rawValue)),
          ("ethertype", .string(model.kernel.ethertypeVariant.rawValue)),
        ])
      ),
      (
        "slaves",
        .array(
          (0..<description.slaveCount).map { .string(description.name(of: $0)) })
      ),
      ("pinning", .string(plan)),
    ]
    if let peer = description.peerSlaveCount { members.append(("peer_slaves", .int(Int64(peer)))) }
    if let note { members.append(("note", .string(note))) }
    members.append(
      (
        "streams",
        .array(
          record.connected.map { stream in
            var entry: [(String, JSONValue)] = [
              ("id", .int(Int64(stream.id))),
              ("socket", .int(Int64(stream.socket))),
              ("local_port", .int(Int64(stream.local.port))),
              ("sender", .bool(stream.localSends)),
            ]
            entry.append(
              ("predicted_slave", stream.predictedSlave.map { .int(Int64($0)) } ?? .null))
            if !stream.replacedPorts.isEmpty {
              entry.append(
                ("busy_ports_replaced", .array(stream.replacedPorts.map { .int(Int64($0)) })))
            }
            return .object(entry)
          })
      ))
    var localRows = rows(
      description: description, record: record, totals: localTotals, clientCounters: true)
    let peer = peerTotals(record.peerExtra)
    var peerRows =
      peer.isEmpty
      ? [] : rows(description: description, record: record, totals: peer, clientCounters: false)
    let spread = SwitchSpread.apply(
      local: &localRows, peer: &peerRows, calibrated: context?.calibrated == true)
    members.append(("per_slave", rowsJSON(localRows)))
    if !peer.isEmpty {
      members.append(("peer_per_slave", rowsJSON(peerRows)))
      if spread { members.append(("receive_side", .string(SwitchSpread.advice))) }
    }
    if let context,
      let diagnosis = BondDiagnosis.make(
        description: description, record: record, localTotals: localTotals, context: context)
    {
      members.append(("diagnosis", diagnosis.json))
    }
    return .object(members)
  }
}

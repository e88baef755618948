/// The per-slave truth: predictions set against the kernel's counters.
public enum BondReport {
  public struct SlaveRow: Sendable, Hashable {
    public var index: Int
    public var name: String
    public var predictedStreams: [Int]
    public var txBytes: Int64
    public var rxBytes: Int64
    public var seconds: Double
    public var verdict: String
  }

  /// Judges each slave: a stream predicted there that stalled and never moved again,
  /// traffic where no stream was predicted, or too little where streams were, is
  /// flagged. `dataOnTx` says which counter carries the data.
  public static func rows(
    description: BondDescription, connected: [ConnectedStream], totals: [SlaveSample],
    dataOnTx: Bool, stalled: [StalledStream] = []
  ) -> [SlaveRow] {
    let perPacket = description.model.mode == .balanceRR
    let predictedBySlave = Dictionary(
      grouping: connected.compactMap { stream in
        stream.predictedSlave.map { (slave: $0, id: stream.id) }
      }, by: \.slave)
    let data = totals.map { dataOnTx ? $0.txBytes : $0.rxBytes }
    let total = data.reduce(0, +)
    let predictedCount = connected.filter { $0.predictedSlave != nil }.count
    return totals.map { sample in
      let predicted = (predictedBySlave[sample.index] ?? []).map(\.id)
      let bytes = dataOnTx ? sample.txBytes : sample.rxBytes
      var verdict = "ok"
      let stopped = stalled.filter { $0.resumedAt == nil && $0.predictedSlave == sample.index }
      if let first = stopped.min(by: { $0.lastData < $1.lastData }) {
        let ids = stopped.map { String($0.id) }.joined(separator: ",")
        verdict =
          "STALLED: stream\(stopped.count == 1 ? "" : "s") \(ids) stopped at "
          + "\(Units.fixed(first.lastData, decimals: 1)) s"
      } else if perPacket {
        verdict = "per-packet (balance-rr)"
      } else if predictedCount > 0 && total > 0 {
        let expected = Double(total) * Double(predicted.count) / Double(predictedCount)
        if predicted.isEmpty && Double(bytes) > max(0.05 * Double(total), 1_048_576) {
          verdict =
            "UNEXPECTED: carried \(Units.bytes(Double(bytes))) but no stream was predicted here"
        } else if !predicted.isEmpty && Double(bytes) < 0.25 * expected {
          verdict =
            "IDLE: predicted \(predicted.count) stream(s) but carried \(Units.bytes(Double(bytes)))"
        }
      } else if predictedCount == 0 {
        verdict = "-"
      }
      return SlaveRow(
        index: sample.index, name: sample.name ?? description.name(of: sample.index),
        predictedStreams: predicted, txBytes: sample.txBytes, rxBytes: sample.rxBytes,
        seconds: sample.seconds, verdict: verdict)
    }
  }

  /// The text table for one host's slaves.
  public static func table(title: String, rows: [SlaveRow]) -> String {
    var lines: [[String]] = [
      ["slave", "name", "predicted streams", "tx", "tx rate", "rx", "rx rate", "verdict"]
    ]
    for row in rows {
      let rate = { (bytes: Int64) in
        Units.bitsPerSecond(Units.rate(bytes: bytes, seconds: row.seconds))
      }
      lines.append([
        String(row.index), row.name,
        row.predictedStreams.isEmpty
          ? "-" : row.predictedStreams.map(String.init).joined(separator: ","),
        Units.bytes(Double(row.txBytes)), rate(row.txBytes), Units.bytes(Double(row.rxBytes)),
        rate(row.rxBytes), row.verdict,
      ])
    }
    return title + "\n" + TextTable.render(lines)
  }

  static func rowsJSON(_ rows: [SlaveRow]) -> JSONValue {
    .array(
      rows.map { row in
        .object([
          ("slave", .int(Int64(row.index))),
          ("name", .string(row.name)),
          ("predicted_streams", .array(row.predictedStreams.map { .int(Int64($0)) })),
          ("seconds", .double(row.seconds)),
          ("tx_bytes", .int(row.txBytes)),
          ("tx_bits_per_second", .double(Units.rate(bytes: row.txBytes, seconds: row.seconds))),
          ("rx_bytes", .int(row.rxBytes)),
          ("rx_bits_per_second", .double(Units.rate(bytes: row.rxBytes, seconds: row.seconds))),
          ("verdict", .string(row.verdict)),
        ])
      })
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
    localTotals: [SlaveSample]
  ) -> JSONValue {
    let model = description.model
    let clientSends = record.connected.contains { $0.localSends }
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
    let localRows = rows(
      description: description, connected: record.connected, totals: localTotals,
      dataOnTx: clientSends, stalled: record.stalledStreams)
    members.append(("per_slave", rowsJSON(localRows)))
    let peer = peerTotals(record.peerExtra)
    if !peer.isEmpty {
      let peerRows = rows(
        description: description, connected: record.connected, totals: peer,
        dataOnTx: !clientSends, stalled: record.stalledStreams)
      members.append(("peer_per_slave", rowsJSON(peerRows)))
    }
    return .object(members)
  }
}

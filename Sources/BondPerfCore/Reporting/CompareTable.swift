/// The seed's comparison table: one stream, N on kernel ports, N pinned, the ceiling.
public enum CompareTable {
  /// The receiver's rate of a phase (`end.sum_received`).
  public static func received(_ record: TestRecord) -> Double {
    guard let summary = record.summary else { return 0 }
    let bytes = summary.streams.reduce(Int64(0)) { $0 + $1.bytesReceived }
    return Units.rate(bytes: bytes, seconds: summary.receiverTime)
  }

  public static func label(_ description: BondDescription?, rate: String?) -> String {
    guard let description else { return "no bond known" }
    let model = description.model
    let policy = model.mode == .balanceRR ? "" : " " + model.policy.rawValue
    return "\(description.slaveCount)x\(rate ?? "") \(model.mode.rawValue)\(policy)"
  }

  /// The table: each phase's received rate (with `--repeat`, the kernel-port
  /// runs' median), its share of the ceiling when that is known, and the
  /// ceiling (or why it is unknown); below it each phase's slaves, and the
  /// repeated runs' spread.
  public static func render(
    label: String, phases: [(title: String, record: TestRecord)], ceiling: LinkCeiling?,
    description: BondDescription?, runs: [KernelPortRuns?] = []
  ) -> String {
    var header = ["Configuration"]
    var row = [label]
    var share = ["% of ceiling"]
    // UDP phases: the receiver's loss, lost/total datagrams (iperf3's figures).
    var loss = ["UDP loss"]
    for (index, phase) in phases.enumerated() {
      loss.append(PhaseLoss(phase.record)?.text ?? "-")
      let repeated = index < runs.count ? runs[index] : nil
      header.append(phase.title + (repeated.map { ", median of \($0.runs.count)" } ?? ""))
      let rate = repeated?.median ?? received(phase.record)
      row.append(Units.bitsPerSecond(rate))
      share.append(
        ceiling?.bitsPerSecond.map {
          $0 > 0 ? Units.fixed(100 * rate / $0, decimals: 0) + "%" : "-"
        }
          ?? "-")
    }
    header.append("Links' ceiling")
    row.append(ceiling?.text ?? "unknown (no bond known)")
    share.append("")
    loss.append("")
    var lines = [header, row]
    if ceiling?.bitsPerSecond != nil { lines.append(share) }
    if phases.contains(where: { PhaseLoss($0.record) != nil }) { lines.append(loss) }
    var out = "\n" + TextTable.render(lines, separator: " | ")
    for (index, phase) in phases.enumerated() {
      guard index < runs.count, let repeated = runs[index] else { continue }
      out += "  \(phase.title): \(repeated.text)\n"
      out += "    (pinned and calibrated ports are chosen, not drawn: those phases give the "
      out += "same spread on every run)\n"
    }
    if let description {
      for (index, phase) in phases.enumerated() {
        let clientSends = phase.record.connected.contains { $0.localSends }
        let totals = BondReport.peerTotals(phase.record.peerExtra)
        let local = phase.record.bond.flatMap { slaveRates($0["per_slave"], tx: clientSends) } ?? []
        let remote = totals.map { sample in
          (
            sample.name ?? description.name(of: sample.index),
            sample.rxBitsPerSecond
          )
        }
        let rows = local.isEmpty ? remote : local
        guard !rows.isEmpty else { continue }
        let median = index < runs.count && runs[index] != nil ? " (the median run)" : ""
        out += "  \(phase.title)\(median), per slave: "
        out += rows.map { "\($0.0) \(Units.bitsPerSecond($0.1))" }.joined(separator: ", ") + "\n"
        if let spread = streamsPerSlave(phase.record, description: description) {
          out += "    streams per slave: \(spread)\n"
        }
      }
    }
    return out
  }

  /// How a multi-stream phase's streams fell on the slaves, by their predicted
  /// slave: "s1 and s2 got 2 each, s0 and s3 none"; nil for one stream or no
  /// predictions.
  public static func streamsPerSlave(_ record: TestRecord, description: BondDescription) -> String?
  {
    let predicted = record.connected.compactMap(\.predictedSlave)
    guard predicted.count > 1, description.slaveCount > 0 else { return nil }
    var counts = [Int](repeating: 0, count: description.slaveCount)
    for slave in predicted where slave < counts.count { counts[slave] += 1 }
    let groups = Dictionary(grouping: counts.indices, by: { counts[$0] })
    return groups.keys.sorted(by: >).compactMap { count in
      guard let slaves = groups[count] else { return nil }
      let names = listed(slaves.sorted().map(description.name(of:)))
      if count == 0 { return "\(names) none" }
      return "\(names) got \(count)" + (slaves.count > 1 ? " each" : "")
    }.joined(separator: ", ")
  }

  /// "a", "a and b", "a, b and c".
  static func listed(_ names: [String]) -> String {
    guard names.count > 1, let last = names.last else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " and " + last
  }

  static func slaveRates(_ value: JSONValue?, tx: Bool) -> [(String, Double)]? {
    value?.arrayValue?.compactMap { slave in
      guard let name = slave["name"]?.stringValue,
        let rate = slave[tx ? "tx_bits_per_second" : "rx_bits_per_second"]?.doubleValue
      else { return nil }
      return (name, rate)
    }
  }

  /// The `--json` document.
  public static func document(
    phases: [(name: String, streams: Int, record: TestRecord, result: JSONValue)],
    ceiling: Double?, label: String, description: BondDescription?,
    runs: [KernelPortRuns?] = []
  ) -> JSONValue {
    var members: [(String, JSONValue)] = [("configuration", .string(label))]
    members.append(
      (
        "phases",
        .array(
          phases.enumerated().map { index, phase in
            let repeated = index < runs.count ? runs[index] : nil
            var members: [(String, JSONValue)] = [
              ("name", .string(phase.name)),
              ("streams", .int(Int64(phase.streams))),
              ("bits_per_second", .double(repeated?.median ?? received(phase.record))),
              ("per_slave", phase.record.bond?["per_slave"] ?? .array([])),
              ("peer_per_slave", phase.record.bond?["peer_per_slave"] ?? .array([])),
            ]
            if let loss = PhaseLoss(phase.record) { members.append(("udp", loss.json)) }
            if let repeated { members.append(("repeat", repeated.json)) }
            members.append(("result", phase.result))
            return .object(members)
          })
      ))
    members.append(("ceiling_bits_per_second", ceiling.map { .double($0) } ?? .null))
    if let description {
      members.append(
        (
          "bond",
          .object([
            ("origin", .string(description.origin)),
            ("mode", .string(description.model.mode.rawValue)),
            ("policy", .string(description.model.policy.rawValue)),
            (
              "slaves",
              .array((0..<description.slaveCount).map { .string(description.name(of: $0)) })
            ),
            ("kernel", .string(description.model.kernel.description)),
          ])
        ))
    }
    return .object(members)
  }
}

/// One line that answers "why don't my streams fill my links?": which slaves
/// carried the data, which share streams and which sat idle, how far the
/// result is from the links' ceiling, and what to try next.
public struct BondDiagnosis: Sendable, Hashable {
  /// A slave and the sockets (`[ NN]` tags) of the streams predicted on it.
  public struct Shared: Sendable, Hashable {
    public var name: String
    public var sockets: [Int32]
  }

  /// Slaves that carried at least a tenth of an even share of the data.
  public var used: [String]
  public var usableCount: Int
  /// Slaves with two or more streams predicted in the same direction.
  public var shared: [Shared]
  /// Usable slaves that carried (almost) none of the data.
  public var idle: [String]
  /// The receivers' rate (both directions in `--bidir`), bit/s.
  public var receivedBitsPerSecond: Double
  /// The ceiling it is set against (doubled in `--bidir`: links are full duplex).
  public var ceilingBitsPerSecond: Double?
  /// Why there is no ceiling, when there is none.
  public var ceilingUnknown: String?
  /// What to try next.
  public var nextStep: String

  /// What the diagnosis needs beyond the test's record.
  public struct Context: Sendable, Hashable {
    public var ceiling: LinkCeiling?
    public var kind: PinningKind?
    public var missingMACFlags: [String]
    /// `--calibrate` ran: its verdict, not the receive-side advice, explains the server's slaves.
    public var calibrated = false

    public init(ceiling: LinkCeiling?, kind: PinningKind?, missingMACFlags: [String] = []) {
      self.ceiling = ceiling
      self.kind = kind
      self.missingMACFlags = missingMACFlags
    }
  }

  /// Diagnoses a test from the client's counters when it read them, else
  /// from the bondperf server's; nil without either or without a result.
  public static func make(
    description: BondDescription, record: TestRecord, localTotals: [SlaveSample],
    context: Context
  ) -> BondDiagnosis? {
    var rows = BondReport.rows(
      description: description, record: record, totals: localTotals, clientCounters: true)
    if rows.isEmpty {
      rows = BondReport.rows(
        description: description, record: record,
        totals: BondReport.peerTotals(record.peerExtra), clientCounters: false)
    }
    return BondDiagnosis(
      description: description, record: record, rows: rows, ceiling: context.ceiling,
      kind: context.kind, missingMACFlags: context.missingMACFlags)
  }

  /// Diagnoses a finished test from the per-slave rows of one host (the
  /// client's when it read its counters, else the server's).
  ///
  /// - Parameters:
  ///   - kind: What the pinning came to; nil when it is not known.
  ///   - missingMACFlags: ``StreamPinning/missingMACFlags``.
  public init?(
    description: BondDescription, record: TestRecord, rows: [BondReport.SlaveRow],
    ceiling: LinkCeiling?, kind: PinningKind?, missingMACFlags: [String] = []
  ) {
    guard !rows.isEmpty, record.summary != nil else { return nil }
    let data = rows.map { ($0.sent?.bytes ?? 0) + ($0.received?.bytes ?? 0) }
    let total = data.reduce(0, +)
    let even = Double(total) / Double(rows.count)
    let usedRows = zip(rows, data).filter { Double($0.1) >= 0.1 * even && $0.1 > 0 }.map(\.0)
    used = usedRows.map(\.name)
    usableCount = description.slaveCount
    idle = rows.filter { row in !usedRows.contains { $0.index == row.index } }.map(\.name)
    shared = rows.compactMap { row in
      guard row.sendingSockets.count > 1 || row.receivingSockets.count > 1 else { return nil }
      return Shared(name: row.name, sockets: row.predictedSockets)
    }
    let received = CompareTable.received(record)
    receivedBitsPerSecond = received
    let bothWays = rows.contains { $0.sent != nil && $0.received != nil }
    let limit = ceiling?.bitsPerSecond.map { bothWays ? 2 * $0 : $0 }
    ceilingBitsPerSecond = limit
    ceilingUnknown = ceiling == nil ? "unknown" : ceiling?.unknownReason
    nextStep = Self.nextStep(
      description: description, rows: rows, idle: idle, shared: shared, kind: kind,
      missingMACFlags: missingMACFlags, streams: Self.streamsPerDirection(record.connected),
      short: limit.map { received < 0.9 * $0 } ?? false,
      udp: record.start?.parameters.transport == .udp)
  }

  /// `-P`: the streams of the direction with fewest (`--bidir` runs `-P` each way).
  static func streamsPerDirection(_ streams: [ConnectedStream]) -> Int {
    let sending = streams.filter(\.localSends).count
    let receiving = streams.count - sending
    return sending == 0 || receiving == 0 ? streams.count : min(sending, receiving)
  }

  /// The first thing worth trying, most specific first. A UDP test (`udp`) is
  /// never sent to TCP's buffers: its rate is what `-b` offered.
  static func nextStep(
    description: BondDescription, rows: [BondReport.SlaveRow], idle: [String],
    shared: [Shared], kind: PinningKind?, missingMACFlags: [String], streams: Int, short: Bool,
    udp: Bool = false
  ) -> String {
    let model = description.model
    let wrong = rows.contains {
      $0.verdict.contains("MISPREDICTED") || $0.verdict.contains("UNEXPECTED")
    }
    if rows.contains(where: { $0.verdict.hasPrefix("STALLED") }) {
      return "check the stalled stream's slave (ip -s link show; the switch port)"
    }
    if !missingMACFlags.isEmpty {
      return "pass \(missingMACFlags.joined(separator: " and ")): the prediction hashed an "
        + "unknown MAC as 00:00:00:00:00:00"
    }
    if wrong {
      return "the driver did not follow the model: check --kernel (the hash variant), "
        + "--local-mac/--remote-mac, or a switch between the hosts"
    }
    if case .sharedSlave = kind {
      return "\(model.policy.rawValue) can't spread between two hosts: every stream shares "
        + "one slave; use xmit_hash_policy layer3+4, or test from several hosts"
    }
    guard !idle.isEmpty || !shared.isEmpty || (short && streams < description.slaveCount)
    else {
      guard short else { return "none: every usable slave carried its share" }
      return udp
        ? "every slave carried its share; look beyond the bond (UDP: the rate -b offered, "
          + "and which slave lost datagrams)"
        : "every slave carried its share; look beyond the bond (bondperf inspect: TCP buffers)"
    }
    if kind == .kernelPorts {
      return "drop --no-pin: bondperf pins one stream per slave"
    }
    if kind == .consecutive {
      return "drop --cport and --no-pin: bondperf pins one stream per slave"
    }
    if streams < description.slaveCount && (short || !idle.isEmpty) {
      return "run -P \(description.slaveCount) or more, so every slave gets a stream"
    }
    if model.mode == .balanceRR { return "check the idle slaves' links (ip -s link show)" }
    return "check the idle slaves' links, and the peer's bond and switch (--peer-slaves)"
  }

  /// `diagnosis: 3 of 4 usable slaves used; s1 shares streams 14,16; s2 idle;
  /// 286 Mbits/sec, 114 Mbits/sec (28%) below the 400 Mbits/sec ceiling; next: ...`.
  public var text: String {
    var parts = ["\(used.count) of \(usableCount) usable slaves used"]
    for slave in shared {
      parts.append(
        "\(slave.name) shares streams \(slave.sockets.map(String.init).joined(separator: ","))")
    }
    if !idle.isEmpty {
      parts.append("\(idle.joined(separator: ", ")) idle")
    }
    let received = Units.bitsPerSecond(receivedBitsPerSecond).trimmingLeadingSpaces
    if let ceiling = ceilingBitsPerSecond, ceiling > 0 {
      let loss = max(ceiling - receivedBitsPerSecond, 0)
      let percent = Units.fixed(100 * loss / ceiling, decimals: 0)
      parts.append(
        "\(received), \(Units.bitsPerSecond(loss).trimmingLeadingSpaces) (\(percent)%) below "
          + "the \(Units.bitsPerSecond(ceiling).trimmingLeadingSpaces) ceiling")
    } else {
      parts.append("\(received); ceiling \(ceilingUnknown ?? "unknown")")
    }
    return "diagnosis: " + parts.joined(separator: "; ") + "; next: " + nextStep
  }

  /// `bond.diagnosis` in `-J`.
  public var json: JSONValue {
    let loss = ceilingBitsPerSecond.map { max($0 - receivedBitsPerSecond, 0) }
    return .object([
      ("text", .string(text)),
      ("slaves_used", .int(Int64(used.count))),
      ("slaves_usable", .int(Int64(usableCount))),
      ("used", .array(used.map { .string($0) })),
      ("idle", .array(idle.map { .string($0) })),
      (
        "shared",
        .array(
          shared.map {
            .object([
              ("name", .string($0.name)),
              ("sockets", .array($0.sockets.map { .int(Int64($0)) })),
            ])
          })
      ),
      ("received_bits_per_second", .double(receivedBitsPerSecond)),
      ("ceiling_bits_per_second", ceilingBitsPerSecond.map { .double($0) } ?? .null),
      ("loss_bits_per_second", loss.map { .double($0) } ?? .null),
      (
        "loss_percent",
        zip2(loss, ceilingBitsPerSecond).map { .double($0 > 0 ? 100 * $0 / $1 : 0) } ?? .null
      ),
      ("next_step", .string(nextStep)),
    ])
  }

  private func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
  }
}

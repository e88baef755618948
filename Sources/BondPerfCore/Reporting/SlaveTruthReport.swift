/// The per-slave truth a client prints after its summary: this host's slaves
/// (from its own counters) and, from a bondperf server, the server host's.
public enum SlaveTruthReport {
  /// The text to print, each line ending in a newline: the tables, then the
  /// diagnosis when `context` is given; empty when neither host has slave counters.
  ///
  /// Each stream's data is judged on the counter it crosses: this host's tx
  /// and the server's rx for what the client sends, the other two for what it
  /// receives (`-R`, and half the streams of `--bidir`).
  public static func text(
    description: BondDescription, record: TestRecord, localTotals: [SlaveSample],
    context: BondDiagnosis.Context? = nil
  ) -> String {
    var lines: [String] = []
    var local = BondReport.rows(
      description: description, record: record, totals: localTotals, clientCounters: true)
    let peer = BondReport.peerTotals(record.peerExtra)
    var rows =
      peer.isEmpty
      ? []
      : BondReport.rows(
        description: description, record: record, totals: peer, clientCounters: false)
    let spread = SwitchSpread.apply(
      local: &local, peer: &rows, calibrated: context?.calibrated == true)
    if !local.isEmpty {
      lines.append("")
      lines.append(
        BondReport.table(
          title: "Per-slave truth, this host (\(description.origin)):", rows: local))
    }
    if !peer.isEmpty {
      lines.append(
        BondReport.table(
          title: "Per-slave truth, server host (from the bondperf server):", rows: rows))
    }
    if spread { lines.append("note: \(SwitchSpread.advice)") }
    if let context,
      let diagnosis = BondDiagnosis.make(
        description: description, record: record, localTotals: localTotals, context: context)
    {
      lines.append(diagnosis.text)
    }
    return lines.map { $0 + "\n" }.joined()
  }
}

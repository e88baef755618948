/// The per-slave truth a client prints after its summary: this host's slaves
/// (from its own counters) and, from a bondperf server, the server host's.
public enum SlaveTruthReport {
  /// The text to print, each line ending in a newline; empty when neither host
  /// has slave counters.
  ///
  /// The data is on this host's tx counters when the client sent, and on the
  /// server's tx counters when it received (`-R`).
  public static func text(
    description: BondDescription, record: TestRecord, localTotals: [SlaveSample]
  ) -> String {
    let clientSends = record.connected.contains { $0.localSends }
    var lines: [String] = []
    let local = BondReport.rows(
      description: description, connected: record.connected, totals: localTotals,
      dataOnTx: clientSends, stalled: record.stalledStreams)
    if !local.isEmpty {
      lines.append("")
      lines.append(
        BondReport.table(
          title: "Per-slave truth, this host (\(description.origin)):", rows: local))
    }
    let peer = BondReport.peerTotals(record.peerExtra)
    if !peer.isEmpty {
      let rows = BondReport.rows(
        description: description, connected: record.connected, totals: peer,
        dataOnTx: !clientSends, stalled: record.stalledStreams)
      lines.append(
        BondReport.table(
          title: "Per-slave truth, server host (from the bondperf server):", rows: rows))
    }
    return lines.map { $0 + "\n" }.joined()
  }
}

/// A switch between the hosts, seen from a bondperf pair without calibration:
/// this host's slaves sent what the model predicted, yet the server's slaves
/// received something else. Back to back, the server receives each stream on
/// the slave of the index it left on; a switch decides that hop with its own
/// hash, so the server's table shows slaves IDLE or carrying more than predicted.
public enum SwitchSpread {
  /// What the per-slave table and `-J` say about it.
  public static let advice =
    "the receive side is spread by something between the hosts (a switch); run with --calibrate"

  /// Whether the sending side (this host's tx) matched the prediction on
  /// every slave that carried or should have carried data, while the
  /// receiving side (the server's rx) did not.
  public static func detected(local: [BondReport.SlaveRow], peer: [BondReport.SlaveRow]) -> Bool {
    let sending = local.compactMap(\.sent)
    guard sending.count >= 2, sending.allSatisfy(isFine) else { return false }
    let receiving = peer.compactMap(\.received)
    return !receiving.isEmpty && !receiving.allSatisfy(isFine)
  }

  private static func isFine(_ load: SlaveLoad) -> Bool {
    !load.isIdle && !load.isUnexpected && !load.isMispredicted
  }

  /// Marks the receiving host's rows, in either direction (the server's for
  /// what the client sent, the client's for what the server sent); true when
  /// either was detected. Nothing when calibration ran.
  public static func apply(
    local: inout [BondReport.SlaveRow], peer: inout [BondReport.SlaveRow], calibrated: Bool
  ) -> Bool {
    guard !calibrated, !local.isEmpty, !peer.isEmpty else { return false }
    let forward = detected(local: local, peer: peer)
    let backward = detected(local: peer, peer: local)
    if forward { peer = marked(peer) }
    if backward { local = marked(local) }
    return forward || backward
  }

  /// The receiving host's rows with ``advice`` after each receive-side finding.
  public static func marked(_ peer: [BondReport.SlaveRow]) -> [BondReport.SlaveRow] {
    peer.map { row in
      guard let received = row.received, !isFine(received) else { return row }
      var row = row
      row.verdict += "; " + advice
      return row
    }
  }
}

/// The text form of a ``PlanReport``.
public enum PlanTable {
  /// How plan's stream numbers map to what a test prints.
  public static let legend =
    "(stream i is the i-th stream the client opens; a test prints it by its socket tag, "
    + "[ NN], beside its port and slave when it connects)"

  public static func render(_ report: PlanReport) -> String {
    var out = ""
    let kernelText =
      "kernel \(report.kernel.version): shift \(report.kernel.shift.rawValue), "
      + "ethertype \(report.kernel.ethertype.rawValue)"
    out += "\(report.mode.rawValue) \(report.policy.rawValue), \(report.slaves) usable slaves"
    if let peer = report.peerSlaves { out += ", peer bond \(peer) slaves" }
    out += " (\(kernelText))\n"
    out += "flow \(report.local) -> \(report.remote) port \(report.remotePort), "
    out += "source ports from \(report.portRange)\n"
    if let note = report.note {
      out += "note: \(note)\n"
      return out
    }
    var header = ["stream", "source port", "slave"]
    if report.peerSlaves != nil { header.append("peer slave (reply)") }
    if report.streams.contains(where: { $0.alternatives != nil }) { header.append("alternatives") }
    var rows: [[String]] = [header]
    for stream in report.streams {
      var row = [String(stream.stream), String(stream.sourcePort), String(stream.slave)]
      if report.peerSlaves != nil { row.append(stream.peerSlave.map(String.init) ?? "-") }
      if let alternatives = stream.alternatives {
        row.append(alternatives.map(String.init).joined(separator: " "))
      }
      rows.append(row)
    }
    out += TextTable.render(rows)
    out += PlanTable.legend + "\n"
    return out
  }
}

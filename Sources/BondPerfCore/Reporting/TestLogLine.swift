/// One line per test for a server's log (the journal): who tested, how, and
/// what came of it.
///
///     test from 198.18.0.1 port 40212: 4 streams, upload, 10.0 s, received 381 Mbits/sec
///     test from 198.18.0.1 port 40212: 4 streams, download: failed - the client left
public enum TestLogLine {
  public static func text(_ record: TestRecord, failure: String? = nil) -> String {
    var line = "test"
    var how: [String] = []
    if let start = record.start {
      line += " from \(start.peerHost) port \(start.peerPort)"
      let parameters = start.parameters
      how.append("\(parameters.parallel) stream\(parameters.parallel == 1 ? "" : "s")")
      how.append(
        parameters.bidirectional ? "bidir" : (parameters.reverse ? "download" : "upload"))
    }
    if let failure {
      return line + ": " + (how + ["failed - \(failure)"]).joined(separator: ", ")
    }
    guard let summary = record.summary else {
      return line + ": " + (how + ["no result"]).joined(separator: ", ")
    }
    let seconds = summary.endTime
    how.append("\(Units.fixed(seconds, decimals: 1)) s")
    let received = summary.streams.filter { !$0.localSends }.reduce(Int64(0)) {
      $0 + $1.bytesReceived
    }
    let sent = summary.streams.filter(\.localSends).reduce(Int64(0)) { $0 + $1.bytesSent }
    if summary.streams.contains(where: { !$0.localSends }) {
      how.append("received \(rate(received, seconds))")
    }
    if summary.streams.contains(where: \.localSends) {
      how.append("sent \(rate(sent, seconds))")
    }
    let stalled = record.stalledStreams.filter { $0.resumedAt == nil }.count
    if stalled > 0 { how.append("\(stalled) stalled") }
    return line + ": " + how.joined(separator: ", ")
  }

  /// "381 Mbits/sec", without the table's padding.
  static func rate(_ bytes: Int64, _ seconds: Double) -> String {
    String(Units.bitsPerSecond(Units.rate(bytes: bytes, seconds: seconds)).drop { $0 == " " })
  }
}

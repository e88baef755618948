import Foundation
import Testing

/// bondperf installed under the name `iperf3` (a symlink), as a fleet would install it.
enum DropIn {
  /// `iperf3 -> bondperf`, in a `dropin` directory beside the built binary: made once,
  /// reused by later runs, and removed with the build directory.
  static func iperf3Link() throws -> URL {
    let bondperf = try E2EBinaries.bondperf()
    let directory = bondperf.deletingLastPathComponent().appendingPathComponent("dropin")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let link = directory.appendingPathComponent("iperf3")
    if (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) != bondperf.path {
      try? FileManager.default.removeItem(at: link)
      try FileManager.default.createSymbolicLink(at: link, withDestinationURL: bondperf)
    }
    return link
  }

  /// Runs `executable arguments` to its end (at most `timeout`) and returns its status
  /// and output (standard output, then standard error).
  static func run(
    _ executable: URL, _ arguments: [String], timeout: Duration = .seconds(30)
  ) async throws -> (status: Int32, output: String, errorOutput: String) {
    let child = try ChildProcess(executable, arguments)
    defer { child.kill() }
    let status = try await child.exitStatus(within: timeout)
    let output = String(decoding: (try? Data(contentsOf: child.outputURL)) ?? Data(), as: UTF8.self)
    let errors = String(decoding: (try? Data(contentsOf: child.errorURL)) ?? Data(), as: UTF8.self)
    return (status, output, errors)
  }

  /// The key paths pScheduler's iperf3 tool reads from a client's `-J` document, with
  /// the JSON type iperf3 gives each; `sending` adds the sender-only TCP keys.
  static func pSchedulerPaths(sending: Bool) -> [(String, String)] {
    var paths: [(String, String)] = [
      ("start.version", "string"),
      ("start.test_start.num_streams", "number"),
      ("intervals[].streams[].socket", "number"),
      ("intervals[].streams[].start", "number"),
      ("intervals[].streams[].end", "number"),
      ("intervals[].streams[].bytes", "number"),
      ("intervals[].streams[].bits_per_second", "number"),
      ("intervals[].streams[].omitted", "boolean"),
      ("intervals[].sum.start", "number"),
      ("intervals[].sum.end", "number"),
      ("intervals[].sum.bytes", "number"),
      ("intervals[].sum.bits_per_second", "number"),
      ("intervals[].sum.omitted", "boolean"),
      ("end.sum_sent.bytes", "number"),
      ("end.sum_sent.bits_per_second", "number"),
      ("end.sum_received.bytes", "number"),
      ("end.sum_received.bits_per_second", "number"),
      ("end.streams[].sender.socket", "number"),
      ("end.streams[].sender.bytes", "number"),
      ("end.streams[].sender.bits_per_second", "number"),
      ("end.cpu_utilization_percent.host_total", "number"),
      ("end.cpu_utilization_percent.remote_total", "number"),
    ]
    if sending {
      paths += [
        ("intervals[].streams[].retransmits", "number"),
        ("intervals[].streams[].snd_cwnd", "number"),
        ("intervals[].streams[].rtt", "number"),
        ("end.sum_sent.retransmits", "number"),
        ("end.streams[].sender.retransmits", "number"),
        ("end.streams[].sender.mean_rtt", "number"),
      ]
    }
    return paths
  }

  /// The paths of `paths` missing from `json` or of another type, one line each.
  static func missingPaths(_ json: String, _ paths: [(String, String)]) throws -> [String] {
    guard let data = json.data(using: .utf8),
      let root = try? JSONSerialization.jsonObject(with: data)
    else { return ["the output is not JSON:\n\(json)"] }
    var found: [String: Set<String>] = [:]
    e2eKeyPaths(root, into: &found)
    return paths.compactMap { path, type in
      guard let types = found[path] else { return "missing \(path)" }
      return types == [type] ? nil : "\(path) is \(types.sorted()), iperf3 has \(type)"
    }
  }
}

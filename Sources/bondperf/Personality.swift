import BondPerfCore
import Foundation

/// Whether bondperf runs as itself or as `iperf3` (installed or linked under that name).
///
/// As `iperf3` its measurement defaults are iperf3 3.21's: receivers copy what arrives
/// (`--skip-rx-copy` discards), a client waits 120 s for data (`--rcv-timeout`) and a
/// server abandons a test after 120 s without data. Bond awareness stays on.
enum Personality {
  /// Whether the program was invoked as `iperf3` (argv[0]'s last path component).
  static let isIperf3: Bool = {
    guard let first = CommandLine.arguments.first else { return false }
    return (first.split(separator: "/").last.map(String.init) ?? first) == "iperf3"
  }()

  /// The one line a run prints about it.
  static var line: String {
    "bondperf \(BondPerfVersion.string) as iperf3: iperf3 \(BondPerfVersion.iperfVersion) "
      + "defaults (receiver copies data; --skip-rx-copy discards), bond awareness on"
  }

  /// The `bondperf` member of `-J` output.
  static func json(receiveCopies: Bool) -> JSONValue {
    .object([
      ("version", .string(BondPerfVersion.string)),
      ("invoked_as", .string(isIperf3 ? "iperf3" : "bondperf")),
      ("defaults", .string(isIperf3 ? "iperf3 \(BondPerfVersion.iperfVersion)" : "bondperf")),
      ("receiver", .string(receiveCopies ? "copy" : "discard")),
      ("bond_awareness", .bool(true)),
    ])
  }
}

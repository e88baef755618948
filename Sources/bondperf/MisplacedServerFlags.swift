import ArgumentParser

/// The server's flags, caught (and hidden from `--help`) by the client so that
/// `bondperf client HOST -1` names the flag instead of running as if it weren't given.
///
/// Each name here must match one in ``ServerOptions``; `CLIRoleTests` checks
/// that every flag it lists is caught.
struct MisplacedServerFlags: ParsableArguments {
  @Flag(name: [.customShort("1"), .customLong("one-off")], help: .hidden)
  var oneOff = false
  @Option(name: .customLong("max-streams"), help: .hidden)
  var maxStreams: String?
  @Option(name: .customLong("max-duration"), help: .hidden)
  var maxDuration: String?
  @Option(name: .customLong("idle-timeout"), help: .hidden)
  var idleTimeout: String?
  @Option(name: .customLong("allow"), help: .hidden)
  var allow: [String] = []
  @Flag(name: .customLong("journal"), help: .hidden)
  var journal = false

  /// The server flags given, in declaration order, each with what it would have done.
  var given: [(flag: String, reason: String)] {
    let limit = "it limits what a server accepts"
    let candidates: [(Bool, String, String)] = [
      (oneOff, "-1", "it makes a server exit after one test"),
      (maxStreams != nil, "--max-streams", limit),
      (maxDuration != nil, "--max-duration", limit),
      (idleTimeout != nil, "--idle-timeout", "it makes an idle server restart or exit"),
      (!allow.isEmpty, "--allow", limit),
      (journal, "--journal", "it sets how a server logs its tests"),
    ]
    return candidates.filter(\.0).map { (flag: $0.1, reason: $0.2) }
  }

  func validate() throws {
    guard let first = given.first else { return }
    throw ValidationError("\(first.flag) is a server option; \(first.reason).")
  }
}

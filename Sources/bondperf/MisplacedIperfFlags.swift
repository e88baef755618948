import ArgumentParser

/// iperf3 3.21's client-only flags beyond ``MisplacedClientFlags``, caught (and hidden)
/// by the server so that `bondperf -s -S 32` names the flag.
struct MisplacedIperfClientFlags: ParsableArguments {
  @Option(name: [.customShort("S"), .customLong("tos")], help: .hidden)
  var tos: String?
  @Option(name: .customLong("dscp"), help: .hidden)
  var dscp: String?
  @Option(name: [.customShort("L"), .customLong("flowlabel")], help: .hidden)
  var flowLabel: String?
  @Option(name: .customLong("extra-data"), help: .hidden)
  var extraData: String?
  @Flag(name: .customLong("repeating-payload"), help: .hidden)
  var repeatingPayload = false
  @Flag(name: .customLong("dont-fragment"), help: .hidden)
  var dontFragment = false
  @Flag(name: .customLong("sctp"), help: .hidden)
  var sctp = false

  var given: [(flag: String, reason: String)] {
    let request = "the server takes it from the client's request"
    let candidates: [(Bool, String, String)] = [
      (tos != nil, "-S", request),
      (dscp != nil, "--dscp", request),
      (flowLabel != nil, "-L", "only the client opens the data connections"),
      (extraData != nil, "--extra-data", request),
      (repeatingPayload, "--repeating-payload", request),
      (dontFragment, "--dont-fragment", request),
      (sctp, "--sctp", request),
    ]
    return candidates.filter(\.0).map { (flag: $0.1, reason: $0.2) }
  }

  func validate() throws {
    guard let first = given.first else { return }
    throw ValidationError("\(first.flag) is a client option; \(first.reason).")
  }
}

/// iperf3 3.21's server-only flags beyond ``MisplacedServerFlags``, caught (and hidden)
/// by the client so that `bondperf -c HOST -D` names the flag.
struct MisplacedIperfServerFlags: ParsableArguments {
  @Flag(name: [.customShort("D"), .customLong("daemon")], help: .hidden)
  var daemon = false
  @Option(name: .customLong("server-bitrate-limit"), help: .hidden)
  var bitrateLimit: String?
  @Option(name: .customLong("server-max-duration"), help: .hidden)
  var serverMaxDuration: String?
  @Option(name: .customLong("data-idle-timeout"), help: .hidden)
  var dataIdleTimeout: String?

  var given: [(flag: String, reason: String)] {
    let limit = "it limits what a server accepts"
    let candidates: [(Bool, String, String)] = [
      (daemon, "-D", "only a server runs in the background"),
      (bitrateLimit != nil, "--server-bitrate-limit", limit),
      (serverMaxDuration != nil, "--server-max-duration", limit),
      (dataIdleTimeout != nil, "--data-idle-timeout", "the client's is --rcv-timeout"),
    ]
    return candidates.filter(\.0).map { (flag: $0.1, reason: $0.2) }
  }

  func validate() throws {
    guard let first = given.first else { return }
    throw ValidationError("\(first.flag) is a server option; \(first.reason).")
  }
}

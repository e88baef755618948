import ArgumentParser

/// The client's flags, caught (and hidden from `--help`) by the server so that
/// `bondperf server -P 4` names the flag instead of running as if it weren't given.
///
/// Each name here must match one in ``ClientOptions``, ``PinningOptions`` or
/// ``PrometheusOption``;
/// `CLIRoleTests` checks that every flag those list is caught.
struct MisplacedClientFlags: ParsableArguments {
  @Option(name: [.customShort("P"), .customLong("parallel")], help: .hidden)
  var parallel: String?
  @Option(name: [.customShort("t"), .customLong("time")], help: .hidden)
  var time: String?
  @Option(name: [.customShort("n"), .customLong("bytes")], help: .hidden)
  var bytes: String?
  @Option(name: [.customShort("k"), .customLong("blockcount")], help: .hidden)
  var blocks: String?
  @Option(name: [.customShort("O"), .customLong("omit")], help: .hidden)
  var omit: String?
  @Flag(name: [.customShort("R"), .customLong("reverse")], help: .hidden)
  var reverse = false
  @Flag(name: .customLong("bidir"), help: .hidden)
  var bidir = false
  @Option(name: [.customShort("l"), .customLong("length")], help: .hidden)
  var length: String?
  @Option(name: [.customShort("w"), .customLong("window")], help: .hidden)
  var window: String?
  @Option(name: [.customShort("M"), .customLong("set-mss")], help: .hidden)
  var mss: String?
  @Flag(name: [.customShort("N"), .customLong("no-delay")], help: .hidden)
  var noDelay = false
  @Option(name: [.customShort("C"), .customLong("congestion")], help: .hidden)
  var congestion: String?
  @Flag(name: .customLong("calibrate"), help: .hidden)
  var calibrate = false
  @Option(name: .customLong("calibrate-budget"), help: .hidden)
  var calibrateBudget: String?
  @Option(name: .customLong("cport"), help: .hidden)
  var cport: String?
  @Option(name: [.customShort("T"), .customLong("title")], help: .hidden)
  var title: String?
  @Flag(name: .customLong("get-server-output"), help: .hidden)
  var getServerOutput = false
  @Option(name: .customLong("connect-timeout"), help: .hidden)
  var connectTimeout: String?
  @Flag(name: [.customShort("u"), .customLong("udp")], help: .hidden)
  var udp = false
  @Option(name: [.customShort("b"), .customLong("bitrate")], help: .hidden)
  var bitrate: String?
  @Option(name: .customLong("pacing-timer"), help: .hidden)
  var pacingTimer: String?
  @Option(name: .customLong("fq-rate"), help: .hidden)
  var fqRate: String?
  @Flag(name: .customLong("udp-counters-64bit"), help: .hidden)
  var counters64Bit = false
  @Option(name: .customLong("peer-slaves"), help: .hidden)
  var peerSlaves: String?
  @Flag(name: .customLong("no-pin"), help: .hidden)
  var noPin = false
  @Option(name: .customLong("port-range"), help: .hidden)
  var portRange: String?
  @Option(name: .customLong("kernel"), help: .hidden)
  var kernel: String?
  @Option(name: .customLong("local-mac"), help: .hidden)
  var localMAC: String?
  @Option(name: .customLong("slave-rate"), help: .hidden)
  var slaveRate: String?
  @Option(name: .customLong("remote-mac"), help: .hidden)
  var remoteMAC: String?
  @Option(name: .customLong("prometheus"), help: .hidden)
  var prometheus: String?

  /// The client flags given, in declaration order, each with why the server has no use for it.
  var given: [(flag: String, reason: String)] {
    let request = "the server takes it from the client's request"
    let ports = "only the client chooses source ports"
    let candidates: [(Bool, String, String)] = [
      (parallel != nil, "-P", "the server takes its streams from the client's request"),
      (time != nil, "-t", "the server takes the test's length from the client's request"),
      (bytes != nil, "-n", "the server takes the test's length from the client's request"),
      (blocks != nil, "-k", "the server takes the test's length from the client's request"),
      (omit != nil, "-O", request),
      (reverse, "-R", "the server takes the direction from the client's request"),
      (bidir, "--bidir", "the server takes the direction from the client's request"),
      (length != nil, "-l", request),
      (window != nil, "-w", request),
      (mss != nil, "-M", request),
      (noDelay, "-N", request),
      (congestion != nil, "-C", request),
      (cport != nil, "--cport", ports),
      (title != nil, "-T", request),
      (getServerOutput, "--get-server-output", "only the client asks for the server's output"),
      (connectTimeout != nil, "--connect-timeout", "only the client opens connections"),
      (udp, "-u", "the server takes the protocol from the client's request"),
      (bitrate != nil, "-b", request),
      (pacingTimer != nil, "--pacing-timer", request),
      (fqRate != nil, "--fq-rate", request),
      (counters64Bit, "--udp-counters-64bit", request),
      (peerSlaves != nil, "--peer-slaves", ports),
      (noPin, "--no-pin", ports),
      (portRange != nil, "--port-range", ports),
      (kernel != nil, "--kernel", "only the client predicts slaves"),
      (localMAC != nil, "--local-mac", "only the client predicts slaves"),
      (remoteMAC != nil, "--remote-mac", "only the client predicts slaves"),
      (slaveRate != nil, "--slave-rate", "only the client sets results against the ceiling"),
      (calibrate, "--calibrate", "only the client calibrates; the server needs --slaves or --bond"),
      (calibrateBudget != nil, "--calibrate-budget", "only the client calibrates"),
      (
        prometheus != nil, "--prometheus",
        "a server's tests are in its journal (--journal); for metrics of the far host, "
          + "run 'bondperf exporter' beside the client or give --prometheus to the client"
      ),
    ]
    return candidates.filter(\.0).map { (flag: $0.1, reason: $0.2) }
  }

  func validate() throws {
    guard let first = given.first else { return }
    throw ValidationError("\(first.flag) is a client option; \(first.reason).")
  }
}

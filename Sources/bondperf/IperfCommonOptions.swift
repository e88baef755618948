import ArgumentParser
import BondPerfCore
import Glibc

/// iperf3 3.21's flags that mean the same to a server and a client, beyond
/// ``CommonOptions``: output (`-f`, `-V`, `-d`, `--timestamps`, `--forceflush`,
/// `--json-stream-full-output`), process (`-I`, `-A`), sockets (`--snd-timeout`,
/// `--cntl-ka`, `-m`), and the receive path (`--skip-rx-copy`).
struct IperfCommonOptions: ParsableArguments {
  @Option(
    name: [.customShort("f"), .customLong("format")],
    help: ArgumentHelp(
      "Rate unit: Kbits, Mbits, Gbits, Tbits (kmgt) or KBytes... (KMGT).",
      valueName: "kmgtKMGT"))
  var format: String?

  @Option(name: [.customShort("I"), .customLong("pidfile")], help: "Write the process id here.")
  var pidfile: String?

  @Option(
    name: [.customShort("F"), .customLong("file")],
    help: "Send this file's bytes (sender) or write what arrives to it (receiver).")
  var file: String?

  @Option(
    name: [.customShort("A"), .customLong("affinity")],
    help: ArgumentHelp(
      "Run on CPU n; a client's m asks the server to run on CPU m.", valueName: "n[,m]"))
  var affinity: String?

  @Flag(name: [.customShort("V"), .customLong("verbose")], help: "More detailed output.")
  var verbose = false

  @Option(
    name: .customLong("debug"),
    help: ArgumentHelp("Debug output on standard error (-d = level 4).", valueName: "1-4"))
  var debug: Int?

  @Flag(name: .customLong("forceflush"), help: "Flush output at every line (always so here).")
  var forceFlush = false

  // iperf3 3.21's opt-in; bondperf's UDP streams use GSO (UDP_SEGMENT) and GRO whenever
  // the kernel and the route allow, so the flag changes nothing here.
  @Flag(
    name: .customLong("gsro"),
    help: "UDP GSO/GRO (bondperf uses them whenever the kernel allows; always on here).")
  var gsro = false

  @Option(
    name: .customLong("timestamps"),
    help: ArgumentHelp(
      "Start each text line with the time (strftime format, default '%c ').",
      valueName: "=format"))
  var timestamps: String?

  @Option(
    name: .customLong("snd-timeout"),
    help: ArgumentHelp(
      "Drop a data connection whose sent data stays unacknowledged this long (TCP_USER_TIMEOUT).",
      valueName: "ms"))
  var sendTimeout: Int?

  @Option(
    name: .customLong("cntl-ka"),
    help: ArgumentHelp(
      "TCP keepalive on the control connection (each part optional).",
      valueName: "=idle/interval/count"))
  var controlKeepAlive: String?

  @Flag(name: [.customShort("m"), .customLong("mptcp")], help: "Use MPTCP rather than plain TCP.")
  var mptcp = false

  @Flag(
    name: .customLong("skip-rx-copy"),
    help: "Discard received data in the kernel (MSG_TRUNC) instead of copying it.")
  var skipReceiveCopy = false

  @Flag(
    name: .customLong("json-stream-full-output"),
    help: "With --json-stream: also print the full JSON document at the end.")
  var jsonStreamFullOutput = false

  func validate() throws {
    if let format, !RateFormat.letters.contains(format) || format.count != 1 {
      throw ValidationError("-f takes one of k m g t K M G T, got '\(format)'.")
    }
    if affinity != nil, (try? cpus()) == nil {
      throw ValidationError("-A takes n or n,m (CPU numbers), got '\(affinity ?? "")'.")
    }
    if let debug, !(1...4).contains(debug) {
      throw ValidationError("--debug takes a level 1-4, got \(debug).")
    }
    if let sendTimeout, sendTimeout < 0 {
      throw ValidationError("--snd-timeout must be 0 or more milliseconds, got \(sendTimeout).")
    }
    if controlKeepAlive != nil, keepAlive == nil {
      throw ValidationError(
        "--cntl-ka takes [idle]/[interval]/[count] in seconds and probes, got '\(controlKeepAlive ?? "")'."
      )
    }
  }

  /// `-A n[,m]`: this process's CPU and the one asked of the server. Read as iperf3
  /// reads it: the leading number, and the number after a comma if there is one
  /// (so iperf3's own `-A 2/2` means CPU 2).
  func cpus() throws -> (local: Int, server: Int?)? {
    guard let affinity else { return nil }
    func leadingNumber(_ text: Substring) -> Int? {
      let digits = text.prefix { $0.isASCII && $0.isNumber }
      return digits.isEmpty ? nil : Int(digits).flatMap { (0...1024).contains($0) ? $0 : nil }
    }
    guard let local = leadingNumber(Substring(affinity)) else { throw ValidationError("bad -A") }
    guard let comma = affinity.firstIndex(of: ",") else { return (local, nil) }
    guard let server = leadingNumber(affinity[affinity.index(after: comma)...]) else {
      throw ValidationError("bad -A")
    }
    return (local, server)
  }

  /// `--cntl-ka[=idle/interval/count]`.
  var keepAlive: KeepAlive? {
    guard let controlKeepAlive else { return nil }
    let parts = controlKeepAlive.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 3 else { return nil }
    var values: [Int?] = []
    for part in parts {
      if part.isEmpty {
        values.append(nil)
      } else if let value = Int(part), value > 0 {
        values.append(value)
      } else {
        return nil
      }
    }
    while values.count < 3 { values.append(nil) }
    return KeepAlive(idle: values[0], interval: values[1], count: values[2])
  }

  /// Socket options for this host's sockets.
  func apply(to tuning: inout SocketTuning) {
    tuning.sendTimeoutMilliseconds = sendTimeout
    tuning.controlKeepAlive = keepAlive
    tuning.multipath = mptcp
  }

  /// Process-wide settings: `-f`, `-d`, the line prefix (`--timestamps`, a title),
  /// and the pid file, which the returned value removes at exit.
  func applyProcessSettings(sink: OutputSink, textMode: Bool, title: String?) throws -> PidFile? {
    if let format { RateFormat.set(format) }
    if let debug { DebugLog.enable(level: debug) }
    if textMode && (timestamps != nil || title != nil) {
      let stamp = timestamps
      let label = title.map { "\($0):  " } ?? ""
      sink.prefixLines { (stamp.map(Self.timestamp) ?? "") + label }
    }
    return try pidfile.map { try PidFile(writing: $0) }
  }

  /// The local time in strftime `format` (empty: iperf3's default, `%c `).
  static func timestamp(_ format: String) -> String {
    let pattern = format.isEmpty ? "%c " : format
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    var buffer = [CChar](repeating: 0, count: 256)
    let count = strftime(&buffer, buffer.count, pattern, &parts)
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The data path with `--skip-rx-copy`, `-F` and the personality's default.
  func dataPath(_ base: DataPath, receiveCopy: Bool) -> DataPath {
    var path = base
    path.receiveCopies = !skipReceiveCopy && (receiveCopy || Personality.isIperf3)
    path.diskFile = file
    return path
  }
}

import ArgumentParser
import BondPerfCore

/// iperf3 3.21's server flags beyond ``ServerOptions``: `-D`, `--server-bitrate-limit`,
/// and `--server-max-duration` (bondperf's `--max-duration` under iperf3's name).
struct IperfServerOptions: ParsableArguments {
  @Flag(
    name: [.customShort("D"), .customLong("daemon")], help: "Run the server in the background.")
  var daemon = false

  @Option(
    name: .customLong("server-bitrate-limit"),
    help: ArgumentHelp(
      "End tests averaging more than this over the last SECONDS (default 5), all streams.",
      valueName: "rate[KMG][/SECONDS]"))
  var bitrateLimit: String?

  @Option(
    name: .customLong("server-max-duration"),
    help: "iperf3's name for --max-duration (seconds).")
  var serverMaxDuration: Int?

  func validate() throws {
    if bitrateLimit != nil, limit == nil {
      throw ValidationError(
        "--server-bitrate-limit takes a rate with an optional /seconds (e.g. 1G or 500M/10), "
          + "got '\(bitrateLimit ?? "")'.")
    }
    if let serverMaxDuration, !TestBounds.seconds.contains(serverMaxDuration) {
      throw ValidationError(
        "--server-max-duration must be between \(TestBounds.seconds.errorText) seconds, "
          + "got \(serverMaxDuration).")
    }
  }

  /// `--server-bitrate-limit`: bit/s and the averaging window in seconds.
  var limit: (bitsPerSecond: Int64, seconds: Int)? {
    guard let bitrateLimit else { return nil }
    let parts = bitrateLimit.split(separator: "/", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let rate = Units.parseRate(String(parts[0])), rate > 0
    else { return nil }
    var seconds = 5
    if parts.count == 2 {
      guard let value = Int(parts[1]), (1...3600).contains(value) else { return nil }
      seconds = value
    }
    return (rate, seconds)
  }

  func apply(to configuration: inout ServerConfiguration) {
    if let limit {
      configuration.bitrateLimit = limit.bitsPerSecond
      configuration.bitrateAveragingSeconds = limit.seconds
    }
    if let serverMaxDuration { configuration.maxDuration = .seconds(serverMaxDuration) }
  }
}

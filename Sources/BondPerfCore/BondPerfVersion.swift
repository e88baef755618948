/// The version bondperf reports (`--version`, JSON `start.version`).
public enum BondPerfVersion {
  public static let string = "0.1.0"
  /// The `client_version` bondperf sends in iperf3's parameter exchange.
  public static let wireVersion = "bondperf-0.1.0"
  /// The iperf3 release whose protocol, flags and defaults bondperf follows: the second
  /// word of `--version`, which tools that drive iperf3 (perfSONAR's pScheduler) parse.
  public static let iperfVersion = "3.21"
  /// The first line of `--version` and `-V`, and `start.version` in `-J`: iperf3's
  /// "iperf 3.21" with bondperf's own version after it.
  public static let identity = "iperf \(iperfVersion) (bondperf \(string))"
  /// `-V`'s first lines, as iperf3 prints them: the version and the system.
  public static var banner: String { "\(identity)\n\(SystemInfo.describe())\n" }

  /// `--version` / `-v` in iperf3's shape: `iperf 3.21 (bondperf 0.1.0)`, the system,
  /// and the optional features this build has.
  public static var text: String {
    return banner + """
      Optional features available: CPU affinity setting, IPv6 flow label, TCP congestion \
      algorithm setting, sendfile / zerocopy, socket pacing, authentication, bind to device, \
      support IPv4 don't fragment, support MPTCP, bond awareness

      """
  }
}

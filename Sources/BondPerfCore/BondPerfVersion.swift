/// The version bondperf reports (`--version`, JSON `start.version`).
public enum BondPerfVersion {
  public static let string = "0.1.0"
  /// The `client_version` bondperf sends in iperf3's parameter exchange.
  public static let wireVersion = "bondperf-0.1.0"
  /// The iperf3 release whose protocol, flags and defaults bondperf follows: the second
  /// word of `--version`, which tools that drive iperf3 (perfSONAR's pScheduler) parse.
  public static let iperfVersion = "3.21"

  /// `--version` / `-v` in iperf3's shape: `iperf 3.21 (bondperf 0.1.0)`, the system,
  /// and the optional features this build has.
  public static var text: String {
    let systemInfo = SystemInfo.describe()
    return """
      iperf \(iperfVersion) (bondperf \(string))
      \(systemInfo)
      Optional features available: CPU affinity setting, IPv6 flow label, TCP congestion \
      algorithm setting, sendfile / zerocopy, bind to device, \
      support IPv4 don't fragment, support MPTCP, bond awareness

      """
  }
}

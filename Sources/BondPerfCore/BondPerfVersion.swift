/// The version bondperf reports (`--version`, JSON `start.version`).
public enum BondPerfVersion {
  public static let string = "0.1.0"
  /// The `client_version` bondperf sends in iperf3's parameter exchange.
  public static let wireVersion = "bondperf-0.1.0"
}

/// One result of comparing a TCP sysctl with the bandwidth-delay product.
public struct TuningFinding: Hashable, Sendable, Codable {
  /// How much a finding matters.
  public enum Level: String, Hashable, Sendable, Codable {
    /// The limit is large enough.
    case ok
    /// Worth knowing; affects only explicitly sized sockets.
    case info
    /// Limits what one stream can reach.
    case warning
  }

  /// The sysctl's dotted name, e.g. `net.ipv4.tcp_rmem`.
  public var sysctl: String
  /// Whether the limit is enough.
  public var level: Level
  /// One line, e.g. `tcp_rmem max 6.00 MiB ≥ BDP 2.38 MiB: ok`.
  public var message: String

  /// Creates a finding.
  public init(sysctl: String, level: Level, message: String) {
    self.sysctl = sysctl
    self.level = level
    self.message = message
  }
}

/// Which way data flows in a test.
public enum TestMode: Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The client sends (iperf3's default).
  case normal
  /// The server sends (`-R`).
  case reverse
  /// Both send, on separate streams (`--bidir`, 3.7+).
  case bidirectional

  /// Data connections per `-P` stream: 2 in bidir, else 1.
  public var connectionsPerParallelStream: Int { self == .bidirectional ? 2 : 1 }

  public var description: String {
    switch self {
    case .normal: return "normal"
    case .reverse: return "reverse"
    case .bidirectional: return "bidirectional"
    }
  }
}

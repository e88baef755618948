/// The data-stream protocol named in the parameters by a `true`-valued key.
public enum TransportProtocol: String, Sendable, Hashable, CaseIterable {
  case tcp
  case udp
  case sctp

  /// The default block length (`len`) iperf3 uses when none is given; UDP's
  /// real default is the control connection's MSS, 1460 when unknown.
  public var defaultBlockLength: Int {
    switch self {
    case .tcp: return 131_072
    case .udp: return 1460
    case .sctp: return 65_536
    }
  }
}

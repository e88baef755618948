/// Why a control conversation can't go on with what the peer sent.
public enum ConversationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `item` broke the protocol: a bad frame length, JSON that doesn't parse or
  /// decode, parameters out of range, or a state byte not allowed here.
  case malformed(ControlItem, ProtocolError)
  /// The parameters ask for a transport the server doesn't run (SCTP).
  case unsupportedTransport(TransportProtocol)
  /// 37 bytes arrived that are not an iperf3 cookie (36 of `a-z2-7` and a NUL).
  case notACookie

  public var description: String {
    switch self {
    case .malformed(let item, let error): return "rejected \(item): \(error)"
    case .unsupportedTransport(let transport):
      return "only TCP and UDP tests are supported, the client asked for \(transport.rawValue)"
    case .notACookie: return "sent bytes that do not start with an iperf3 cookie"
    }
  }
}

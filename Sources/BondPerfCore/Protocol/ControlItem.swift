/// One item a side reads from the control connection, in the order the
/// protocol sends them: what a conversation is waiting for.
public enum ControlItem: Sendable, Hashable, CustomStringConvertible {
  /// The client's 37-byte cookie.
  case cookie
  /// The client's parameter frame, after PARAM_EXCHANGE.
  case parameters
  /// A one-byte state message.
  case stateByte
  /// The peer's results frame, after EXCHANGE_RESULTS.
  case results
  /// The two big-endian `Int32`s after SERVER_ERROR.
  case serverErrorCodes

  public var description: String {
    switch self {
    case .cookie: return "the cookie"
    case .parameters: return "the parameters"
    case .stateByte: return "a state byte"
    case .results: return "the results"
    case .serverErrorCodes: return "the SERVER_ERROR codes"
    }
  }
}

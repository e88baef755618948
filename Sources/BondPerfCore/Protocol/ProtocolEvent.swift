/// Something that happened on the control connection, as one side saw it.
public enum ProtocolEvent: Sendable, Equatable, CustomStringConvertible {
  /// The client wrote its cookie / the server read it.
  case cookieExchanged
  /// This side wrote a state byte.
  case sent(ControlMessage)
  /// This side read a state byte.
  case received(ControlMessage)
  /// The parameter JSON was written (client) or read and accepted (server).
  case paramsExchanged
  /// Both results JSONs have crossed: the client's, then the server's.
  case resultsExchanged

  public var description: String {
    switch self {
    case .cookieExchanged: return "cookie"
    case .sent(let message), .received(let message): return message.name
    case .paramsExchanged: return "parameters"
    case .resultsExchanged: return "results"
    }
  }
}

/// Why ``ControlStreamDecoder`` stopped before the conversation finished.
public enum ControlStreamError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The item the decoder was reading when it stopped.
  public enum Item: Sendable, Hashable, CustomStringConvertible {
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

  /// The input ended before `item` was complete (a peer that went quiet).
  case truncated(waitingFor: Item)
  /// `item` broke the protocol: a bad frame length, JSON that doesn't parse or
  /// decode, parameters out of range, or a state byte not allowed here.
  case malformed(Item, ProtocolError)
  /// The parameters ask for a transport the server doesn't run (only TCP).
  case unsupportedTransport(TransportProtocol)

  public var description: String {
    switch self {
    case .truncated(let item): return "input ended while reading \(item)"
    case .malformed(let item, let error): return "rejected \(item): \(error)"
    case .unsupportedTransport(let transport):
      return "only TCP tests are supported, the client asked for \(transport.rawValue)"
    }
  }
}

/// Why ``ControlStreamDecoder`` stopped before the conversation finished.
public enum ControlStreamError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input ended before `item` was complete (a peer that went quiet).
  case truncated(waitingFor: ControlItem)
  /// The conversation refused what the peer sent.
  case rejected(ConversationError)

  public var description: String {
    switch self {
    case .truncated(let item): return "input ended while reading \(item)"
    case .rejected(let error): return error.description
    }
  }
}

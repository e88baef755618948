/// What ``ControlStreamDecoder`` read from one side of a control connection,
/// and where it stopped.
public struct ControlStreamOutcome: Sendable, Equatable {
  /// The side that did the decoding (`.server` reads what a client sends).
  public var role: Role
  /// The decoding side's protocol state when it stopped.
  public var state: ProtocolState = .initial
  /// The cookie (server side only).
  public var cookie: Cookie?
  /// The parameters, once decoded and validated (server side only).
  public var parameters: TestParameters?
  /// Parameter keys of the wrong JSON type, which the server ignored.
  public var parameterTypeMismatches: [String] = []
  /// The peer's results: the client's on the server side, the server's on the
  /// client side.
  public var peerResults: TestResults?
  /// The codes after a SERVER_ERROR (client side only).
  public var serverError: ClientConversation.ServerErrorCodes?
  /// The state bytes read, in order.
  public var messages: [ControlMessage] = []
  /// Bytes consumed by the items above.
  public var consumedByteCount = 0
  /// Bytes left over: after the item that failed (which stays unconsumed when
  /// its frame length was rejected), or after the conversation ended.
  public var unconsumedByteCount = 0
  /// Bytes a finished client dropped, as it drops a 3.21 server's stray `fe 205`.
  public var ignoredByteCount = 0
  /// Why decoding stopped early; `nil` when ``state`` is final.
  public var failure: ControlStreamError?

  public init(role: Role) {
    self.role = role
  }

  /// Whether the conversation reached IPERF_DONE or an abort with no failure.
  public var isComplete: Bool { failure == nil && state.isFinal }
}

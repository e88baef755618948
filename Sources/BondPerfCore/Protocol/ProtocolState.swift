/// Where one side of an iperf3 test stands on the control connection.
///
/// One enum and one transition function, ``next(on:role:)``, for both roles.
/// The control sequence is the same for normal, `-R` and `--bidir` tests:
///
/// ```
/// awaitingCookie -cookie-> awaitingParamExchange -09-> paramExchange -params->
/// awaitingCreateStreams -0a-> createStreams -01-> testStart -02-> testRunning
/// -04-> testEnd -0d-> exchangeResults -results-> awaitingDisplayResults
/// -0e-> displayResults -10-> done
/// ```
///
/// ACCESS_DENIED, SERVER_ERROR, SERVER_TERMINATE (from the server) and
/// CLIENT_TERMINATE (from the client) lead from any unfinished state to
/// ``terminated(_:)``. Whatever a client receives after IPERF_DONE (a 3.21
/// server may send a stray `fe 205`) leaves it in ``done``: check
/// ``ignoresIncomingBytes`` and drop such bytes (``ControlBuffer/discardAll()``).
public enum ProtocolState: Sendable, Hashable, CustomStringConvertible {
  /// Connected; the client hasn't sent (the server hasn't read) the cookie.
  case awaitingCookie
  /// Cookie exchanged; waiting for PARAM_EXCHANGE.
  case awaitingParamExchange
  /// PARAM_EXCHANGE seen; the client's parameter JSON is due.
  case paramExchange
  /// Parameters exchanged; waiting for CREATE_STREAMS.
  case awaitingCreateStreams
  /// CREATE_STREAMS seen; data connections are being opened.
  case createStreams
  /// TEST_START seen.
  case testStart
  /// TEST_RUNNING seen: data flows.
  case testRunning
  /// TEST_END seen; waiting for EXCHANGE_RESULTS.
  case testEnd
  /// EXCHANGE_RESULTS seen; the client's then the server's results JSON are due.
  case exchangeResults
  /// Results exchanged; waiting for DISPLAY_RESULTS.
  case awaitingDisplayResults
  /// DISPLAY_RESULTS seen; the client prints and sends IPERF_DONE.
  case displayResults
  /// IPERF_DONE sent or received: the test finished normally.
  case done
  /// The test was aborted by this message (ACCESS_DENIED, SERVER_ERROR,
  /// SERVER_TERMINATE or CLIENT_TERMINATE).
  case terminated(ControlMessage)

  /// The state of a new control connection.
  public static let initial = ProtocolState.awaitingCookie

  /// Whether the test is over, normally or not.
  public var isFinal: Bool {
    switch self {
    case .done, .terminated: return true
    default: return false
    }
  }

  /// Whether a client in this state should drop whatever arrives: true after
  /// IPERF_DONE and after an abort.
  public var ignoresIncomingBytes: Bool { isFinal }

  /// An iperf3-style name for messages, for example `PARAM_EXCHANGE`.
  public var name: String {
    switch self {
    case .awaitingCookie: return "AWAITING_COOKIE"
    case .awaitingParamExchange: return "AWAITING_PARAM_EXCHANGE"
    case .paramExchange: return "PARAM_EXCHANGE"
    case .awaitingCreateStreams: return "AWAITING_CREATE_STREAMS"
    case .createStreams: return "CREATE_STREAMS"
    case .testStart: return "TEST_START"
    case .testRunning: return "TEST_RUNNING"
    case .testEnd: return "TEST_END"
    case .exchangeResults: return "EXCHANGE_RESULTS"
    case .awaitingDisplayResults: return "AWAITING_DISPLAY_RESULTS"
    case .displayResults: return "DISPLAY_RESULTS"
    case .done: return "IPERF_DONE"
    case .terminated(let message): return "TERMINATED(\(message.name))"
    }
  }

  public var description: String { name }

  /// The state after `event`, seen by the side playing `role`.
  ///
  /// - Throws: ``ProtocolError/wrongSender(_:sentBy:)`` when a message comes
  ///   from the side that never sends it, and
  ///   ``ProtocolError/unexpectedEvent(event:state:)`` ("unexpected TEST_END in
  ///   state PARAM_EXCHANGE") for any other illegal transition.
  public func next(on event: ProtocolEvent, role: Role) throws(ProtocolError) -> ProtocolState {
    switch event {
    case .cookieExchanged:
      return try expecting(.awaitingCookie, then: .awaitingParamExchange, event)
    case .paramsExchanged:
      return try expecting(.paramExchange, then: .awaitingCreateStreams, event)
    case .resultsExchanged:
      return try expecting(.exchangeResults, then: .awaitingDisplayResults, event)
    case .sent(let message), .received(let message):
      let isSent: Bool
      if case .sent = event { isSent = true } else { isSent = false }
      return try next(on: message, from: isSent ? role : role.peer, role: role, event: event)
    }
  }

  private func next(
    on message: ControlMessage, from sender: Role, role: Role, event: ProtocolEvent
  ) throws(ProtocolError) -> ProtocolState {
    let isIncoming = sender != role
    // A finished client drops whatever still arrives (3.21's stray `fe 205`).
    if isFinal && isIncoming && role == .client { return self }
    guard message.sender == sender else {
      // iperf3 servers ignore a TEST_START echoed by a client.
      if message == .testStart && sender == .client && role == .server && !isFinal {
        return self
      }
      throw .wrongSender(message, sentBy: sender)
    }
    if message.isAbort {
      guard !isFinal else { throw unexpected(event) }
      return .terminated(message)
    }
    switch message {
    case .paramExchange: return try expecting(.awaitingParamExchange, then: .paramExchange, event)
    case .createStreams: return try expecting(.awaitingCreateStreams, then: .createStreams, event)
    case .testStart: return try expecting(.createStreams, then: .testStart, event)
    case .testRunning: return try expecting(.testStart, then: .testRunning, event)
    case .testEnd: return try expecting(.testRunning, then: .testEnd, event)
    case .exchangeResults: return try expecting(.testEnd, then: .exchangeResults, event)
    case .displayResults:
      return try expecting(.awaitingDisplayResults, then: .displayResults, event)
    case .iperfDone: return try expecting(.displayResults, then: .done, event)
    case .accessDenied, .serverError, .serverTerminate, .clientTerminate:
      return .terminated(message)  // handled above
    }
  }

  private func expecting(
    _ required: ProtocolState, then result: ProtocolState, _ event: ProtocolEvent
  ) throws(ProtocolError) -> ProtocolState {
    guard self == required else { throw unexpected(event) }
    return result
  }

  private func unexpected(_ event: ProtocolEvent) -> ProtocolError {
    .unexpectedEvent(event: event.description, state: name)
  }
}

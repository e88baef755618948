/// The server's side of an iperf3 control conversation, without I/O.
///
/// The session appends what the socket returns to a ``ControlBuffer`` and asks
/// ``next(from:)`` for the next ``Step``; it sends whatever ``send(_:)`` and
/// ``results(_:)`` return. Every transition goes through
/// ``ProtocolState/next(on:role:)``. The order follows iperf3's
/// `iperf_handle_message_server()` in src/iperf_server_api.c.
public struct ServerConversation: Sendable {
  /// What the client sent.
  public enum Step: Sendable, Equatable {
    /// The cookie: the connection is a test's control connection.
    case cookie(Cookie)
    /// The parameters, decoded and validated; `typeMismatches` names keys of
    /// the wrong JSON type, which are ignored as iperf3 ignores them.
    case parameters(TestParameters, typeMismatches: [String])
    /// A state byte. A TEST_START echo (older clients) and, after
    /// DISPLAY_RESULTS, anything but IPERF_DONE leave ``state`` unchanged.
    case received(ControlMessage)
    /// The client's results, after EXCHANGE_RESULTS; answer with ``results(_:)``.
    case peerResults(TestResults)
  }

  public private(set) var state = ProtocolState.initial
  private var peerResultsRead = false

  public init() {}

  /// What the conversation reads next.
  public var awaiting: ControlItem {
    switch state {
    case .awaitingCookie: return .cookie
    case .paramExchange: return .parameters
    case .exchangeResults where !peerResultsRead: return .results
    default: return .stateByte
    }
  }

  /// A state byte the server sends, from PARAM_EXCHANGE to DISPLAY_RESULTS,
  /// or SERVER_TERMINATE.
  public mutating func send(_ message: ControlMessage) throws(ProtocolError) -> [UInt8] {
    state = try state.next(on: .sent(message), role: .server)
    return [message.byte]
  }

  /// The server's results frame, after ``Step/peerResults(_:)``.
  public mutating func results(_ results: TestResults) throws(ProtocolError) -> [UInt8] {
    guard peerResultsRead else {
      throw .unexpectedEvent(event: "sending results", state: state.name)
    }
    state = try state.next(on: .resultsExchanged, role: .server)
    return results.framed()
  }

  /// Pulls the next step from `buffer`; nil until the item is complete, and
  /// always nil once the test is over.
  public mutating func next(from buffer: inout ControlBuffer) throws(ConversationError) -> Step? {
    guard !state.isFinal else { return nil }
    switch awaiting {
    case .cookie:
      guard buffer.count >= Cookie.wireLength else { return nil }
      // iperf3 reads any 37 bytes; every real client sends 36 of a-z2-7 and a NUL.
      guard let cookie = buffer.nextCookie(), cookie.isWellFormed else { throw .notACookie }
      try transition(.cookieExchanged, .cookie)
      return .cookie(cookie)
    case .parameters:
      return try nextParameters(from: &buffer)
    case .results:
      let peer: TestResults
      do throws(ProtocolError) {
        guard let json = try buffer.nextFrame(maxLength: Framing.maximumClientResultsLength)
        else { return nil }
        peer = try TestResults(json: json)
      } catch {
        throw .malformed(.results, error)
      }
      peerResultsRead = true
      return .peerResults(peer)
    case .stateByte, .serverErrorCodes:
      let message: ControlMessage?
      do throws(ProtocolError) {
        message = try buffer.nextMessage()
      } catch {
        throw .malformed(.stateByte, error)
      }
      guard let message else { return nil }
      // After DISPLAY_RESULTS the server only waits for IPERF_DONE.
      if state == .displayResults && message != .iperfDone { return .received(message) }
      try transition(.received(message), .stateByte)
      return .received(message)
    }
  }

  private mutating func nextParameters(
    from buffer: inout ControlBuffer
  ) throws(ConversationError) -> Step? {
    var mismatches: [String] = []
    let parameters: TestParameters
    do throws(ProtocolError) {
      guard let json = try buffer.nextFrame(maxLength: Framing.maximumParameterLength)
      else { return nil }
      parameters = try TestParameters(json: json, typeMismatches: &mismatches)
      try parameters.validate()
    } catch {
      throw .malformed(.parameters, error)
    }
    guard parameters.transport != .sctp else { throw .unsupportedTransport(parameters.transport) }
    try transition(.paramsExchanged, .parameters)
    return .parameters(parameters, typeMismatches: mismatches)
  }

  private mutating func transition(
    _ event: ProtocolEvent, _ item: ControlItem
  ) throws(ConversationError) {
    do throws(ProtocolError) {
      state = try state.next(on: event, role: .server)
    } catch {
      throw .malformed(item, error)
    }
  }
}

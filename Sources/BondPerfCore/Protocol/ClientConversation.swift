/// The client's side of an iperf3 control conversation, without I/O.
///
/// The session appends what the socket returns to a ``ControlBuffer`` and asks
/// ``next(from:)`` for the next ``Step``; it sends whatever the answering
/// methods (``start(cookie:)``, ``parameters(_:)``, ``send(_:)``,
/// ``results(_:)``) return. Every transition goes through
/// ``ProtocolState/next(on:role:)``, so a server that sends out of turn is
/// caught here. The order follows iperf3's `iperf_handle_message_client()` in
/// src/iperf_client_api.c.
public struct ClientConversation: Sendable {
  /// What the server said, and what the client must do about it.
  public enum Step: Sendable, Equatable, CustomStringConvertible {
    /// PARAM_EXCHANGE: send ``parameters(_:)``.
    case sendParameters
    /// CREATE_STREAMS: open the data connections.
    case openStreams
    /// TEST_START.
    case testStarted
    /// TEST_RUNNING: data flows; send TEST_END when the test is over.
    case testRunning
    /// EXCHANGE_RESULTS: send ``results(_:)``.
    case sendResults
    /// The server's results.
    case peerResults(TestResults)
    /// DISPLAY_RESULTS: report, then send IPERF_DONE.
    case displayResults
    /// The server ended the test: ACCESS_DENIED, SERVER_TERMINATE, or
    /// SERVER_ERROR with its two codes.
    case refused(ControlMessage, codes: ServerErrorCodes?)

    /// The message's iperf3 name, for example `PARAM_EXCHANGE`.
    public var description: String {
      switch self {
      case .sendParameters: return ControlMessage.paramExchange.name
      case .openStreams: return ControlMessage.createStreams.name
      case .testStarted: return ControlMessage.testStart.name
      case .testRunning: return ControlMessage.testRunning.name
      case .sendResults: return ControlMessage.exchangeResults.name
      case .peerResults: return "the server's results"
      case .displayResults: return ControlMessage.displayResults.name
      case .refused(let message, _): return message.name
      }
    }
  }

  /// The two integers after SERVER_ERROR.
  public struct ServerErrorCodes: Sendable, Hashable {
    /// iperf3's error code (`i_errno`).
    public var code: IperfErrorCode
    /// The server's C `errno`, 0 if none.
    public var errno: Int32

    public init(code: IperfErrorCode, errno: Int32) {
      self.code = code
      self.errno = errno
    }
  }

  public private(set) var state = ProtocolState.initial
  /// Bytes the finished client dropped (a 3.21 server's stray `fe 205`).
  public private(set) var ignoredByteCount = 0
  private var resultsSent = false
  private var serverErrorCodesRead = false

  public init() {}

  /// Whether the conversation is over: IPERF_DONE sent, or the server
  /// refused the test (and SERVER_ERROR's codes, if any, are in).
  public var isFinished: Bool { state.isFinal && awaiting == .stateByte }

  /// What the conversation reads next.
  public var awaiting: ControlItem {
    if state == .terminated(.serverError) && !serverErrorCodesRead { return .serverErrorCodes }
    if state == .exchangeResults && resultsSent { return .results }
    return .stateByte
  }

  /// Opens the conversation: the cookie's 37 bytes to send.
  public mutating func start(cookie: Cookie) throws(ProtocolError) -> [UInt8] {
    state = try state.next(on: .cookieExchanged, role: .client)
    return Array(cookie.wireBytes)
  }

  /// The parameter frame to send after ``Step/sendParameters``.
  public mutating func parameters(_ parameters: TestParameters) throws(ProtocolError) -> [UInt8] {
    let frame = try parameters.framed()
    state = try state.next(on: .paramsExchanged, role: .client)
    return frame
  }

  /// A state byte the client sends: TEST_END, IPERF_DONE or CLIENT_TERMINATE.
  public mutating func send(_ message: ControlMessage) throws(ProtocolError) -> [UInt8] {
    state = try state.next(on: .sent(message), role: .client)
    return [message.byte]
  }

  /// The client's results frame, after ``Step/sendResults``.
  public mutating func results(_ results: TestResults) throws(ProtocolError) -> [UInt8] {
    guard state == .exchangeResults, !resultsSent else {
      throw .unexpectedEvent(event: "sending results", state: state.name)
    }
    resultsSent = true
    return results.framed()
  }

  /// Pulls the next step from `buffer`; nil until the item is complete.
  ///
  /// Once the test is over (IPERF_DONE sent, or refused), whatever arrives is
  /// dropped, as iperf3's client does.
  public mutating func next(from buffer: inout ControlBuffer) throws(ConversationError) -> Step? {
    switch awaiting {
    case .serverErrorCodes:
      guard let codes = buffer.nextServerError() else { return nil }
      serverErrorCodesRead = true
      return .refused(
        .serverError,
        codes: ServerErrorCodes(
          code: IperfErrorCode(rawValue: codes.iperfErrno), errno: codes.errno))
    case .results:
      let json: JSONValue?
      do throws(ProtocolError) {
        json = try buffer.nextFrame(maxLength: Framing.maximumResultsLength)
      } catch {
        throw .malformed(.results, error)
      }
      guard let json else { return nil }
      let peer: TestResults
      do throws(ProtocolError) {
        peer = try TestResults(json: json)
        state = try state.next(on: .resultsExchanged, role: .client)
      } catch {
        throw .malformed(.results, error)
      }
      return .peerResults(peer)
    case .stateByte, .cookie, .parameters:
      if state.ignoresIncomingBytes {
        ignoredByteCount += buffer.count
        buffer.discardAll()
        return nil
      }
      let message: ControlMessage?
      do throws(ProtocolError) {
        message = try buffer.nextMessage()
        if let message { state = try state.next(on: .received(message), role: .client) }
      } catch {
        throw .malformed(.stateByte, error)
      }
      guard let message else { return nil }
      // SERVER_ERROR's codes follow it, often in the same segment.
      if message == .serverError { return try next(from: &buffer) }
      return step(after: message)
    }
  }

  private func step(after message: ControlMessage) -> Step {
    switch message {
    case .paramExchange: return .sendParameters
    case .createStreams: return .openStreams
    case .testStart: return .testStarted
    case .testRunning: return .testRunning
    case .exchangeResults: return .sendResults
    case .displayResults: return .displayResults
    default: return .refused(message, codes: nil)
    }
  }
}

/// Drives one side's real conversation (``ServerConversation`` or
/// ``ClientConversation``, the types the sessions use) with the bytes it
/// receives, answering each step as the session would.
///
/// It is the single entry point for the protocol fuzz target and the
/// random-input tests: any byte sequence yields a ``ControlStreamOutcome``,
/// never a trap. The bytes reach the ``ControlBuffer`` in chunks, as `recv`
/// would return them, so items split across reads are exercised too.
///
/// As a **server** it reads what a client sends; the data connections are
/// taken to open at once (CREATE_STREAMS is followed by TEST_START and
/// TEST_RUNNING with no client bytes in between) and TEST_END is answered
/// with EXCHANGE_RESULTS. As a **client** it reads what a server sends,
/// answering PARAM_EXCHANGE with default parameters, TEST_RUNNING with
/// TEST_END and EXCHANGE_RESULTS with empty results; whatever follows
/// IPERF_DONE or a refusal is dropped.
public struct ControlStreamDecoder: Sendable {
  /// The side doing the decoding.
  public var role: Role
  /// The largest chunk handed to the buffer at once; 0 hands over everything.
  public var maximumChunkLength: Int
  /// Seeds the chunk lengths (1...``maximumChunkLength``, pseudo-random).
  public var chunkSeed: UInt64

  /// Bytes of the fuzz-input header read by ``init(fuzzInput:)``.
  public static let fuzzHeaderLength = 2

  public init(role: Role, maximumChunkLength: Int = 0, chunkSeed: UInt64 = 0) {
    self.role = role
    self.maximumChunkLength = maximumChunkLength
    self.chunkSeed = chunkSeed
  }

  /// Splits a fuzz input into a decoder and the byte stream to decode.
  ///
  /// Byte 0: bit 0 picks the role (0 server, 1 client), bits 1-7 seed the chunk
  /// lengths. Byte 1: the largest chunk (0 for one chunk). The rest is the
  /// stream. Inputs shorter than the header decode an empty stream as a server.
  public init(fuzzInput: some Collection<UInt8>) {
    let header = Array(fuzzInput.prefix(ControlStreamDecoder.fuzzHeaderLength))
    let flags = header.first ?? 0
    self.init(
      role: flags & 1 == 0 ? .server : .client,
      maximumChunkLength: header.count > 1 ? Int(header[1]) : 0,
      chunkSeed: UInt64(flags >> 1))
  }

  /// The fuzz-input header that makes ``init(fuzzInput:)`` build this decoder
  /// (chunk lengths above 255 and seeds above 127 don't fit).
  public var fuzzHeader: [UInt8] {
    [
      UInt8(truncatingIfNeeded: chunkSeed << 1) | (role == .client ? 1 : 0),
      UInt8(clamping: maximumChunkLength),
    ]
  }

  /// Decodes the fuzz input's stream with the decoder its header describes.
  public static func decode(fuzzInput: some Collection<UInt8>) -> ControlStreamOutcome {
    let decoder = ControlStreamDecoder(fuzzInput: fuzzInput)
    return decoder.decode(fuzzInput.dropFirst(fuzzHeaderLength))
  }

  /// Decodes `bytes` as what this side receives on a control connection.
  public func decode(_ bytes: some Collection<UInt8>) -> ControlStreamOutcome {
    var reader = ControlStreamReader(
      bytes: Array(bytes), maximumChunkLength: maximumChunkLength, seed: chunkSeed)
    var outcome = ControlStreamOutcome(role: role)
    do {
      switch role {
      case .server: try decodeAsServer(&reader, &outcome)
      case .client: try decodeAsClient(&reader, &outcome)
      }
    } catch {
      outcome.failure = error
    }
    outcome.consumedByteCount = reader.consumedByteCount
    outcome.unconsumedByteCount = reader.unconsumedByteCount
    outcome.ignoredByteCount = reader.ignoredByteCount
    return outcome
  }

  private func decodeAsServer(
    _ reader: inout ControlStreamReader, _ outcome: inout ControlStreamOutcome
  ) throws(ControlStreamError) {
    var conversation = ServerConversation()
    defer { outcome.state = conversation.state }
    while !conversation.state.isFinal {
      let next = { (buffer: inout ControlBuffer) throws(ConversationError) in
        try conversation.next(from: &buffer)
      }
      guard let step = try reader.pull(next) else {
        throw .truncated(waitingFor: conversation.awaiting)
      }
      do throws(ProtocolError) {
        switch step {
        case .cookie(let cookie):
          outcome.cookie = cookie
          _ = try conversation.send(.paramExchange)
        case .parameters(let parameters, let mismatches):
          outcome.parameters = parameters
          outcome.parameterTypeMismatches = mismatches
          for message in [ControlMessage.createStreams, .testStart, .testRunning] {
            _ = try conversation.send(message)
          }
        case .received(let message):
          outcome.messages.append(message)
          if conversation.state == .testEnd { _ = try conversation.send(.exchangeResults) }
        case .peerResults(let results):
          outcome.peerResults = results
          _ = try conversation.results(Self.emptyResults)
          _ = try conversation.send(.displayResults)
        }
      } catch {
        throw .rejected(.malformed(conversation.awaiting, error))
      }
    }
  }

  private func decodeAsClient(
    _ reader: inout ControlStreamReader, _ outcome: inout ControlStreamOutcome
  ) throws(ControlStreamError) {
    var conversation = ClientConversation()
    defer { outcome.state = conversation.state }
    do throws(ProtocolError) {
      _ = try conversation.start(cookie: Self.cookie)
    } catch {
      throw .rejected(.malformed(.cookie, error))
    }
    while !conversation.isFinished {
      let next = { (buffer: inout ControlBuffer) throws(ConversationError) in
        try conversation.next(from: &buffer)
      }
      guard let step = try reader.pull(next) else {
        throw .truncated(waitingFor: conversation.awaiting)
      }
      if let message = Self.message(of: step) { outcome.messages.append(message) }
      do throws(ProtocolError) {
        switch step {
        case .sendParameters: _ = try conversation.parameters(TestParameters())
        case .openStreams, .testStarted: break
        case .testRunning: _ = try conversation.send(.testEnd)
        case .sendResults: _ = try conversation.results(Self.emptyResults)
        case .peerResults(let results): outcome.peerResults = results
        case .displayResults: _ = try conversation.send(.iperfDone)
        case .refused(_, let codes): outcome.serverError = codes
        }
      } catch {
        throw .rejected(.malformed(conversation.awaiting, error))
      }
    }
    reader.ignoreRest()
  }

  /// The state byte behind a client step (SERVER_ERROR's once its codes are in).
  private static func message(of step: ClientConversation.Step) -> ControlMessage? {
    switch step {
    case .sendParameters: return .paramExchange
    case .openStreams: return .createStreams
    case .testStarted: return .testStart
    case .testRunning: return .testRunning
    case .sendResults: return .exchangeResults
    case .peerResults: return nil
    case .displayResults: return .displayResults
    case .refused(let message, _): return message
    }
  }

  private static let cookie = Cookie.random()

  private static let emptyResults = TestResults(
    cpuUtilTotal: 0, cpuUtilUser: 0, cpuUtilSystem: 0, senderHasRetransmits: -1,
    congestionUsed: nil, streams: [], extra: [])
}

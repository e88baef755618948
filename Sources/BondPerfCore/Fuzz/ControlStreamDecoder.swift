/// Drives the bytes one side of a control connection receives through the
/// same decoders, in the same order, as bondperf's client and server do.
///
/// It is the single entry point for the protocol fuzz target and the
/// random-input tests: any byte sequence yields a ``ControlStreamOutcome``,
/// never a trap. The bytes reach the ``ControlBuffer`` in chunks, as `recv`
/// would return them, so items split across reads are exercised too.
///
/// As a **server** it reads what a client sends: the cookie, then (after
/// PARAM_EXCHANGE) the parameter frame, capped at
/// ``Framing/maximumParameterLength``, decoded by ``TestParameters/init(json:typeMismatches:)``
/// and checked by ``TestParameters/validate()``; then state bytes until
/// TEST_END (a TEST_START echo is ignored, CLIENT_TERMINATE aborts); then the
/// client's results frame (``TestResults/init(json:)``); then state bytes
/// until IPERF_DONE, ignoring others as the server does (an undefined byte is
/// reported as a failure; it ends the server's wait too). The data connections
/// are taken to open at once: CREATE_STREAMS is followed by TEST_START and
/// TEST_RUNNING with no client bytes in between.
///
/// As a **client** it reads what a server sends: PARAM_EXCHANGE,
/// CREATE_STREAMS, TEST_START, TEST_RUNNING, then (having sent TEST_END)
/// EXCHANGE_RESULTS, the server's results frame and DISPLAY_RESULTS. Any
/// ACCESS_DENIED, SERVER_TERMINATE or SERVER_ERROR (with its two `Int32`s)
/// ends the test; whatever follows IPERF_DONE or an abort is dropped.
/// Every transition goes through ``ProtocolState/next(on:role:)``.
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
    outcome.cookie = try reader.pull(.cookie) { buffer in buffer.nextCookie() }
    try advance(&outcome, .cookieExchanged, .parameters)
    try advance(&outcome, .sent(.paramExchange), .parameters)

    let json = try reader.pull(.parameters) { (buffer) throws(ProtocolError) in
      try buffer.nextFrame(maxLength: Framing.maximumParameterLength)
    }
    var mismatches: [String] = []
    let parameters: TestParameters
    do {
      parameters = try TestParameters(json: json, typeMismatches: &mismatches)
      try parameters.validate()
    } catch {
      throw .malformed(.parameters, error)
    }
    outcome.parameterTypeMismatches = mismatches
    guard parameters.transport == .tcp else { throw .unsupportedTransport(parameters.transport) }
    outcome.parameters = parameters
    for event in [
      ProtocolEvent.paramsExchanged, .sent(.createStreams), .sent(.testStart),
      .sent(.testRunning),
    ] {
      try advance(&outcome, event, .parameters)
    }

    // Until TEST_END: ProtocolState ignores a TEST_START echo and rejects the rest.
    while outcome.state != .testEnd {
      let message = try pullMessage(&reader, &outcome)
      try advance(&outcome, .received(message), .stateByte)
      if outcome.state.isFinal { return }  // CLIENT_TERMINATE
    }

    try advance(&outcome, .sent(.exchangeResults), .stateByte)
    outcome.peerResults = try pullResults(&reader)
    try advance(&outcome, .resultsExchanged, .results)
    try advance(&outcome, .sent(.displayResults), .results)

    // The server waits for IPERF_DONE and ignores anything else.
    while !outcome.state.isFinal {
      let message = try pullMessage(&reader, &outcome)
      if message == .iperfDone { try advance(&outcome, .received(message), .stateByte) }
    }
  }

  private func decodeAsClient(
    _ reader: inout ControlStreamReader, _ outcome: inout ControlStreamOutcome
  ) throws(ControlStreamError) {
    try advance(&outcome, .cookieExchanged, .stateByte)
    // ProtocolState enforces the order 09 0a 01 02 0d; the client's own
    // messages follow PARAM_EXCHANGE (its parameters) and TEST_RUNNING (TEST_END).
    let sentAfter: [[ProtocolEvent]] = [[.paramsExchanged], [], [], [.sent(.testEnd)], []]
    for events in sentAfter {
      guard try receiveAsClient(&reader, &outcome) else { return }
      for event in events { try advance(&outcome, event, .stateByte) }
    }
    outcome.peerResults = try pullResults(&reader)
    try advance(&outcome, .resultsExchanged, .results)
    guard try receiveAsClient(&reader, &outcome) else { return }
    try advance(&outcome, .sent(.iperfDone), .stateByte)
    reader.ignoreRest()
  }

  /// Reads one state byte as the client; false when it ended the test (then
  /// the rest of the input is ignored).
  private func receiveAsClient(
    _ reader: inout ControlStreamReader, _ outcome: inout ControlStreamOutcome
  ) throws(ControlStreamError) -> Bool {
    let message = try pullMessage(&reader, &outcome)
    try advance(&outcome, .received(message), .stateByte)
    guard outcome.state.isFinal else { return true }
    if message == .serverError {
      let codes = try reader.pull(.serverErrorCodes) { buffer in buffer.nextServerError() }
      outcome.serverError = .init(
        code: IperfErrorCode(rawValue: codes.iperfErrno), errno: codes.errno)
    }
    reader.ignoreRest()
    return false
  }

  private func pullMessage(
    _ reader: inout ControlStreamReader, _ outcome: inout ControlStreamOutcome
  ) throws(ControlStreamError) -> ControlMessage {
    let message = try reader.pull(.stateByte) { (buffer) throws(ProtocolError) in
      try buffer.nextMessage()
    }
    outcome.messages.append(message)
    return message
  }

  private func pullResults(_ reader: inout ControlStreamReader) throws(ControlStreamError)
    -> TestResults
  {
    let json = try reader.pull(.results) { (buffer) throws(ProtocolError) in
      try buffer.nextFrame(maxLength: Framing.maximumResultsLength)
    }
    do {
      return try TestResults(json: json)
    } catch {
      throw .malformed(.results, error)
    }
  }

  private func advance(
    _ outcome: inout ControlStreamOutcome, _ event: ProtocolEvent, _ item: ControlStreamError.Item
  ) throws(ControlStreamError) {
    do {
      outcome.state = try outcome.state.next(on: event, role: role)
    } catch {
      throw .malformed(item, error)
    }
  }
}

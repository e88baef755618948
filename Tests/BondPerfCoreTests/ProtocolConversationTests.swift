import Testing

@testable import BondPerfCore

/// Replays captured control conversations through the sessions' own
/// ``ClientConversation`` and ``ServerConversation``.
struct ProtocolConversationTests {
  enum Feeding: CaseIterable, Sendable {
    case asCaptured, allAtOnce, byteByByte
  }

  static let cases: [(ProtocolFixtures.Transcript, Feeding)] = ProtocolFixtures.transcripts
    .flatMap { transcript in Feeding.allCases.map { (transcript, $0) } }

  private func chunks(_ segments: [[UInt8]], _ feeding: Feeding) -> [[UInt8]] {
    switch feeding {
    case .asCaptured: return segments
    case .allAtOnce: return [segments.flatMap { $0 }]
    case .byteByByte: return segments.flatMap { $0 }.map { [$0] }
    }
  }

  /// The client session's conversation, fed the server's bytes; records what
  /// it sends (result frames as captured, since doubles may print differently).
  struct ClientDriver {
    var conversation = ClientConversation()
    var buffer = ControlBuffer()
    var sent: [[UInt8]] = []
    var received: [String] = []
    let transcript: ProtocolFixtures.Transcript

    init(transcript: ProtocolFixtures.Transcript) throws {
      self.transcript = transcript
      let cookie = try #require(Cookie(text: transcript.cookie))
      sent.append(try conversation.start(cookie: cookie))
    }

    var state: ProtocolState { conversation.state }

    mutating func feed(_ bytes: [UInt8]) throws {
      buffer.append(contentsOf: bytes)
      while let step = try conversation.next(from: &buffer) {
        switch step {
        case .peerResults(let results): received.append("results \(results.streams.count)")
        default: received.append(step.description)
        }
        switch step {
        case .sendParameters:
          let parameters = try TestParameters(json: JSONValue.parse(Array(transcript.params.utf8)))
          sent.append(try conversation.parameters(parameters))
        case .testRunning:
          sent.append(try conversation.send(.testEnd))
        case .sendResults:
          let raw = Array(transcript.clientResults.utf8)
          _ = try conversation.results(try TestResults(bytes: raw))
          sent.append(Framing.frame(raw))
        case .displayResults:
          sent.append(try conversation.send(.iperfDone))
        default:
          break
        }
      }
    }
  }

  /// The server session's conversation, fed the client's bytes; records what
  /// it sends (its result frame as captured).
  struct ServerDriver {
    var conversation = ServerConversation()
    var buffer = ControlBuffer()
    var sent: [[UInt8]] = []
    var parameters: TestParameters?
    var clientResults: TestResults?
    let transcript: ProtocolFixtures.Transcript

    var state: ProtocolState { conversation.state }

    mutating func feed(_ bytes: [UInt8]) throws {
      buffer.append(contentsOf: bytes)
      while let step = try conversation.next(from: &buffer) {
        switch step {
        case .cookie(let cookie):
          #expect(cookie.text == transcript.cookie)
          sent.append(try conversation.send(.paramExchange))
        case .parameters(let decoded, _):
          parameters = decoded
          sent.append(try conversation.send(.createStreams))
          // The data connections are accepted here.
          sent.append(try conversation.send(.testStart) + conversation.send(.testRunning))
        case .received(let message):
          if message == .testEnd { sent.append(try conversation.send(.exchangeResults)) }
        case .peerResults(let results):
          clientResults = results
          let raw = Array(transcript.serverResults.utf8)
          _ = try conversation.results(try TestResults(bytes: raw))
          sent.append(Framing.frame(raw) + (try conversation.send(.displayResults)))
        }
      }
    }
  }

  @Test(arguments: cases)
  func clientFollowsServerBytes(transcript: ProtocolFixtures.Transcript, feeding: Feeding) throws {
    var client = try ClientDriver(transcript: transcript)
    for chunk in chunks(transcript.serverToClient, feeding) {
      try client.feed(chunk)
    }
    #expect(client.state == .done)
    #expect(client.sent.flatMap { $0 } == transcript.clientToServer.flatMap { $0 })
    #expect(
      client.received == [
        "PARAM_EXCHANGE", "CREATE_STREAMS", "TEST_START", "TEST_RUNNING", "EXCHANGE_RESULTS",
        "results \(transcript.name.contains("bidir") ? 4 : 2)", "DISPLAY_RESULTS",
      ])
    #expect(client.buffer.isEmpty)
  }

  @Test(arguments: cases)
  func serverFollowsClientBytes(transcript: ProtocolFixtures.Transcript, feeding: Feeding) throws {
    var server = ServerDriver(transcript: transcript)
    for chunk in chunks(transcript.clientToServer, feeding) {
      try server.feed(chunk)
    }
    #expect(server.state == .done)
    let expected = transcript.serverToClient.flatMap { $0 }.dropLast(
      transcript.trailingServerBytes.count)
    #expect(server.sent.flatMap { $0 } == Array(expected))
    let params = try #require(server.parameters)
    #expect(String(decoding: params.encoded(), as: UTF8.self) == transcript.params)
    #expect(server.clientResults == (try TestResults(bytes: Array(transcript.clientResults.utf8))))
    #expect(server.buffer.isEmpty)
  }

  @Test func coalescedMessagesComeOutOneAtATime() throws {
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0x01, 0x02])
    #expect(try buffer.nextMessage() == .testStart)
    #expect(try buffer.nextMessage() == .testRunning)
    #expect(try buffer.nextMessage() == nil)

    let results = Array(ProtocolFixtures.normalServerResults.utf8)
    buffer.append(contentsOf: Framing.frame(results) + [0x0e])
    let json = try #require(try buffer.nextFrame(maxLength: Framing.maximumResultsLength))
    #expect(try TestResults(json: json).senderHasRetransmits == -1)
    #expect(try buffer.nextMessage() == .displayResults)
    #expect(buffer.isEmpty)
  }

  @Test func unknownStateByteIsNamedAndNotConsumed() {
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0x07, 0x01])
    #expect(throws: ProtocolError.unknownControlMessage(0x07)) { try buffer.nextMessage() }
    #expect(buffer.count == 2)
    #expect(
      ProtocolError.unknownControlMessage(0x07).description
        == "received an unknown control message 0x07")
  }

  @Test func badFrameLengthsFailWithoutReadingTheBody() throws {
    var zero = ControlBuffer()
    zero.append(contentsOf: [0, 0, 0, 0, 0x7b, 0x7d])
    #expect(throws: ProtocolError.invalidFrameLength(0, maximum: 8192)) {
      try zero.nextFrame(maxLength: 8192)
    }
    #expect(zero.count == 6)

    var huge = ControlBuffer()
    huge.append(contentsOf: [0x02, 0xfa, 0xf0, 0x80])  // 50,000,000, body never sent
    #expect(throws: ProtocolError.invalidFrameLength(50_000_000, maximum: 8192)) {
      try huge.nextFrame(maxLength: 8192)
    }
    var justOver = ControlBuffer()
    justOver.append(contentsOf: [0x00, 0x00, 0x20, 0x01])
    #expect(throws: ProtocolError.self) { try justOver.nextFrame(maxLength: 8192) }
    var max = ControlBuffer()
    max.append(contentsOf: Framing.frame(Array(repeating: 0x20, count: 8190) + [0x7b, 0x7d]))
    #expect(try max.nextFrame(maxLength: 8192) == .object([]))
  }

  @Test func truncatedFramesWaitForMoreBytes() throws {
    let framed = Framing.frame(Array(ProtocolFixtures.params312Default.utf8))
    var buffer = ControlBuffer()
    for (index, byte) in framed.enumerated() {
      #expect(try buffer.nextFrame(maxLength: 8192) == nil, "at byte \(index)")
      buffer.append(contentsOf: [byte])
    }
    let json = try #require(try buffer.nextFrame(maxLength: 8192))
    #expect(json["parallel"] == 2)
  }

  @Test func malformedFrameBodyIsAnError() {
    var buffer = ControlBuffer()
    let body = Array(#"{"tcp":true, "time": "#.utf8)
    buffer.append(contentsOf: Framing.frame(body))
    #expect(throws: ProtocolError.self) { try buffer.nextFrame(maxLength: 8192) }
    #expect(buffer.isEmpty)
  }

  @Test func serverErrorCarriesTwoBigEndianIntegers() throws {
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0xfe, 0, 0, 0, 0x72, 0, 0, 0])
    #expect(try buffer.nextMessage() == .serverError)
    let early = buffer.nextServerError()
    #expect(early == nil)
    buffer.append(contentsOf: [0])
    let pulled = buffer.nextServerError()
    let error = try #require(pulled)
    #expect(error.iperfErrno == 114)
    #expect(error.errno == 0)
    buffer.append(contentsOf: [0xff, 0xff, 0xff, 0xfe, 0x80, 0, 0, 0])
    let pulledNegative = buffer.nextServerError()
    let negative = try #require(pulledNegative)
    #expect(negative.iperfErrno == -2)
    #expect(negative.errno == Int32.min)
  }

  @Test func cookieNeedsAll37Bytes() throws {
    var buffer = ControlBuffer()
    let cookie = Cookie.random()
    buffer.append(contentsOf: cookie.wireBytes.prefix(36))
    let early = buffer.nextCookie()
    #expect(early == nil)
    buffer.append(contentsOf: cookie.wireBytes.suffix(1) + [0x09])
    let pulled = buffer.nextCookie()
    #expect(pulled == cookie)
    #expect(try buffer.nextMessage() == .paramExchange)
  }

  @Test func randomControlBytesNeverCrash() {
    var generator = SplitMix64(seed: 42)
    for _ in 0..<500 {
      var buffer = ControlBuffer()
      var state = ProtocolState.initial
      let length = Int(generator.next() % 64)
      buffer.append(
        contentsOf: (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
      var steps = 0
      while steps < 100 {
        steps += 1
        do {
          if generator.next() % 3 == 0 {
            guard try buffer.nextFrame(maxLength: 8192) != nil else { break }
          } else {
            guard let message = try buffer.nextMessage() else { break }
            state = (try? state.next(on: .received(message), role: .client)) ?? state
          }
        } catch {
          #expect(!error.description.isEmpty)
          buffer.discardAll()
        }
      }
      _ = buffer.nextServerError()
      _ = buffer.nextCookie()
    }
  }

  @Test func accessDeniedEndsAClientAtOnce() throws {
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0xff])
    var state = try ProtocolState.initial.next(on: .cookieExchanged, role: .client)
    state = try state.next(on: .received(try #require(try buffer.nextMessage())), role: .client)
    #expect(state == .terminated(.accessDenied))
    #expect(
      IperfErrorCode.accessDenied.text == "the server is busy running a test. try again later")
  }
}

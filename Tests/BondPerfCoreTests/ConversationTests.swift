import Testing

@testable import BondPerfCore

/// ``ClientConversation`` and ``ServerConversation`` step by step: the cases
/// the captured transcripts (``ProtocolConversationTests``) don't reach.
struct ConversationTests {
  static let cookie = Cookie.random()

  /// A server conversation past PARAM_EXCHANGE's answer and TEST_RUNNING.
  static func runningServer() throws -> (ServerConversation, ControlBuffer) {
    var server = ServerConversation()
    var buffer = ControlBuffer()
    buffer.append(contentsOf: cookie.wireBytes)
    #expect(try server.next(from: &buffer) == .cookie(cookie))
    _ = try server.send(.paramExchange)
    buffer.append(contentsOf: try TestParameters().framed())
    guard case .parameters = try server.next(from: &buffer) else {
      Issue.record("no parameters step")
      return (server, buffer)
    }
    for message in [ControlMessage.createStreams, .testStart, .testRunning] {
      _ = try server.send(message)
    }
    return (server, buffer)
  }

  @Test func serverRefusesBytesThatAreNotACookie() {
    var server = ServerConversation()
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [UInt8](repeating: 0x41, count: Cookie.wireLength))
    #expect(throws: ConversationError.notACookie) { try server.next(from: &buffer) }
    #expect(server.state == .awaitingCookie)
  }

  @Test func serverWaitsForAWholeCookie() throws {
    var server = ServerConversation()
    var buffer = ControlBuffer()
    buffer.append(contentsOf: ConversationTests.cookie.wireBytes.prefix(36))
    #expect(try server.next(from: &buffer) == nil)
    #expect(server.awaiting == .cookie)
  }

  @Test func serverRefusesSCTPAndAcceptsUDPParameters() throws {
    var server = ServerConversation()
    var buffer = ControlBuffer()
    buffer.append(contentsOf: ConversationTests.cookie.wireBytes)
    _ = try server.next(from: &buffer)
    _ = try server.send(.paramExchange)
    buffer.append(contentsOf: Framing.frame(Array(#"{"sctp":true,"parallel":1,"len":1460}"#.utf8)))
    #expect(throws: ConversationError.unsupportedTransport(.sctp)) {
      try server.next(from: &buffer)
    }
    var udpServer = ServerConversation()
    var udpBuffer = ControlBuffer()
    udpBuffer.append(contentsOf: ConversationTests.cookie.wireBytes)
    _ = try udpServer.next(from: &udpBuffer)
    _ = try udpServer.send(.paramExchange)
    udpBuffer.append(
      contentsOf: Framing.frame(
        Array(
          #"{"udp":true,"parallel":1,"len":1460,"bandwidth":1048576,"udp_counters_64bit":1}"#.utf8))
    )
    guard case .parameters(let parameters, _) = try udpServer.next(from: &udpBuffer) else {
      Issue.record("no parameters")
      return
    }
    #expect(parameters.transport == .udp)
    #expect(parameters.udpCounters64Bit)
    #expect(parameters.bandwidth == 1_048_576)
  }

  @Test func serverIgnoresATestStartEchoAndEndsOnTestEnd() throws {
    var (server, buffer) = try ConversationTests.runningServer()
    buffer.append(contentsOf: [ControlMessage.testStart.byte, ControlMessage.testEnd.byte])
    #expect(try server.next(from: &buffer) == .received(.testStart))
    #expect(server.state == .testRunning)
    #expect(try server.next(from: &buffer) == .received(.testEnd))
    #expect(server.state == .testEnd)
  }

  @Test func serverRejectsAMessageOutOfTurn() throws {
    var (server, buffer) = try ConversationTests.runningServer()
    buffer.append(contentsOf: [ControlMessage.iperfDone.byte])
    #expect(throws: ConversationError.self) { try server.next(from: &buffer) }
  }

  @Test func serverCannotSendResultsBeforeReadingTheClients() throws {
    var (server, buffer) = try ConversationTests.runningServer()
    buffer.append(contentsOf: [ControlMessage.testEnd.byte])
    _ = try server.next(from: &buffer)
    _ = try server.send(.exchangeResults)
    let results = TestResults(
      cpuUtilTotal: 0, cpuUtilUser: 0, cpuUtilSystem: 0, senderHasRetransmits: -1, streams: [])
    #expect(throws: ProtocolError.self) { try server.results(results) }
    buffer.append(contentsOf: results.framed())
    #expect(try server.next(from: &buffer) == .peerResults(results))
    _ = try server.results(results)
    #expect(server.state == .awaitingDisplayResults)
    _ = try server.send(.displayResults)
    // After DISPLAY_RESULTS only IPERF_DONE moves the server on.
    buffer.append(contentsOf: [ControlMessage.testStart.byte, ControlMessage.iperfDone.byte])
    #expect(try server.next(from: &buffer) == .received(.testStart))
    #expect(server.state == .displayResults)
    #expect(try server.next(from: &buffer) == .received(.iperfDone))
    #expect(server.state == .done)
    #expect(try server.next(from: &buffer) == nil)
  }

  @Test(arguments: [1, 2, 5, 9])
  func clientReadsServerErrorCodesSplitAnywhere(split: Int) throws {
    var client = ClientConversation()
    _ = try client.start(cookie: ConversationTests.cookie)
    let bytes: [UInt8] = [0x09, 0xfe, 0, 0, 0, 0x72, 0, 0, 0, 0x05]
    var buffer = ControlBuffer()
    buffer.append(contentsOf: bytes.prefix(split))
    var steps: [ClientConversation.Step] = []
    while let step = try client.next(from: &buffer) { steps.append(step) }
    buffer.append(contentsOf: bytes.dropFirst(split))
    while let step = try client.next(from: &buffer) { steps.append(step) }
    #expect(
      steps == [
        .sendParameters,
        .refused(.serverError, codes: .init(code: .receiveParameters, errno: 5)),
      ])
    #expect(client.isFinished)
    #expect(client.state == .terminated(.serverError))
  }

  @Test func clientDropsWhateverFollowsIperfDone() throws {
    var client = ClientConversation()
    _ = try client.start(cookie: ConversationTests.cookie)
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [0x09])
    #expect(try client.next(from: &buffer) == .sendParameters)
    _ = try client.parameters(TestParameters())
    buffer.append(contentsOf: [0x0a, 0x01, 0x02])
    #expect(try client.next(from: &buffer) == .openStreams)
    #expect(try client.next(from: &buffer) == .testStarted)
    #expect(try client.next(from: &buffer) == .testRunning)
    #expect(throws: ProtocolError.self) { try client.send(.iperfDone) }
    _ = try client.send(.testEnd)
    buffer.append(contentsOf: [0x0d])
    #expect(try client.next(from: &buffer) == .sendResults)
    #expect(client.awaiting == .stateByte)
    let results = TestResults(
      cpuUtilTotal: 1, cpuUtilUser: 1, cpuUtilSystem: 0, senderHasRetransmits: 1, streams: [])
    _ = try client.results(results)
    #expect(throws: ProtocolError.self) { try client.results(results) }
    #expect(client.awaiting == .results)
    buffer.append(contentsOf: results.framed() + [0x0e])
    #expect(try client.next(from: &buffer) == .peerResults(results))
    #expect(try client.next(from: &buffer) == .displayResults)
    #expect(try client.send(.iperfDone) == [ControlMessage.iperfDone.byte])
    buffer.append(contentsOf: [0xfe, 0, 0, 0, 0xcd, 0, 0, 0, 0])
    #expect(try client.next(from: &buffer) == nil)
    #expect(client.ignoredByteCount == 9)
    #expect(client.isFinished)
  }

  @Test func clientRejectsAServerThatSkipsAhead() throws {
    var client = ClientConversation()
    _ = try client.start(cookie: ConversationTests.cookie)
    var buffer = ControlBuffer()
    buffer.append(contentsOf: [ControlMessage.testRunning.byte])
    #expect(
      throws: ConversationError.malformed(
        .stateByte,
        .unexpectedEvent(event: "TEST_RUNNING", state: "AWAITING_PARAM_EXCHANGE"))
    ) { try client.next(from: &buffer) }
  }
}

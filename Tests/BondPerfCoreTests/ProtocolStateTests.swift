import Testing

@testable import BondPerfCore

struct ProtocolStateTests {
  /// The whole normal sequence as the given role sees it.
  static func script(for role: Role) -> [ProtocolEvent] {
    func event(_ message: ControlMessage) -> ProtocolEvent {
      message.sender == role ? .sent(message) : .received(message)
    }
    return [
      .cookieExchanged, event(.paramExchange), .paramsExchanged, event(.createStreams),
      event(.testStart), event(.testRunning), event(.testEnd), event(.exchangeResults),
      .resultsExchanged, event(.displayResults), event(.iperfDone),
    ]
  }

  @Test(arguments: [Role.client, .server])
  func walksTheNormalSequence(role: Role) throws {
    var state = ProtocolState.initial
    var names: [String] = []
    for event in Self.script(for: role) {
      state = try state.next(on: event, role: role)
      names.append(state.name)
    }
    #expect(
      names == [
        "AWAITING_PARAM_EXCHANGE", "PARAM_EXCHANGE", "AWAITING_CREATE_STREAMS", "CREATE_STREAMS",
        "TEST_START", "TEST_RUNNING", "TEST_END", "EXCHANGE_RESULTS", "AWAITING_DISPLAY_RESULTS",
        "DISPLAY_RESULTS", "IPERF_DONE",
      ])
    #expect(state == .done)
    #expect(state.isFinal)
  }

  @Test func illegalTransitionsNameEventAndState() throws {
    let state = try ProtocolState.initial.next(on: .cookieExchanged, role: .client)
      .next(on: .received(.paramExchange), role: .client)
    #expect(state == .paramExchange)
    #expect(
      throws: ProtocolError.unexpectedEvent(event: "TEST_END", state: "PARAM_EXCHANGE")
    ) { try state.next(on: .sent(.testEnd), role: .client) }
    #expect(throws: ProtocolError.self) { try state.next(on: .received(.testStart), role: .client) }
    #expect(throws: ProtocolError.self) { try state.next(on: .resultsExchanged, role: .client) }
    #expect(throws: ProtocolError.self) {
      try ProtocolState.initial.next(on: .received(.paramExchange), role: .client)
    }
    #expect(throws: ProtocolError.self) {
      try ProtocolState.testRunning.next(on: .received(.testRunning), role: .client)
    }
  }

  @Test func messagesFromTheWrongSideAreRejected() {
    #expect(throws: ProtocolError.wrongSender(.paramExchange, sentBy: .client)) {
      try ProtocolState.awaitingParamExchange.next(on: .sent(.paramExchange), role: .client)
    }
    #expect(throws: ProtocolError.wrongSender(.testEnd, sentBy: .server)) {
      try ProtocolState.testRunning.next(on: .received(.testEnd), role: .client)
    }
    #expect(throws: ProtocolError.wrongSender(.iperfDone, sentBy: .server)) {
      try ProtocolState.displayResults.next(on: .sent(.iperfDone), role: .server)
    }
  }

  @Test func serverIgnoresEchoedTestStart() throws {
    #expect(
      try ProtocolState.testRunning.next(on: .received(.testStart), role: .server) == .testRunning)
  }

  static let everyUnfinishedState: [ProtocolState] = [
    .awaitingCookie, .awaitingParamExchange, .paramExchange, .awaitingCreateStreams,
    .createStreams, .testStart, .testRunning, .testEnd, .exchangeResults,
    .awaitingDisplayResults, .displayResults,
  ]

  @Test(arguments: everyUnfinishedState)
  func abortsAreAcceptedFromAnyUnfinishedState(state: ProtocolState) throws {
    for message in [ControlMessage.accessDenied, .serverError, .serverTerminate] {
      #expect(try state.next(on: .received(message), role: .client) == .terminated(message))
      #expect(try state.next(on: .sent(message), role: .server) == .terminated(message))
    }
    #expect(
      try state.next(on: .sent(.clientTerminate), role: .client) == .terminated(.clientTerminate))
    #expect(
      try state.next(on: .received(.clientTerminate), role: .server)
        == .terminated(.clientTerminate))
  }

  @Test func clientIgnoresEverythingAfterIperfDone() throws {
    // 3.21 servers send a stray `fe 205` after IPERF_DONE in -R and --bidir.
    for message in ControlMessage.allCases {
      #expect(try ProtocolState.done.next(on: .received(message), role: .client) == .done)
    }
    #expect(ProtocolState.done.ignoresIncomingBytes)
    #expect(throws: ProtocolError.self) {
      try ProtocolState.done.next(on: .sent(.iperfDone), role: .client)
    }
    #expect(throws: ProtocolError.self) {
      try ProtocolState.done.next(on: .received(.testEnd), role: .server)
    }
  }

  @Test func terminatedClientIgnoresTrailingServerError() throws {
    let state = ProtocolState.terminated(.clientTerminate)
    #expect(try state.next(on: .received(.serverError), role: .client) == state)
    #expect(throws: ProtocolError.self) { try state.next(on: .sent(.testEnd), role: .client) }
  }

  @Test func everyModeUsesTheSameControlSequence() throws {
    // -R and --bidir differ only in the parameters and the data connections.
    for mode in TestMode.allCases {
      var params = TestParameters()
      params.mode = mode
      var state = ProtocolState.initial
      for event in Self.script(for: .client) {
        state = try state.next(on: event, role: .client)
      }
      #expect(state == .done)
      #expect(try TestParameters(json: params.json).mode == mode)
    }
  }
}

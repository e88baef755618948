import Testing

@testable import BondPerfCore

struct ProtocolMessageTests {
  @Test(arguments: [
    (ControlMessage.testStart, UInt8(0x01)), (.testRunning, 0x02), (.testEnd, 0x04),
    (.paramExchange, 0x09), (.createStreams, 0x0a), (.serverTerminate, 0x0b),
    (.clientTerminate, 0x0c), (.exchangeResults, 0x0d), (.displayResults, 0x0e),
    (.iperfDone, 0x10), (.accessDenied, 0xff), (.serverError, 0xfe),
  ])
  func controlMessagesUseSignedBytes(message: ControlMessage, byte: UInt8) {
    #expect(message.byte == byte)
    #expect(ControlMessage(byte: byte) == message)
  }

  @Test(arguments: [UInt8(0x00), 0x03, 0x05, 0x06, 0x07, 0x08, 0x0f, 0x11, 0x7f, 0x80, 0xfd])
  func unusedStateBytesAreUnknown(byte: UInt8) {
    #expect(ControlMessage(byte: byte) == nil)
  }

  @Test func accessDeniedIsMinusOne() {
    #expect(ControlMessage.accessDenied.rawValue == -1)
    #expect(ControlMessage.serverError.rawValue == -2)
    #expect(ControlMessage.testEnd.sender == .client)
    #expect(ControlMessage.testStart.sender == .server)
  }

  @Test func randomCookiesAreWellFormed() {
    for _ in 0..<50 {
      let cookie = Cookie.random()
      #expect(cookie.wireBytes.count == 37)
      #expect(cookie.wireBytes.last == 0)
      #expect(cookie.isWellFormed)
      #expect(cookie.text.count == 36)
      #expect(Cookie(text: cookie.text) == cookie)
    }
    #expect(Cookie.random() != Cookie.random())
  }

  @Test func cookiesCompareAsCStrings() throws {
    let captured = Array("i7b3gini74ei3vpyw45bqnc5rn4z6eauu2vo".utf8) + [0]
    let cookie = try #require(Cookie(wireBytes: captured))
    #expect(cookie.text == "i7b3gini74ei3vpyw45bqnc5rn4z6eauu2vo")
    #expect(cookie.isWellFormed)
    // Bytes after the first NUL don't matter, as in strcmp.
    let short = try #require(
      Cookie(wireBytes: Array("abc".utf8) + [0] + Array(repeating: 0x41, count: 33)))
    let shortToo = try #require(
      Cookie(wireBytes: Array("abc".utf8) + [0] + Array(repeating: 0x42, count: 33)))
    #expect(short == shortToo)
    #expect(short.hashValue == shortToo.hashValue)
    #expect(!short.isWellFormed)
    #expect(short != cookie)
    #expect(Cookie(wireBytes: captured.dropLast()) == nil)
    #expect(Cookie(text: "UPPERCASE0000000000000000000000000000") == nil)
    #expect(Cookie(text: "abc") == nil)
  }

  @Test func framingIsBigEndianLengthThenJSON() {
    let params = Array(ProtocolFixtures.params312Default.utf8)
    let framed = Framing.frame(params)
    #expect(Array(framed.prefix(4)) == [0x00, 0x00, 0x00, 0x7b])
    #expect(Array(framed.dropFirst(4)) == params)
    #expect(Framing.length(fromHeader: [0x00, 0x00, 0x01, 0x8c]) == 396)
    #expect(Framing.length(fromHeader: [0xff, 0xff, 0xff, 0xff]) == 0xffff_ffff)
    #expect(Framing.length(fromHeader: [0x00, 0x00]) == nil)
    #expect(Framing.frame(JSONValue.object([])) == [0, 0, 0, 2, 0x7b, 0x7d])
  }

  @Test func streamIDsSkipTwo() {
    #expect(StreamID.ids(count: 0) == [])
    #expect(StreamID.ids(count: 1) == [1])
    #expect(StreamID.ids(count: 4) == [1, 3, 4, 5])
    #expect(StreamID.index(forID: 1) == 0)
    #expect(StreamID.index(forID: 2) == nil)
    #expect(StreamID.index(forID: 5) == 3)
  }

  @Test func rolesFollowAcceptOrder() {
    let normal = StreamID.assignments(parallel: 2, mode: .normal)
    #expect(normal.map(\.id) == [1, 3])
    #expect(normal.allSatisfy { $0.direction == .clientToServer })
    #expect(normal.allSatisfy { !$0.direction.isSender(.server) })

    let reverse = StreamID.assignments(parallel: 2, mode: .reverse)
    #expect(
      reverse.allSatisfy { $0.direction == .serverToClient && $0.direction.isSender(.server) })

    let bidir = StreamID.assignments(parallel: 2, mode: .bidirectional)
    #expect(bidir.map(\.id) == [1, 3, 4, 5])
    #expect(
      bidir.map(\.direction) == [
        .clientToServer, .clientToServer, .serverToClient, .serverToClient,
      ])
    #expect(StreamID.assignment(forIndex: 4, parallel: 2, mode: .bidirectional) == nil)
    #expect(StreamID.connectionCount(parallel: 3, mode: .bidirectional) == 6)
  }

  @Test func errorCodesPrintIperfTexts() {
    #expect(
      IperfErrorCode(rawValue: 121).text == "the server is busy running a test. try again later")
    #expect(IperfErrorCode.receiveParameters.text == "unable to receive parameters from client")
    #expect(IperfErrorCode.streamWrite.name == "IESTREAMWRITE")
    #expect(IperfErrorCode(rawValue: 9999).text == "unknown iperf3 error 9999")
    #expect(
      IperfErrorCode.message(iperfErrno: 102, errno: 98)
        == "unable to start listener for connections (server errno 98)")
    #expect(
      IperfErrorCode.message(iperfErrno: 114, errno: 0)
        == "unable to receive parameters from client")
  }

  @Test func protocolErrorsAreOneLine() {
    let errors: [ProtocolError] = [
      .unknownControlMessage(7), .unexpectedEvent(event: "TEST_END", state: "PARAM_EXCHANGE"),
      .wrongSender(.testStart, sentBy: .client), .invalidFrameLength(0, maximum: 8192),
      .missingField("streams[1].bytes"), .omittedCountsMismatch(streamID: 3),
      .wrongType(field: "time", expected: "number", found: "string"), .parametersTooLarge(9000),
      .notAnObject("results"), .invalidValue(field: "parallel", reason: "must be 1...128, got 0"),
    ]
    for error in errors {
      #expect(!error.description.contains("\n"))
      #expect(!error.description.isEmpty)
    }
    #expect(
      ProtocolError.unknownControlMessage(7).description
        == "received an unknown control message 0x07")
    #expect(
      ProtocolError.unexpectedEvent(event: "TEST_END", state: "PARAM_EXCHANGE").description
        == "unexpected TEST_END in state PARAM_EXCHANGE")
  }
}

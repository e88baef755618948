import Glibc
import Testing

@testable import BondPerfCore

/// ControlConnection over a `socketpair(AF_UNIX, SOCK_STREAM)`: what one end sends the
/// other reads, with deadlines, and a peer that leaves is the typed error. The sessions
/// pull conversation steps; these tests pull raw items through the same `read`/`poll`.
@Suite(.timeLimit(.minutes(1)))
struct EngineControlTests {
  /// Two connected ends; `peer` is only a label for error messages.
  func pair() throws -> (ControlConnection, ControlConnection) {
    var descriptors: [Int32] = [-1, -1]
    let result = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors)
    try #require(result == 0, "socketpair: errno \(errno)")
    let peer = SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: 5201)
    return (
      ControlConnection(Socket(adopting: descriptors[0]), peer: peer),
      ControlConnection(Socket(adopting: descriptors[1]), peer: peer)
    )
  }

  func soon() -> ContinuousClock.Instant { .now + .seconds(5) }

  @Test func stateBytesArriveInOrder() throws {
    let (a, b) = try pair()
    try a.send(.paramExchange)
    try a.send(.createStreams)
    #expect(try b.readMessage(until: soon(), waitingFor: "PARAM_EXCHANGE") == .paramExchange)
    #expect(try b.pollMessage(until: soon()) == .createStreams)
    // And the other way.
    try b.send(.testEnd)
    #expect(try a.readMessage(until: soon(), waitingFor: "TEST_END") == .testEnd)
  }

  @Test func negativeStateBytesRoundTrip() throws {
    let (a, b) = try pair()
    try a.send(.accessDenied)
    #expect(try b.readMessage(until: soon(), waitingFor: "a reply") == .accessDenied)
  }

  @Test func lengthPrefixedJSONArrivesWhole() throws {
    let (a, b) = try pair()
    let value = JSONValue.object([
      ("tcp", .bool(true)), ("time", .int(10)), ("title", .string("ünïcode")),
    ])
    try a.send(bytes: Framing.frame(value))
    try a.send(.testStart)
    let read = try b.readFrame(maxLength: 1024, until: soon(), waitingFor: "the parameters")
    #expect(read == value)
    #expect(try b.pollMessage(until: soon()) == .testStart, "the byte after the frame")
  }

  /// A frame that arrives in pieces is kept across reads and read whole once complete;
  /// a wait that runs out meanwhile says it was waiting for the rest.
  @Test func frameSplitAcrossWritesIsReassembled() throws {
    let (a, b) = try pair()
    let value = JSONValue.array([.int(1), .string("two"), .null])
    let bytes = Framing.frame(value)
    for piece in [bytes.prefix(3), bytes.dropFirst(3).dropLast()] {
      try a.send(bytes: Array(piece))
      let error = try #require(throws: PerfError.self) {
        try b.readFrame(maxLength: 1024, until: .now + .milliseconds(100), waitingFor: "a frame")
      }
      #expect(error.description.contains("for the rest of a frame"), "\(error)")
    }
    try a.send(bytes: [bytes[bytes.count - 1]])
    #expect(try b.readFrame(maxLength: 1024, until: soon(), waitingFor: "a frame") == value)
  }

  /// The length is checked as soon as the header is in, not after waiting for a body
  /// that may never come.
  @Test func tooLongFrameIsRefusedFromItsHeader() throws {
    let (a, b) = try pair()
    try a.send(bytes: [0x00, 0x01, 0x00, 0x00])  // 65536 bytes announced, none sent
    let started = ContinuousClock.now
    #expect(throws: (any Error).self) {
      try b.readFrame(maxLength: 1024, until: soon(), waitingFor: "the parameters")
    }
    let took = started.duration(to: .now).inSeconds
    #expect(took < 1, "refused after \(took) s: it waited for the body")
  }

  @Test func malformedFrameIsAnError() throws {
    let (a, b) = try pair()
    try a.send(bytes: Framing.frame(Array("{not json".utf8)))
    #expect(throws: (any Error).self) {
      try b.readFrame(maxLength: 1024, until: soon(), waitingFor: "the parameters")
    }
  }

  @Test func peerCloseIsControlClosed() throws {
    let (a, b) = try pair()
    try a.shared.socket.shutdown(.both)
    #expect(throws: PerfError.controlClosed) {
      try b.readMessage(until: soon(), waitingFor: "TEST_START")
    }
    #expect(b.peerClosed)
    #expect(throws: PerfError.controlClosed) { try b.pollMessage(until: soon()) }
  }

  /// A peer that closes in the middle of a frame is gone, not late.
  @Test func peerCloseMidFrameIsControlClosed() throws {
    let (a, b) = try pair()
    try a.send(bytes: Array(Framing.frame(Array(#"{"tcp":true}"#.utf8)).prefix(7)))
    try a.shared.socket.shutdown(.both)
    #expect(throws: PerfError.controlClosed) {
      try b.readFrame(maxLength: 1024, until: soon(), waitingFor: "the parameters")
    }
  }

  /// Silence until the deadline is a timeout naming what was awaited, not a close.
  @Test func silenceTimesOutNamingTheMessage() throws {
    let (a, b) = try pair()
    defer { withExtendedLifetime(a) {} }  // open and silent: releasing it would close it
    let started = ContinuousClock.now
    let error = try #require(throws: PerfError.self) {
      try b.readMessage(until: .now + .milliseconds(200), waitingFor: "TEST_START")
    }
    let took = started.duration(to: .now).inSeconds
    #expect(error != .controlClosed)
    #expect(error.description.contains("TEST_START"), "\(error)")
    #expect(took >= 0.19 && took < 2, "timed out after \(took) s")
    #expect(try b.pollMessage(until: .now + .milliseconds(50)) == nil, "nothing yet, still open")
  }

  @Test func cookieIsReadWhenAllOfItIsIn() throws {
    let (a, b) = try pair()
    let cookie = Cookie.random()
    var conversation = ServerConversation()
    try a.send(bytes: Array(cookie.wireBytes.prefix(20)))
    _ = try b.shared.socket.waitReadable(timeout: .seconds(5))
    #expect(try b.poll(until: .now) { try conversation.next(from: &$0) } == nil, "20 of 37")
    try a.send(bytes: Array(cookie.wireBytes.dropFirst(20)))
    let step = try b.read(by: MessageDeadline(soon()), waitingFor: "the cookie") {
      try conversation.next(from: &$0)
    }
    #expect(step == .cookie(cookie))
  }

  @Test func thirtySevenBytesThatAreNoCookieAreRefused() throws {
    let (a, b) = try pair()
    var conversation = ServerConversation()
    try a.send(bytes: [UInt8](repeating: 0xff, count: Cookie.wireLength))
    _ = try b.shared.socket.waitReadable(timeout: .seconds(5))
    #expect(throws: ConversationError.notACookie) {
      try b.poll(until: .now) { try conversation.next(from: &$0) }
    }
  }

  @Test func serverErrorCarriesIperfsCodes() throws {
    let (a, b) = try pair()
    var conversation = ClientConversation()
    _ = try conversation.start(cookie: Cookie.random())
    try a.send(bytes: Framing.serverError(.authenticationFailed))
    let step = try b.read(until: soon(), waitingFor: "a reply") { try conversation.next(from: &$0) }
    guard case .refused(.serverError, let codes?) = step else {
      Issue.record("expected SERVER_ERROR with codes, got \(step)")
      return
    }
    let text = IperfErrorCode.message(iperfErrno: codes.code.rawValue, errno: codes.errno)
    #expect(text.contains("test authorization failed"), "\(text)")
  }

  /// refuse() says ACCESS_DENIED and hangs up.
  @Test func refuseSendsAccessDeniedAndCloses() throws {
    let (a, b) = try pair()
    a.refuse()
    #expect(try b.readMessage(until: soon(), waitingFor: "a reply") == .accessDenied)
    #expect(throws: PerfError.controlClosed) {
      try b.readMessage(until: soon(), waitingFor: "more")
    }
  }
}

/// Raw items through ``ControlConnection/read(by:waitingFor:_:)`` and
/// ``ControlConnection/poll(until:_:)``, for tests of the connection alone.
extension ControlConnection {
  func readMessage(until deadline: ContinuousClock.Instant, waitingFor what: String) throws
    -> ControlMessage
  {
    try read(until: deadline, waitingFor: what) { try $0.nextMessage() }
  }

  func pollMessage(until deadline: ContinuousClock.Instant) throws -> ControlMessage? {
    try poll(until: deadline) { try $0.nextMessage() }
  }

  func readFrame(maxLength: Int, until deadline: ContinuousClock.Instant, waitingFor what: String)
    throws -> JSONValue
  {
    try read(until: deadline, waitingFor: what) { try $0.nextFrame(maxLength: maxLength) }
  }
}

/// The control connection of one test: a socket plus a ``ControlBuffer``,
/// read with deadlines so a silent peer can never hang a session.
///
/// Used only by the session's own thread.
final class ControlConnection {
  let shared: SharedSocket
  let peer: SocketAddress
  private var buffer = ControlBuffer()
  private var scratch = [UInt8](repeating: 0, count: 65536)
  private(set) var peerClosed = false

  init(_ socket: consuming Socket, peer: SocketAddress) {
    self.shared = SharedSocket(socket)
    self.peer = peer
  }

  var descriptor: Int32 { shared.descriptor }

  func send(_ message: ControlMessage) throws(SyscallError) {
    try shared.socket.sendAll([message.byte])
  }

  func send(bytes: [UInt8]) throws(SyscallError) {
    try shared.socket.sendAll(bytes)
  }

  /// Sends ACCESS_DENIED and shuts the connection down (it closes when released).
  func refuse() {
    try? shared.socket.sendAll([ControlMessage.accessDenied.byte])
    try? shared.socket.shutdown(.both)
  }

  /// Sends SERVER_ERROR with `code` and shuts the connection down.
  func refuse(with code: IperfErrorCode) {
    try? shared.socket.sendAll(Framing.serverError(code))
    try? shared.socket.shutdown(.both)
  }

  /// Reads what is available (waiting until `deadline`); false at EOF or timeout.
  @discardableResult
  func fill(until deadline: ContinuousClock.Instant) throws(SyscallError) -> Bool {
    guard !peerClosed else { return false }
    let left = ContinuousClock.now.duration(to: deadline)
    guard try shared.socket.waitReadable(timeout: max(left, .zero)) else { return false }
    let socket = shared
    let count = try scratch.withUnsafeMutableBytes { raw -> Result<Int, SyscallError> in
      Result { () throws(SyscallError) in try socket.socket.receive(into: raw) }
    }.get()
    if count == 0 {
      peerClosed = true
      return false
    }
    buffer.append(contentsOf: scratch[0..<count])
    return true
  }

  /// The next state byte, waiting until `deadline`.
  func readMessage(until deadline: ContinuousClock.Instant, waitingFor what: String) throws
    -> ControlMessage
  {
    while true {
      if let message = try buffer.nextMessage() { return message }
      try fillOrFail(until: deadline, waitingFor: what)
    }
  }

  /// A state byte if one is buffered or arrives before `deadline`; nil otherwise.
  func pollMessage(until deadline: ContinuousClock.Instant) throws -> ControlMessage? {
    if let message = try buffer.nextMessage() { return message }
    if peerClosed { throw PerfError.controlClosed }
    guard try fill(until: deadline) else {
      if peerClosed { throw PerfError.controlClosed }
      return nil
    }
    return try buffer.nextMessage()
  }

  /// One length-prefixed JSON message.
  func readFrame(maxLength: Int, until deadline: ContinuousClock.Instant, waitingFor what: String)
    throws -> JSONValue
  {
    try readFrame(maxLength: maxLength, by: MessageDeadline(deadline), waitingFor: what)
  }

  /// One length-prefixed JSON message, started by `deadline.firstByte` and
  /// complete by `deadline.complete`. A length above `maxLength` fails as soon
  /// as the 4-byte header is in, before any of the body is read.
  func readFrame(maxLength: Int, by deadline: MessageDeadline, waitingFor what: String)
    throws -> JSONValue
  {
    while true {
      if let value = try buffer.nextFrame(maxLength: maxLength) { return value }
      try fillOrFail(by: deadline, waitingFor: what)
    }
  }

  /// The 37-byte cookie.
  func readCookie(by deadline: MessageDeadline) throws -> Cookie {
    while true {
      if let cookie = buffer.nextCookie() { return cookie }
      try fillOrFail(by: deadline, waitingFor: "the cookie")
    }
  }

  /// The cookie if all of it is buffered, after one non-blocking read.
  ///
  /// - Throws: ``PerfError/controlClosed`` if the peer left first; an error
  ///   naming the bytes if 37 arrived that are not a cookie.
  func pollCookie() throws -> Cookie? {
    if !peerClosed { try fill(until: .now) }
    if buffer.count >= Cookie.wireLength {
      // iperf3 reads any 37 bytes; every real client sends 36 of a-z2-7 and a NUL.
      guard let cookie = buffer.nextCookie(), cookie.isWellFormed else {
        throw PerfError("sent \(buffer.count) bytes that do not start with an iperf3 cookie")
      }
      return cookie
    }
    if peerClosed { throw PerfError.controlClosed }
    return nil
  }

  /// Whether any byte of the next item has arrived.
  var hasBufferedBytes: Bool { !buffer.isEmpty }

  /// The two integers after SERVER_ERROR, turned into iperf3's message.
  func readServerError(until deadline: ContinuousClock.Instant) -> PerfError {
    while true {
      if let (code, errno) = buffer.nextServerError() {
        return PerfError(IperfErrorCode.message(iperfErrno: code, errno: errno))
      }
      guard (try? fill(until: deadline)) == true else {
        return PerfError("the server reported an error and closed the connection")
      }
    }
  }

  private func fillOrFail(until deadline: ContinuousClock.Instant, waitingFor what: String) throws {
    try fillOrFail(by: MessageDeadline(deadline), waitingFor: what)
  }

  private func fillOrFail(by deadline: MessageDeadline, waitingFor what: String) throws {
    let started = !buffer.isEmpty
    let by = deadline.current(started: started)
    // Checked before reading too: a peer trickling bytes always has one ready.
    if ContinuousClock.now < by, try fill(until: by) { return }
    if peerClosed { throw PerfError.controlClosed }
    let waited = started ? "for the rest of \(what)" : "for \(what)"
    throw PerfError("timed out waiting \(waited) from \(peer)")
  }
}

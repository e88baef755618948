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

  func send(_ message: ControlMessage) throws(SocketError) {
    try shared.socket.sendAll([message.byte])
  }

  func send(bytes: [UInt8]) throws(SocketError) {
    try shared.socket.sendAll(bytes)
  }

  /// Reads what is available (waiting until `deadline`); false at EOF or timeout.
  @discardableResult
  func fill(until deadline: ContinuousClock.Instant) throws(SocketError) -> Bool {
    guard !peerClosed else { return false }
    let left = ContinuousClock.now.duration(to: deadline)
    guard try shared.socket.waitReadable(timeout: max(left, .zero)) else { return false }
    let socket = shared
    let count = try scratch.withUnsafeMutableBytes { raw -> Result<Int, SocketError> in
      Result { () throws(SocketError) in try socket.socket.receive(into: raw) }
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
    while true {
      if let value = try buffer.nextFrame(maxLength: maxLength) { return value }
      try fillOrFail(until: deadline, waitingFor: what)
    }
  }

  /// The 37-byte cookie.
  func readCookie(until deadline: ContinuousClock.Instant) throws -> Cookie {
    while true {
      if let cookie = buffer.nextCookie() { return cookie }
      try fillOrFail(until: deadline, waitingFor: "the cookie")
    }
  }

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
    if try fill(until: deadline) { return }
    if peerClosed { throw PerfError.controlClosed }
    throw PerfError("timed out waiting for \(what) from \(peer)")
  }
}

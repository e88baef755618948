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
  /// Asked between waits of at most 100 ms; true ends the wait with
  /// ``PerfError/interrupted``.
  private let interrupted: (() -> Bool)?

  init(_ socket: consuming Socket, peer: SocketAddress, interrupted: (() -> Bool)? = nil) {
    self.shared = SharedSocket(socket)
    self.peer = peer
    self.interrupted = interrupted
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
  func fill(until deadline: ContinuousClock.Instant) throws -> Bool {
    guard !peerClosed else { return false }
    while true {
      let left = max(ContinuousClock.now.duration(to: deadline), .zero)
      let slice = interrupted == nil ? left : min(left, .milliseconds(100))
      if try shared.socket.waitReadable(timeout: slice) { break }
      if slice == left { return false }
      if let interrupted, interrupted() { throw PerfError.interrupted }
    }
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

  /// The next item `pull` takes from the buffer, reading until `deadline`:
  /// started by `deadline.firstByte` and complete by `deadline.complete`.
  ///
  /// - Throws: ``PerfError`` (``PerfError/Code/controlClosed`` or
  ///   ``PerfError/Code/timedOut``), or whatever `pull` throws.
  func read<Item>(
    by deadline: MessageDeadline, waitingFor what: String,
    _ pull: (inout ControlBuffer) throws -> Item?
  ) throws -> Item {
    while true {
      if let item = try pull(&buffer) { return item }
      try fillOrFail(by: deadline, waitingFor: what)
    }
  }

  /// The next item `pull` takes from the buffer, reading until `deadline`.
  func read<Item>(
    until deadline: ContinuousClock.Instant, waitingFor what: String,
    _ pull: (inout ControlBuffer) throws -> Item?
  ) throws -> Item {
    try read(by: MessageDeadline(deadline), waitingFor: what, pull)
  }

  /// An item if one is buffered or arrives before `deadline`; nil otherwise.
  ///
  /// - Throws: ``PerfError/controlClosed`` once the peer has closed and
  ///   nothing complete is left, or whatever `pull` throws.
  func poll<Item>(
    until deadline: ContinuousClock.Instant, _ pull: (inout ControlBuffer) throws -> Item?
  ) throws -> Item? {
    if let item = try pull(&buffer) { return item }
    if peerClosed { throw PerfError.controlClosed }
    guard try fill(until: deadline) else {
      if peerClosed { throw PerfError.controlClosed }
      return nil
    }
    return try pull(&buffer)
  }

  /// SERVER_ERROR's code without its errno, once the peer has closed (iperf3
  /// 3.12 refusing credentials); nil if the code didn't come either.
  func loneServerErrorCode() -> IperfErrorCode? {
    guard peerClosed, let code = buffer.nextLoneServerErrorCode() else { return nil }
    return IperfErrorCode(rawValue: code)
  }

  /// Whether any byte of the next item has arrived.
  var hasBufferedBytes: Bool { !buffer.isEmpty }

  private func fillOrFail(by deadline: MessageDeadline, waitingFor what: String) throws {
    let started = !buffer.isEmpty
    let by = deadline.current(started: started)
    // Checked before reading too: a peer trickling bytes always has one ready.
    if ContinuousClock.now < by, try fill(until: by) { return }
    if peerClosed { throw PerfError.controlClosed }
    let waited = started ? "for the rest of \(what)" : "for \(what)"
    throw PerfError(.timedOut, "timed out waiting \(waited) from \(peer)")
  }
}

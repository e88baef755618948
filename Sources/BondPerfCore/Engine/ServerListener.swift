import Foundation
import Synchronization

/// The server's listening socket and accept loop: it waits for the first
/// client to send a whole cookie and runs that test, one at a time, on the
/// server's thread.
final class ServerListener {
  let server: Server
  private(set) var socket: SharedSocket
  /// The `-w` the listener's buffers were set to; nil for the kernel's autotuned default.
  private var listenerWindow: Int?
  /// Why the listener could not be reopened; the server can't go on without one.
  private var listenerFailure: PerfError?
  var configuration: ServerConfiguration { server.configuration }
  var testNumber = 1
  private var pending: [PendingControl] = []
  /// How often `--idle-timeout` restarted the listener.
  private var restarts = 0

  init(server: Server, socket: SharedSocket) {
    self.server = server
    self.socket = socket
  }

  /// The listening socket: dual-stack `::` unless an address or family is given.
  ///
  /// - Parameters:
  ///   - port: The port, when not the configured one (a listener reopened on the port
  ///     the kernel chose for `-p 0`).
  ///   - window: Send and receive buffer sizes for the connections it accepts (`-w`);
  ///     nil leaves them to the kernel's autotuning.
  static func listen(
    _ configuration: ServerConfiguration, port: UInt16? = nil, window: Int? = nil
  ) throws -> SharedSocket {
    let address: IPAddress
    if let bind = configuration.bindAddress {
      address = bind
    } else {
      address = configuration.family == .ipv4 ? .unspecifiedIPv4 : .unspecifiedIPv6
    }
    let socket = try Socket(
      family: address.isIPv4 ? .ipv4 : .ipv6, protocol: configuration.tuning.socketProtocol)
    try socket.setReuseAddress(true)
    if !address.isIPv4 { try socket.setIPv6Only(configuration.family == .ipv6) }
    if let device = configuration.bindDevice { try socket.bindToDevice(device) }
    if let window {
      try socket.setSendBufferSize(window)
      try socket.setReceiveBufferSize(window)
    }
    do {
      try socket.bind(to: SocketAddress(ip: address, port: port ?? configuration.port))
      try socket.listen(backlog: 128)
      try socket.setNonBlocking()
    } catch {
      throw PerfError(.network, "unable to start listener for connections: \(error)")
    }
    return SharedSocket(socket)
  }

  func serve() throws {
    defer { pending.removeAll() }
    while !server.isStopping {
      let observer = server.makeObserver()
      observer.notice(
        "-----------------------------------------------------------\n"
          + "Server listening on \(listeningPort) (test #\(testNumber))\n"
          + "-----------------------------------------------------------")
      guard let (client, cookie) = try waitForClient(observer) else { return }
      try? configuration.tuning.applyToControl(client.control.shared.socket)
      // Whoever else was still sending a cookie would wait for the whole test.
      for other in pending { other.control.refuse() }
      pending.removeAll()
      let session = ServerSession(
        listener: self, control: client.control, conversation: client.conversation,
        cookie: cookie, observer: observer)
      session.execute()
      if let listenerFailure { throw listenerFailure }
      testNumber += 1
      // iperf3: "Authentication failure doesn't count for 1-off test".
      if configuration.oneOff && !session.authenticationFailed { return }
    }
  }

  /// Accepts control connections and reads their cookies, all at once, until
  /// one has sent a whole cookie; nil when the server stops.
  private func waitForClient(_ observer: any TestObserver) throws -> (PendingControl, Cookie)? {
    var idleSince = ContinuousClock.now
    while !server.isStopping {
      let now = ContinuousClock.now
      if let limit = configuration.restartAfterIdle, pending.isEmpty,
        idleSince.duration(to: now) >= limit
      {
        // iperf3's --idle-timeout: a one-off server gives up; others start afresh.
        if configuration.oneOff {
          server.idleExpired.store(true, ordering: .relaxed)
          return nil
        }
        restarts += 1
        observer.debug(
          "Server restart (#\(restarts)) in idle state as no connection request was "
            + "received for \(limit) (--idle-timeout)")
        try reopenListener(window: listenerWindow, force: true)
        idleSince = .now
      }
      if !pending.isEmpty { idleSince = now }
      pending.removeAll { waiting in
        guard now >= waiting.expiry else { return false }
        observer.warning(
          "dropped control connection from \(waiting.control.peer): \(waiting.expiryReason) "
            + "within \(configuration.receiveTimeout) (--rcv-timeout)")
        return true
      }
      var wake = now + .milliseconds(200)
      for waiting in pending { wake = min(wake, waiting.expiry) }
      let ready = try Poller.readable(
        [socket.descriptor] + pending.map(\.control.descriptor), timeout: now.duration(to: wake))
      for index in pending.indices.reversed()
      where ready.contains(pending[index].control.descriptor) {
        var waiting = pending[index]
        let control = waiting.control
        do {
          let step = try control.poll(until: .now) { try waiting.conversation.next(from: &$0) }
          guard case .cookie(let cookie) = step else { continue }
          pending.remove(at: index)
          return (waiting, cookie)
        } catch let error as PerfError where error.code == .controlClosed {
          pending.remove(at: index)  // connected and left: a port check, say
        } catch {
          pending.remove(at: index)
          observer.warning("dropped control connection from \(waiting.control.peer): \(error)")
        }
      }
      if ready.contains(socket.descriptor) { acceptControl(observer) }
    }
    return nil
  }

  /// Accepts one connection into `pending`, unless it is refused.
  private func acceptControl(_ observer: any TestObserver) {
    guard let control = acceptAllowed(observer) else { return }
    guard pending.count < configuration.maxPendingConnections else {
      observer.warning(
        "refused control connection from \(control.peer): "
          + "\(pending.count) others are still sending their cookies")
      control.refuse()
      return
    }
    pending.append(
      PendingControl(
        control: control,
        deadline: MessageDeadline(
          firstByteWithin: configuration.receiveTimeout,
          completeWithin: configuration.messageTimeout)))
  }

  /// Accepts one connection; closes it (with SERVER_ERROR) if its address is
  /// outside `--allow`. Accept failures (no descriptors left) are logged and
  /// survived; a connection reset while queued is skipped quietly.
  func acceptAllowed(_ observer: any TestObserver) -> ControlConnection? {
    let ready: AcceptedConnection?
    do {
      ready = try socket.socket.acceptIfReady()
    } catch {
      observer.warning("\(error)")
      if error.errno == .tooManyOpenFiles || error.errno == .tooManyOpenFilesInSystem {
        Thread.sleep(forTimeInterval: 0.1)  // the queued connection stays readable
      }
      return nil
    }
    guard let accepted = ready else { return nil }
    let peer = accepted.peer
    let control = ControlConnection(accepted.socket, peer: peer)
    guard configuration.allows(peer.ip) else {
      observer.warning("refused connection from \(peer.ip): not in --allow \(allowedText)")
      control.refuse(with: .authenticationFailed)
      return nil
    }
    return control
  }

  /// The port the listener is bound to: the kernel's choice under `-p 0`.
  private var listeningPort: UInt16 {
    (try? socket.socket.localAddress.port) ?? configuration.port
  }

  private var allowedText: String {
    configuration.allowedNetworks.map(\.description).joined(separator: ",")
  }

  /// Reopens the listener when a test's `-w` differs from the buffers it hands out,
  /// before the test's data connections arrive.
  ///
  /// Linux sizes a connection's receive window in the handshake, from the listener's
  /// buffer. A smaller `SO_RCVBUF` set after `accept` leaves the client sending into a
  /// window the buffer can't hold, and the dropped segments cut `-w 8K` on loopback from
  /// 165 MB/s to 0.2. iperf3 reopens its listener the same way. Connections still queued
  /// are refused first; the old socket stops listening (and is closed once released)
  /// before the new one binds the port.
  ///
  /// - Throws: A ``PerfError`` if the port can't be bound again; the server then stops
  ///   after this test, since it has nothing left to listen on.
  func reopenListener(window: Int?, force: Bool = false) throws {
    guard force || window != listenerWindow else { return }
    if configuration.inheritedListener != nil {
      // systemd holds the port: set the buffers in place (accepted connections inherit them).
      if let window {
        try? socket.socket.setSendBufferSize(window)
        try? socket.socket.setReceiveBufferSize(window)
        listenerWindow = window
      }
      return
    }
    while let queued = try? socket.socket.acceptIfReady() {
      let peer = queued.peer
      ControlConnection(queued.socket, peer: peer).refuse()
    }
    let port = listeningPort
    try? socket.socket.shutdown(.both)
    do {
      socket = try Self.listen(configuration, port: port, window: window)
      listenerWindow = window
    } catch {
      let failure = PerfError(
        .network, "unable to reopen the listener with -w \(window ?? 0): \(error)")
      listenerFailure = failure
      throw failure
    }
  }

  /// Refuses a connection that arrives while a test runs (ACCESS_DENIED).
  func refuseNewcomer(_ observer: any TestObserver) {
    acceptAllowed(observer)?.refuse()
  }
}

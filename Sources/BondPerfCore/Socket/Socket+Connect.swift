import Glibc

extension Socket {
  /// Binds the socket to a local address and port.
  ///
  /// Binding a data socket before connecting pins its source port (stream pinning).
  /// An IPv4 address on an IPv6 socket is bound as its IPv4-mapped form.
  ///
  /// - Parameter address: The local address; port 0 lets the kernel choose.
  /// - Throws: A ``SyscallError`` for `bind`, e.g. `EADDRINUSE` or `EADDRNOTAVAIL`.
  ///
  /// The corresponding C function is `bind(2)`.
  public func bind(to address: SocketAddress) throws(SyscallError) {
    let address = try fitted(address)
    _ = try address.withSockAddr { (pointer, length) throws(SyscallError) in
      try systemCall("bind", "to \(address.unmapped)") { Glibc.bind(descriptor, pointer, length) }
    }
  }

  /// Starts accepting connections.
  ///
  /// - Parameter backlog: How many finished handshakes may wait for ``accept()``.
  /// - Throws: A ``SyscallError`` for `listen`.
  ///
  /// The corresponding C function is `listen(2)`.
  public func listen(backlog: Int = 128) throws(SyscallError) {
    _ = try systemCall("listen") { Glibc.listen(descriptor, CInt(clamping: backlog)) }
  }

  /// Waits for a connection and returns it with the peer's address.
  ///
  /// IPv4 peers of a dual-stack listener are reported as plain IPv4, not `::ffff:a.b.c.d`.
  /// The new descriptor is made close-on-exec right away (Glibc's Swift module doesn't
  /// export `accept4`).
  ///
  /// - Returns: The connected socket and the peer's address. (A tuple can't hold a
  ///   noncopyable `Socket`, hence the struct.)
  /// - Throws: A ``SyscallError`` for `accept`.
  ///
  /// The corresponding C function is `accept(2)`.
  public func accept() throws(SyscallError) -> AcceptedConnection {
    let (descriptor, address) = try SocketAddress.reading(call: "accept") {
      Glibc.accept(self.descriptor, $0, $1)
    }
    let socket = Socket(adopting: descriptor)
    _ = try systemCall("fcntl", "F_SETFD") { fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    return AcceptedConnection(socket: socket, peer: address.unmapped)
  }

  /// Accepts one connection from a non-blocking listener; nil when there is none
  /// after all (`EAGAIN`, or `ECONNABORTED`: it was reset while queued).
  ///
  /// The corresponding C function is `accept(2)`.
  public func acceptIfReady() throws(SyscallError) -> AcceptedConnection? {
    do {
      return try accept()
    } catch  where error.errno == .wouldBlock || error.errno == .connectionAborted {
      return nil
    }
  }

  /// Makes `accept`, `recv` and `send` fail with `EAGAIN` instead of waiting.
  ///
  /// A listener polled for readability should be non-blocking: a connection reset
  /// while queued leaves it readable with nothing to accept, and a blocking
  /// `accept` would then wait for the next client.
  ///
  /// The corresponding C function is `fcntl(2)` with `O_NONBLOCK`.
  public func setNonBlocking() throws(SyscallError) {
    let flags = try systemCall("fcntl", "F_GETFL") { fcntl(descriptor, F_GETFL) }
    _ = try systemCall("fcntl", "F_SETFL") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
  }

  /// Connects to `address`, waiting at most `timeout`.
  ///
  /// Connects in non-blocking mode and polls for completion, then restores blocking
  /// mode. A connect interrupted by a signal goes on in the kernel, so it is never
  /// issued twice: the socket is polled and `SO_ERROR` read instead. An IPv4 address on
  /// an IPv6 socket is connected to as its IPv4-mapped form.
  ///
  /// - Parameters:
  ///   - address: The peer.
  ///   - timeout: How long to wait, or `nil` for the kernel's own limit.
  /// - Throws: A ``SyscallError`` naming the address, e.g. `ECONNREFUSED`, or
  ///   `ETIMEDOUT` after `timeout`.
  ///
  /// The corresponding C function is `connect(2)`.
  public func connect(
    to address: SocketAddress, timeout: Duration? = nil, cancelled: (() -> Bool)? = nil
  ) throws(SyscallError) {
    let target = try fitted(address)
    let detail = "to \(address)"
    let flags = try systemCall("fcntl", "F_GETFL") { fcntl(descriptor, F_GETFL) }
    _ = try systemCall("fcntl", "F_SETFL") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    do {
      try connectNonBlocking(to: target, timeout: timeout, cancelled: cancelled, detail: detail)
    } catch {
      _ = fcntl(descriptor, F_SETFL, flags)  // best effort: the error matters more
      throw error
    }
    _ = try systemCall("fcntl", "F_SETFL") { fcntl(descriptor, F_SETFL, flags) }
  }

  private func connectNonBlocking(
    to address: SocketAddress, timeout: Duration?, cancelled: (() -> Bool)?, detail: String
  ) throws(SyscallError) {
    // The body turns EINTR and EINPROGRESS into 1 ("pending"), so the retry loop never
    // reissues the connect.
    let pending = try address.withSockAddr { (pointer, length) throws(SyscallError) -> CInt in
      try systemCall("connect", detail) { () -> CInt in
        if Glibc.connect(descriptor, pointer, length) == 0 { return 0 }
        let error = Errno.current
        if error == .interrupted || error == .inProgress { return 1 }
        Errno.current = error
        return -1
      }
    }
    if pending == 0 { return }
    // With `cancelled`, wait in slices of at most 100 ms and ask it in between.
    let deadline = timeout.map { ContinuousClock.now + $0 }
    while true {
      var slice = deadline.map { ContinuousClock.now.duration(to: $0) }
      if cancelled != nil { slice = min(slice ?? .milliseconds(100), .milliseconds(100)) }
      if try poll(events: Int16(POLLOUT), timeout: slice, call: "connect", detail: detail) {
        break
      }
      if let deadline, ContinuousClock.now >= deadline {
        throw SyscallError(call: "connect", errno: .timedOut, detail: detail)
      }
      if let cancelled, cancelled() {
        throw SyscallError(call: "connect", errno: .interrupted, detail: detail)
      }
    }
    let status = try getOption(level: SOL_SOCKET, name: SO_ERROR, as: CInt.self)
    if status != 0 {
      throw SyscallError(call: "connect", errno: Errno(rawValue: status), detail: detail)
    }
  }

  /// `address`, mapped to IPv6 if it is IPv4 and this is an IPv6 socket.
  private func fitted(_ address: SocketAddress) throws(SyscallError) -> SocketAddress {
    guard address.ip.isIPv4 else { return address }
    let domain = try getOption(level: SOL_SOCKET, name: SO_DOMAIN, as: CInt.self)
    return domain == AF_INET6 ? address.mappedToIPv6 : address
  }
}

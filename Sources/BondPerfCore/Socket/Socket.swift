import Glibc

/// The kind of socket to open.
public enum SocketType: Hashable, Sendable {
  /// A byte stream: TCP (`SOCK_STREAM`).
  case stream
  /// Datagrams: UDP (`SOCK_DGRAM`).
  case datagram

  /// The C constant.
  var rawValue: CInt {
    switch self {
    case .stream: CInt(SOCK_STREAM.rawValue)
    case .datagram: CInt(SOCK_DGRAM.rawValue)
    }
  }
}

/// Which directions ``Socket/shutdown(_:)`` closes.
public enum ShutdownMode: Hashable, Sendable {
  /// Stop receiving (`SHUT_RD`).
  case read
  /// Stop sending; the peer reads end of stream (`SHUT_WR`).
  case write
  /// Both directions (`SHUT_RDWR`); wakes a thread blocked in ``Socket/receive(into:)``.
  case both

  /// The C constant.
  var rawValue: CInt {
    switch self {
    case .read: CInt(SHUT_RD)
    case .write: CInt(SHUT_WR)
    case .both: CInt(SHUT_RDWR)
    }
  }
}

/// The owner of a socket descriptor, which it closes when it goes away.
///
/// Noncopyable, so exactly one value owns the descriptor. Close it with ``close()``, or
/// hand it to another owner with ``releaseDescriptor()`` and ``init(adopting:)`` (a
/// `@Sendable` closure can't capture a `Socket`). `deinit` closes it as a best effort.
/// Operations block; run them on the thread that drives the stream.
public struct Socket: ~Copyable, Sendable {
  /// The descriptor; owned by this value, so don't close it yourself.
  public let descriptor: CInt

  /// Opens a new socket (close-on-exec).
  ///
  /// - Parameters:
  ///   - family: IPv4 or IPv6.
  ///   - type: Stream (TCP, the default) or datagram (UDP).
  ///   - protocol: The protocol number; 0 for the type's default, 262 for MPTCP (`-m`).
  /// - Throws: A ``SyscallError`` for `socket`.
  ///
  /// The corresponding C function is `socket(2)`.
  public init(
    family: AddressFamily, type: SocketType = .stream, protocol: CInt = 0
  ) throws(SyscallError) {
    let kind = type.rawValue | CInt(SOCK_CLOEXEC.rawValue)
    descriptor = try systemCall("socket") { Glibc.socket(family.rawValue, kind, `protocol`) }
  }

  /// Takes ownership of an open descriptor, such as one from ``releaseDescriptor()``.
  ///
  /// - Parameter descriptor: An open descriptor that nothing else will close.
  public init(adopting descriptor: CInt) {
    self.descriptor = descriptor
  }

  /// Gives up ownership: returns the descriptor without closing it.
  ///
  /// - Returns: The descriptor, which the caller must now close.
  public consuming func releaseDescriptor() -> CInt {
    let descriptor = self.descriptor
    discard self
    return descriptor
  }

  /// Closes the descriptor.
  ///
  /// Never retried: on Linux the descriptor is released even when `close` fails with
  /// `EINTR`, and a retry could close a descriptor another thread just opened. Other
  /// failures can't be acted on, so they are ignored.
  ///
  /// The corresponding C function is `close(2)`.
  public consuming func close() {
    let descriptor = self.descriptor
    discard self
    _ = Glibc.close(descriptor)
  }

  deinit {
    _ = Glibc.close(descriptor)
  }

  /// Sends as much of `buffer` as the kernel takes now, without raising `SIGPIPE`.
  ///
  /// - Parameter buffer: The bytes to send.
  /// - Returns: How many bytes were sent, at least 1 unless `buffer` is empty.
  /// - Throws: A ``SyscallError`` for `send`, e.g. `EPIPE` or `ECONNRESET`.
  ///
  /// The corresponding C function is `send(2)` with `MSG_NOSIGNAL`.
  public func send(_ buffer: UnsafeRawBufferPointer) throws(SyscallError) -> Int {
    try systemCall("send") {
      Glibc.send(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL))
    }
  }

  /// Sends all of `buffer`, calling `send` as often as needed.
  ///
  /// - Parameter buffer: The bytes to send.
  /// - Throws: A ``SyscallError`` for `send`.
  ///
  /// The corresponding C function is `send(2)` with `MSG_NOSIGNAL`.
  public func sendAll(_ buffer: UnsafeRawBufferPointer) throws(SyscallError) {
    var offset = 0
    while offset < buffer.count {
      offset += try send(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
    }
  }

  /// Sends all of `bytes`, calling `send` as often as needed.
  ///
  /// - Parameter bytes: The bytes to send.
  /// - Throws: A ``SyscallError`` for `send`.
  ///
  /// The corresponding C function is `send(2)` with `MSG_NOSIGNAL`.
  public func sendAll(_ bytes: some Collection<UInt8>) throws(SyscallError) {
    let contiguous = bytes.withContiguousStorageIfAvailable {
      (buffer) -> Result<Void, SyscallError> in
      Result { () throws(SyscallError) in try sendAll(UnsafeRawBufferPointer(buffer)) }
    }
    if let contiguous { return try contiguous.get() }
    let array = Array(bytes)
    let result = array.withUnsafeBytes { (buffer) -> Result<Void, SyscallError> in
      Result { () throws(SyscallError) in try sendAll(buffer) }
    }
    try result.get()
  }

  /// Receives up to `buffer.count` bytes, blocking until some arrive.
  ///
  /// - Parameter buffer: Where to put the bytes.
  /// - Returns: How many bytes arrived; 0 means end of stream (or a local
  ///   ``shutdown(_:)``).
  /// - Throws: A ``SyscallError`` for `recv`, e.g. `ECONNRESET`, or `EAGAIN` after a
  ///   receive timeout.
  ///
  /// The corresponding C function is `recv(2)`.
  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> Int {
    try systemCall("recv") { Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0) }
  }

  /// Shuts down one or both directions.
  ///
  /// Safe to call from another thread to wake a blocked ``receive(into:)``, which then
  /// returns 0. A socket that isn't connected (`ENOTCONN`) is not an error.
  ///
  /// - Parameter how: The directions to shut down.
  /// - Throws: A ``SyscallError`` for `shutdown`.
  ///
  /// The corresponding C function is `shutdown(2)`.
  public func shutdown(_ how: ShutdownMode) throws(SyscallError) {
    do {
      _ = try systemCall("shutdown") { Glibc.shutdown(descriptor, how.rawValue) }
    } catch  where error.errno == .notConnected {
      return
    }
  }

  /// Waits until the socket has data to read, end of stream or an error.
  ///
  /// - Parameter timeout: How long to wait at most.
  /// - Returns: `true` if reading won't block, `false` after the timeout.
  /// - Throws: A ``SyscallError`` for `poll`.
  ///
  /// The corresponding C function is `poll(2)`.
  public func waitReadable(timeout: Duration) throws(SyscallError) -> Bool {
    try poll(events: Int16(POLLIN), timeout: timeout, call: "poll")
  }

  /// Polls for `events` until `timeout` (or forever); after an `EINTR` it waits only
  /// for the time that is left.
  func poll(events: Int16, timeout: Duration?, call: String, detail: String = "")
    throws(SyscallError) -> Bool
  {
    let deadline = timeout.map { ContinuousClock.now + $0 }
    var entry = pollfd(fd: descriptor, events: events, revents: 0)
    let ready = try systemCall(call, detail) { () -> CInt in
      let milliseconds = deadline.map { ContinuousClock.now.duration(to: $0).pollMilliseconds }
      return Glibc.poll(&entry, 1, milliseconds ?? -1)
    }
    return ready > 0
  }

  /// The local address the socket is bound to; IPv4-mapped addresses are reported as
  /// plain IPv4.
  ///
  /// The corresponding C function is `getsockname(2)`.
  public var localAddress: SocketAddress {
    get throws(SyscallError) {
      try SocketAddress.reading(call: "getsockname") { getsockname(descriptor, $0, $1) }
        .address.unmapped
    }
  }

  /// The address of the connected peer; IPv4-mapped addresses are reported as plain IPv4.
  ///
  /// The corresponding C function is `getpeername(2)`.
  public var remoteAddress: SocketAddress {
    get throws(SyscallError) {
      try SocketAddress.reading(call: "getpeername") { getpeername(descriptor, $0, $1) }
        .address.unmapped
    }
  }
}

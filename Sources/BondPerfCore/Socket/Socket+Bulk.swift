import CBondPerfLinux
import Glibc

extension Socket {
  /// Receives up to `count` bytes and drops them in the kernel, without copying them
  /// to user memory.
  ///
  /// On a TCP socket `MSG_TRUNC` discards the data (tcp(7)); the call otherwise
  /// behaves like ``receive(into:)``: it blocks until some bytes arrive and returns how
  /// many were consumed. Not for datagram sockets, where `MSG_TRUNC` means something else.
  ///
  /// - Parameter count: The most bytes to consume.
  /// - Returns: How many bytes were consumed; 0 means end of stream (or a local
  ///   ``shutdown(_:)``).
  /// - Throws: A ``SyscallError`` for `recv`, e.g. `ECONNRESET`.
  ///
  /// The corresponding C function is `recv(2)` with `MSG_TRUNC`.
  public func receive(discarding count: Int) throws(SyscallError) -> Int {
    try systemCall("recv") { Glibc.recv(descriptor, nil, count, CInt(MSG_TRUNC)) }
  }

  /// Sends up to `count` bytes of `file` from `offset`, page references instead of a
  /// copy from user memory.
  ///
  /// The file position is not used or moved, so threads may share `file`. A closed
  /// peer fails with `EPIPE` and raises `SIGPIPE`, which `sendfile` can't suppress:
  /// call ``Signals/ignoreBrokenPipe()`` first.
  ///
  /// - Parameters:
  ///   - file: The file to read.
  ///   - offset: Where in the file to start.
  ///   - count: The most bytes to send.
  /// - Returns: How many bytes were sent, at least 1 unless `count` is 0 or `offset`
  ///   is at the file's end.
  /// - Throws: A ``SyscallError`` for `sendfile`, e.g. `EPIPE` or `ECONNRESET`.
  ///
  /// The corresponding C function is `sendfile(2)`.
  public func sendFile(from file: MemoryFile, offset: Int, count: Int) throws(SyscallError) -> Int {
    var position = off_t(offset)
    return try systemCall("sendfile") {
      Glibc.sendfile(descriptor, file.descriptor, &position, count)
    }
  }

  /// Bytes written to this TCP socket that the peer has not acknowledged yet, unsent
  /// ones included; a sent FIN counts as one until it is acknowledged.
  ///
  /// Zero means everything written is in the peer's kernel: received, though perhaps
  /// not yet read.
  ///
  /// - Throws: A ``SyscallError`` for `ioctl`, e.g. `EINVAL` on a listening socket.
  ///
  /// The corresponding C function is `ioctl(2)` with `SIOCOUTQ` (tcp(7)).
  public var unacknowledgedBytes: Int {
    get throws(SyscallError) {
      var bytes: CInt = 0
      _ = try systemCall("ioctl", "SIOCOUTQ") { cbondperf_unacknowledged_bytes(descriptor, &bytes) }
      return Int(bytes)
    }
  }
}

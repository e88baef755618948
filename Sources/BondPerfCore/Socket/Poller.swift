import Glibc

/// Waits for any of several descriptors to become readable.
public enum Poller {
  /// The descriptors among `descriptors` that are readable (or hung up)
  /// within `timeout`; empty on timeout.
  ///
  /// The corresponding C function is `poll(2)`.
  public static func readable(_ descriptors: [CInt], timeout: Duration) throws(SyscallError)
    -> [CInt]
  {
    var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let milliseconds = timeout.pollMilliseconds
    let ready = try systemCall("poll") {
      entries.withUnsafeMutableBufferPointer { buffer in
        Glibc.poll(buffer.baseAddress, nfds_t(buffer.count), milliseconds)
      }
    }
    guard ready > 0 else { return [] }
    return entries.filter { $0.revents != 0 }.map(\.fd)
  }
}

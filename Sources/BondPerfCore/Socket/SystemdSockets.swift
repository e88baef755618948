import Glibc

/// Listening sockets passed by systemd's socket activation (sd_listen_fds(3)):
/// `LISTEN_PID` names this process, `LISTEN_FDS` counts the descriptors, which
/// start at 3. Read once: the variables are removed so children don't inherit them.
///
/// See https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
public enum SystemdSockets {
  /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
  public static let firstDescriptor: CInt = 3

  /// The inherited listening sockets; empty when none were passed to this process.
  ///
  /// - Throws: A ``SyscallError`` when a passed descriptor is not a listening
  ///   TCP socket (a unit with `Accept=yes`, or a datagram socket).
  public static func inherited() throws(SyscallError) -> [SharedSocket] {
    guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }),
      let countText = getenv("LISTEN_FDS").map({ String(cString: $0) })
    else { return [] }
    unsetenv("LISTEN_PID")
    unsetenv("LISTEN_FDS")
    unsetenv("LISTEN_FDNAMES")
    guard let pid = Int32(pidText), pid == getpid(), let count = Int32(countText), count > 0
    else { return [] }
    var sockets: [SharedSocket] = []
    for descriptor in firstDescriptor..<(firstDescriptor + count) {
      _ = try systemCall("fcntl", "F_SETFD on inherited descriptor \(descriptor)") {
        fcntl(descriptor, F_SETFD, FD_CLOEXEC)
      }
      let socket = Socket(adopting: descriptor)
      let listening: CInt
      let type: CInt
      do {
        listening = try socket.getOption(level: SOL_SOCKET, name: SO_ACCEPTCONN, as: CInt.self)
        type = try socket.getOption(level: SOL_SOCKET, name: SO_TYPE, as: CInt.self)
      } catch {
        _ = socket.releaseDescriptor()
        throw SyscallError(
          call: "getsockopt", errno: error.errno,
          detail: "on inherited descriptor \(descriptor) (LISTEN_FDS)")
      }
      guard listening != 0, type == CInt(SOCK_STREAM.rawValue) else {
        _ = socket.releaseDescriptor()
        throw SyscallError(
          call: "socket activation", errno: nil,
          detail: "descriptor \(descriptor)",
          message: "not a listening TCP socket (use ListenStream= without Accept=yes)")
      }
      sockets.append(SharedSocket(socket))
    }
    return sockets
  }
}

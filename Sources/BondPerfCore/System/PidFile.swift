import Glibc

/// iperf3's `-I/--pidfile FILE`: the process id in a file while the process runs.
public struct PidFile: Sendable {
  public let path: String

  /// Writes this process's id to `path` (replacing what was there).
  ///
  /// - Throws: A ``PerfError`` naming the file when it can't be written.
  public init(writing path: String) throws {
    self.path = path
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw PerfError("unable to write PID file \(path): \(Errno.current)")
    }
    defer { close(descriptor) }
    let text = "\(getpid())"
    let written = text.withCString { write(descriptor, $0, strlen($0)) }
    guard written == text.utf8.count else {
      throw PerfError("unable to write PID file \(path): \(Errno.current)")
    }
  }

  /// Removes the file (at exit).
  public func remove() {
    unlink(path)
  }
}

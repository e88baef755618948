import Glibc

/// A file descriptor that reports are written to: standard output, standard
/// error, or a log file opened for appending.
///
/// Writes go through `write(2)` directly, so a closed pipe (`bondperf -s | head`)
/// is an `EPIPE` error to handle, not a trap; `SIGPIPE` is ignored at startup
/// (``Signals/ignoreBrokenPipe()``).
public struct OutputFile: Sendable {
  /// The descriptor written to.
  public let descriptor: Int32

  private init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  /// File descriptor 1.
  public static let standardOutput = OutputFile(descriptor: STDOUT_FILENO)
  /// File descriptor 2.
  public static let standardError = OutputFile(descriptor: STDERR_FILENO)

  /// Opens `path` for appending, creating it (mode 0644) if missing, as
  /// iperf3's `--logfile` does. The descriptor stays open for the process's life.
  ///
  /// The corresponding C function is `open(2)` with `O_APPEND | O_CREAT`.
  public static func appending(to path: String) throws(SyscallError) -> OutputFile {
    let descriptor = try systemCall("open", path) {
      open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    }
    return OutputFile(descriptor: descriptor)
  }

  /// Writes all of `bytes`, calling `write` as often as needed.
  ///
  /// The corresponding C function is `write(2)`.
  public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SyscallError) {
    var offset = 0
    while offset < bytes.count {
      let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
      offset += try systemCall("write", "to descriptor \(descriptor)") {
        Glibc.write(descriptor, rest.baseAddress, rest.count)
      }
    }
  }
}

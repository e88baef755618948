import Glibc

/// The file of iperf3's `-F/--file`: a sending stream reads its data from it, a
/// receiving one writes what arrives to it. Each stream opens the file on its own, as
/// iperf3's streams do.
public final class DiskFile {
  private let descriptor: CInt

  /// Opens `path` for reading (a sender) or creates/truncates it for writing (a receiver).
  ///
  /// - Throws: A ``SyscallError`` for `open`, naming the file.
  init(path: String, writing: Bool) throws(SyscallError) {
    let flags = writing ? (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC)
    descriptor = try systemCall("open", "-F \(path)") { open(path, flags, 0o600) }
  }

  deinit { close(descriptor) }

  /// Reads up to `buffer.count` bytes; 0 at the end of the file.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> Int {
    try systemCall("read", "-F file") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
  }

  /// Writes all of `bytes`.
  func write(_ bytes: UnsafeRawBufferPointer) throws(SyscallError) {
    var offset = 0
    while offset < bytes.count {
      let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
      offset += try systemCall("write", "-F file") {
        Glibc.write(descriptor, rest.baseAddress, rest.count)
      }
    }
  }

  /// The size of the file at `path`, or nil if it can't be read.
  public static func size(of path: String) -> Int64? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Int64(status.st_size)
  }
}

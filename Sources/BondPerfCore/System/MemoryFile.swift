import CBondPerfLinux
import Glibc

/// A file that lives only in memory, for ``Socket/sendFile(from:offset:count:)`` to
/// read from: the kernel hands its pages to the socket without a copy from user memory.
///
/// Written once when created and only read afterwards, so one file can feed every
/// stream of a process (`sendfile(2)` with an explicit offset never moves the file
/// position). The descriptor is closed when the value goes away.
public final class MemoryFile: Sendable {
  /// The descriptor; owned by this value, so don't close it yourself.
  public let descriptor: CInt
  /// How many bytes the file holds.
  public let size: Int

  /// Creates the file and writes `contents` into it.
  ///
  /// - Parameters:
  ///   - name: A name for `/proc/PID/fd` listings; it needs not be unique.
  ///   - contents: The bytes the file holds.
  /// - Throws: A ``SyscallError`` for `memfd_create` or `pwrite`.
  ///
  /// The corresponding C functions are `memfd_create(2)` and `pwrite(2)`.
  public init(name: String, contents: UnsafeRawBufferPointer) throws(SyscallError) {
    let descriptor = try systemCall("memfd_create", name) { cbondperf_memfd_create(name) }
    var written = 0
    while written < contents.count {
      let rest = UnsafeRawBufferPointer(rebasing: contents[written...])
      do {
        written += try systemCall("pwrite", "to memory file \(name)") {
          Glibc.pwrite(descriptor, rest.baseAddress, rest.count, off_t(written))
        }
      } catch {
        _ = Glibc.close(descriptor)
        throw error
      }
    }
    self.descriptor = descriptor
    self.size = contents.count
  }

  deinit {
    _ = Glibc.close(descriptor)
  }
}

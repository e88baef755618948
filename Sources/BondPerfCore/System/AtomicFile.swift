import Glibc

/// Replaces a file's contents atomically: readers see the old file or the new
/// one, never half of it (what node_exporter's textfile collector asks of the
/// files it reads).
///
/// The bytes go to `PATH.tmp.PID` in the same directory (mode 0644, so a
/// collector running as another user can read it), are synced, and the file
/// is renamed over `PATH`. On failure the temporary file is removed.
public enum AtomicFile {
  /// Writes `text` to `path`.
  ///
  /// The corresponding C functions are `open(2)`, `write(2)`, `fsync(2)` and `rename(2)`.
  public static func write(_ text: String, to path: String) throws(SyscallError) {
    let temporary = "\(path).tmp.\(getpid())"
    let descriptor = try systemCall("open", temporary) {
      open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }
    do {
      let bytes = Array(text.utf8)
      let buffer = UnsafeMutableRawBufferPointer.allocate(
        byteCount: max(bytes.count, 1), alignment: 1)
      defer { buffer.deallocate() }
      buffer.copyBytes(from: bytes)
      var offset = 0
      while offset < bytes.count {
        let rest = UnsafeRawBufferPointer(rebasing: buffer[offset..<bytes.count])
        offset += try systemCall("write", temporary) {
          Glibc.write(descriptor, rest.baseAddress, rest.count)
        }
      }
      // open's mode is masked by the umask; the collector must be able to read it.
      _ = try systemCall("fchmod", temporary) { fchmod(descriptor, 0o644) }
      _ = try systemCall("fsync", temporary) { fsync(descriptor) }
    } catch {
      _ = Glibc.close(descriptor)
      _ = unlink(temporary)
      throw error
    }
    _ = Glibc.close(descriptor)
    do {
      _ = try systemCall("rename", "\(temporary) to \(path)") { rename(temporary, path) }
    } catch {
      _ = unlink(temporary)
      throw error
    }
  }
}

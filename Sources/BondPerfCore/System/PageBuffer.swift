import Glibc

/// Page-aligned memory from an anonymous mapping, unmapped when the value goes away.
///
/// Pages cost resident memory only once they are written, so a receive buffer that
/// the kernel never writes into (``Socket/receive(discarding:)``) costs none.
/// `@unchecked Sendable`: the mapping's address never changes; what threads do with
/// the bytes is up to the owner (bondperf fills its payload once, then only reads it).
public final class PageBuffer: @unchecked Sendable {
  /// The mapped bytes, zero until written.
  public let bytes: UnsafeMutableRawBufferPointer

  /// Maps `byteCount` bytes of zeroed, page-aligned memory.
  ///
  /// - Parameter byteCount: The size; more than 0.
  /// - Throws: A ``SyscallError`` for `mmap`, e.g. `ENOMEM`.
  ///
  /// The corresponding C function is `mmap(2)`.
  public init(byteCount: Int) throws(SyscallError) {
    let address = Glibc.mmap(
      nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let address, address != MAP_FAILED else {
      throw SyscallError(call: "mmap", errno: .current, detail: "of \(byteCount) bytes")
    }
    bytes = UnsafeMutableRawBufferPointer(start: address, count: byteCount)
  }

  deinit {
    _ = Glibc.munmap(bytes.baseAddress, bytes.count)
  }
}

/// A socket shared between the session thread and one stream's worker thread.
///
/// The wrapped ``Socket`` holds only its descriptor, and the kernel makes
/// `send`, `recv` and `shutdown` on one descriptor from different threads
/// safe. The descriptor is closed when the last reference goes, so it is
/// never closed under a worker.
public final class SharedSocket: Sendable {
  public let socket: Socket

  public init(_ socket: consuming Socket) {
    self.socket = socket
  }

  public var descriptor: Int32 { socket.descriptor }
}

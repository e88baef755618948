/// A connection returned by ``Socket/accept()``: the new socket and the peer's address.
///
/// A struct because a tuple can't hold a noncopyable ``Socket``.
@frozen
public struct AcceptedConnection: ~Copyable, Sendable {
  /// The connected socket.
  ///
  /// Take it from a named value (`let accepted = try listener.accept()`, then
  /// `let socket = accepted.socket`): Swift 6.3.1 rejects `try listener.accept().socket`
  /// with a "copy of noncopyable typed value" compiler-bug error. `@frozen` is what allows taking one
  /// field of a noncopyable struct from another module.
  public var socket: Socket
  /// The peer's address; IPv4-mapped addresses are reported as plain IPv4.
  public var peer: SocketAddress
}

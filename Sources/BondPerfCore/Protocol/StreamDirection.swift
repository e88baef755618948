/// The direction data flows on one data connection.
public enum StreamDirection: Sendable, Hashable, CustomStringConvertible {
  case clientToServer
  case serverToClient

  /// The side that writes data on such a stream.
  public var sender: Role { self == .clientToServer ? .client : .server }

  /// Whether `role` sends on such a stream (otherwise it only reads).
  public func isSender(_ role: Role) -> Bool { sender == role }

  public var description: String {
    self == .clientToServer ? "client-to-server" : "server-to-client"
  }
}

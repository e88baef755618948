/// Which end of an iperf3 test a process plays.
public enum Role: Sendable, Hashable, CustomStringConvertible {
  /// The side started with `-c`; it opens every connection and ends the test.
  case client
  /// The side started with `-s`.
  case server

  /// The other end.
  public var peer: Role { self == .client ? .server : .client }

  public var description: String { self == .client ? "client" : "server" }
}

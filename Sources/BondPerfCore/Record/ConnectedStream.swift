/// One data connection as it was opened.
public struct ConnectedStream: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var local: SocketAddress
  public var remote: SocketAddress
  public var localSends: Bool
  /// The slave the stream was predicted to leave on (when a bond is known).
  public var predictedSlave: Int?
  /// Ports tried before this one was free (pinning's busy-port fallback).
  public var replacedPorts: [UInt16] = []

  public init(
    id: Int, socket: Int32, local: SocketAddress, remote: SocketAddress, localSends: Bool,
    predictedSlave: Int? = nil, replacedPorts: [UInt16] = []
  ) {
    self.id = id
    self.socket = socket
    self.local = local
    self.remote = remote
    self.localSends = localSends
    self.predictedSlave = predictedSlave
    self.replacedPorts = replacedPorts
  }
}

/// iperf3's per-socket options beyond the test parameters: what this host sets on its
/// own control and data sockets (`-S`/`--dscp`, `-L`, `--snd-timeout`, `--cntl-ka`,
/// `--dont-fragment`, `-m`). A server also applies the client's `TOS` and `flowlabel`
/// parameters to its data sockets.
public struct SocketTuning: Sendable, Hashable {
  /// IP type of service / IPv6 traffic class octet for data sockets (`-S`, `--dscp`).
  public var typeOfService: Int?
  /// IPv6 flow label for data connections (`-L`); the client leases and sends it.
  public var flowLabel: UInt32?
  /// `TCP_USER_TIMEOUT` in milliseconds for data sockets (`--snd-timeout`).
  public var sendTimeoutMilliseconds: Int?
  /// Keepalive on the control connection (`--cntl-ka`).
  public var controlKeepAlive: KeepAlive?
  /// Set IPv4's don't-fragment bit on data sockets (`--dont-fragment`).
  public var dontFragment = false
  /// Open MPTCP sockets instead of TCP ones (`-m`).
  public var multipath = false

  public init() {}

  /// The protocol number for ``Socket/init(family:type:protocol:)``.
  public var socketProtocol: CInt { multipath ? mptcpProtocol : 0 }

  /// Applies the data-socket options to `socket` before it connects (or right after
  /// it is accepted).
  ///
  /// - Throws: A ``PerfError`` naming the option the kernel refused.
  public func applyToData(_ socket: borrowing Socket, family: AddressFamily) throws {
    if let typeOfService {
      do {
        try socket.setTypeOfService(typeOfService, family: family)
      } catch {
        throw PerfError(
          .network, "unable to set IP TOS to \(typeOfService) (-S): \(error)", underlying: error)
      }
    }
    if let sendTimeoutMilliseconds {
      do {
        try socket.setUserTimeout(milliseconds: sendTimeoutMilliseconds)
      } catch {
        throw PerfError(
          .network, "unable to set TCP_USER_TIMEOUT (--snd-timeout): \(error)", underlying: error)
      }
    }
    if dontFragment && family == .ipv4 {
      do {
        try socket.setDontFragment()
      } catch {
        throw PerfError(
          .network, "unable to set IPv4 don't fragment (--dont-fragment): \(error)",
          underlying: error)
      }
    }
  }

  /// Applies the control-connection options (`--cntl-ka`).
  public func applyToControl(_ socket: borrowing Socket) throws {
    guard let controlKeepAlive else { return }
    do {
      try socket.setKeepAlive(controlKeepAlive)
    } catch {
      throw PerfError(
        .network, "unable to set control connection keepalive (--cntl-ka): \(error)",
        underlying: error)
    }
  }

  /// Leases and sets the flow label for a connection to `server` and returns the address
  /// to connect to, carrying it; `server` unchanged without `-L` or for IPv4.
  public func flowLabelled(_ socket: borrowing Socket, toward server: SocketAddress) throws
    -> SocketAddress
  {
    guard let flowLabel, flowLabel != 0, server.family == .ipv6 else { return server }
    do {
      try socket.requestFlowLabel(flowLabel, toward: server.ip)
    } catch {
      throw PerfError(
        .network, "unable to set IPv6 flow label \(flowLabel) (-L): \(error)", underlying: error)
    }
    var labelled = server
    labelled.flowInfo = flowLabel & 0xF_FFFF
    return labelled
  }
}

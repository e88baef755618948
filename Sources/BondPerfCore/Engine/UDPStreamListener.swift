/// The server's UDP "listener" for one test (iperf3's `iperf_udp_listen` and
/// `iperf_udp_accept`): a datagram socket bound to the server's port. The first
/// datagram of a new stream tells it the client's address; the socket is then
/// connected to that client and becomes the stream's, a fresh socket takes over
/// the port, and the client gets iperf3's reply.
///
/// Linux hands a datagram to the connected socket whose peer matches it before
/// an unconnected one on the same port, so each stream's socket gets its own.
final class UDPStreamListener {
  private var socket: SharedSocket
  private let configuration: ServerConfiguration
  private let port: UInt16
  private let window: Int?

  /// What one datagram on the listener led to.
  enum Arrival {
    /// A stream: its connected socket and the client's address.
    case stream(SharedSocket, SocketAddress)
    /// A datagram from outside `--allow`, dropped.
    case refused(SocketAddress)
  }

  init(configuration: ServerConfiguration, port: UInt16, window: Int?) throws {
    self.configuration = configuration
    self.port = port
    self.window = window
    socket = try UDPStreamListener.bind(configuration, port: port, window: window)
  }

  var descriptor: Int32 { socket.descriptor }

  /// A datagram socket bound to `port` like the TCP listener (dual-stack `::`
  /// unless an address or family is given), sharing the port (`SO_REUSEADDR`).
  private static func bind(_ configuration: ServerConfiguration, port: UInt16, window: Int?)
    throws -> SharedSocket
  {
    let address: IPAddress
    if let bind = configuration.bindAddress {
      address = bind
    } else {
      address = configuration.family == .ipv4 ? .unspecifiedIPv4 : .unspecifiedIPv6
    }
    do {
      let socket = try Socket(family: address.isIPv4 ? .ipv4 : .ipv6, type: .datagram)
      try socket.setReuseAddress(true)
      if !address.isIPv4 { try socket.setIPv6Only(configuration.family == .ipv6) }
      if let device = configuration.bindDevice { try socket.bindToDevice(device) }
      if let window {
        try socket.setSendBufferSize(window)
        try socket.setReceiveBufferSize(window)
      }
      try socket.bind(to: SocketAddress(ip: address, port: port))
      return SharedSocket(socket)
    } catch {
      throw PerfError(.network, "unable to start the UDP listener on port \(port): \(error)")
    }
  }

  /// Takes the next datagram, if one is queued, and makes a stream of it.
  func accept() throws -> Arrival? {
    var buffer = [UInt8](repeating: 0, count: 64)
    let arrival = try buffer.withUnsafeMutableBytes { raw in
      try socket.socket.receiveFrom(into: raw)
    }
    guard let (_, sender) = arrival else { return nil }
    guard configuration.allows(sender.unmapped.ip) else { return .refused(sender.unmapped) }
    let stream = socket
    do {
      try stream.socket.connect(to: sender)
    } catch {
      throw PerfError(.network, "unable to connect the UDP stream to \(sender): \(error)")
    }
    socket = try UDPStreamListener.bind(configuration, port: port, window: window)
    do {
      try stream.socket.sendAll(UDPHandshake.reply)
    } catch {
      throw PerfError(.network, "unable to answer the UDP stream from \(sender): \(error)")
    }
    return .stream(stream, sender.unmapped)
  }
}

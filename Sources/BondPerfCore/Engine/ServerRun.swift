import Foundation
import Synchronization

/// The server's accept loop and one test at a time, on the server's thread.
final class ServerRun {
  let server: Server
  let listener: SharedSocket
  var configuration: ServerConfiguration { server.configuration }
  var testNumber = 1

  init(server: Server, listener: SharedSocket) {
    self.server = server
    self.listener = listener
  }

  /// The listening socket: dual-stack `::` unless an address or family is given.
  static func listen(_ configuration: ServerConfiguration) throws -> SharedSocket {
    let address: IPAddress
    if let bind = configuration.bindAddress {
      address = bind
    } else {
      address = configuration.family == .ipv4 ? .unspecifiedIPv4 : .unspecifiedIPv6
    }
    let socket = try Socket(family: address.isIPv4 ? .ipv4 : .ipv6)
    try socket.setReuseAddress(true)
    if !address.isIPv4 { try socket.setIPv6Only(configuration.family == .ipv6) }
    if let device = configuration.bindDevice { try socket.bindToDevice(device) }
    do {
      try socket.bind(to: SocketAddress(ip: address, port: configuration.port))
      try socket.listen(backlog: 128)
    } catch {
      throw PerfError("unable to start listener for connections: \(error)")
    }
    return SharedSocket(socket)
  }

  func serve() throws {
    while !server.isStopping {
      let observer = server.makeObserver()
      observer.notice(
        "-----------------------------------------------------------\n"
          + "Server listening on \(configuration.port) (test #\(testNumber))\n"
          + "-----------------------------------------------------------")
      var accepted: AcceptedConnection?
      while accepted == nil && !server.isStopping {
        if !(try Poller.readable([listener.descriptor], timeout: .milliseconds(200))).isEmpty {
          accepted = try listener.socket.accept()
        }
      }
      guard let connection = accepted.take() else { return }
      let peer = connection.peer
      let socket = connection.socket
      let test = ServerTest(
        run: self, control: ControlConnection(socket, peer: peer), observer: observer)
      test.execute()
      testNumber += 1
      if configuration.oneOff { return }
    }
  }

  /// Refuses a connection that arrives while a test runs (ACCESS_DENIED).
  func refuseNewcomer() {
    guard let accepted = try? listener.socket.accept() else { return }
    let socket = accepted.socket
    try? socket.sendAll([ControlMessage.accessDenied.byte])
    socket.close()
  }
}

import ArgumentParser
import BondPerfCore

/// `--listen ADDR:PORT` (`[::]:9516`, `127.0.0.1:9516`, `:9516` for every address).
struct ListenAddress: ExpressibleByArgument, CustomStringConvertible {
  var address: SocketAddress

  init?(argument: String) {
    guard let colon = argument.lastIndex(of: ":"),
      let port = UInt16(argument[argument.index(after: colon)...])
    else { return nil }
    var host = argument[..<colon]
    if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
    let ip: IPAddress?
    if host.isEmpty {
      ip = .unspecifiedIPv6
    } else {
      ip = IPAddress(host)
    }
    guard let ip else { return nil }
    address = SocketAddress(ip: ip, port: port)
  }

  var description: String {
    address.ip.isIPv4 ? "\(address.ip):\(address.port)" : "[\(address.ip)]:\(address.port)"
  }
}

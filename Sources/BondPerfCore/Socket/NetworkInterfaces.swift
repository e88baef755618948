import Glibc

/// The host's network interfaces.
public enum Interfaces {
  /// Every IPv4 and IPv6 address assigned to a local interface, with the interface's name.
  ///
  /// - Returns: One entry per address, in the kernel's order; an interface may appear
  ///   several times.
  /// - Throws: A ``SyscallError`` for `getifaddrs`.
  ///
  /// The corresponding C function is `getifaddrs(3)`.
  public static func addresses() throws(SyscallError) -> [(name: String, address: IPAddress)] {
    var list: UnsafeMutablePointer<ifaddrs>?
    _ = try systemCall("getifaddrs") { getifaddrs(&list) }
    defer { freeifaddrs(list) }
    var results: [(name: String, address: IPAddress)] = []
    var entry = list
    while let current = entry {
      entry = current.pointee.ifa_next
      guard let pointer = current.pointee.ifa_addr else { continue }
      let length: Int
      switch CInt(pointer.pointee.sa_family) {
      case AF_INET: length = MemoryLayout<sockaddr_in>.size
      case AF_INET6: length = MemoryLayout<sockaddr_in6>.size
      default: continue
      }
      guard let address = SocketAddress(UnsafePointer(pointer), length: socklen_t(length)) else {
        continue
      }
      results.append((String(cString: current.pointee.ifa_name), address.ip))
    }
    return results
  }

  /// The name of the interface that holds `address`, such as `"bond0"`.
  ///
  /// - Parameter address: A local address; IPv4-mapped IPv6 is matched as IPv4.
  /// - Returns: The first interface with that address, or `nil` if none has it.
  /// - Throws: A ``SyscallError`` for `getifaddrs`.
  ///
  /// The corresponding C function is `getifaddrs(3)`.
  public static func name(holding address: IPAddress) throws(SyscallError) -> String? {
    let wanted = address.unmappedIPv4 ?? address
    return try addresses().first { $0.address == wanted }?.name
  }

  /// The kernel's index of the named interface.
  ///
  /// - Parameter name: An interface name such as `"eth0"`.
  /// - Returns: The index (at least 1), or `nil` if there is no such interface.
  ///
  /// The corresponding C function is `if_nametoindex(3)`.
  public static func index(of name: String) -> Int? {
    let index = if_nametoindex(name)
    return index == 0 ? nil : Int(index)
  }
}

extension Interfaces {
  /// The local address the kernel would use toward `remote` (a connected UDP
  /// socket's name; no packet is sent).
  ///
  /// The corresponding C functions are `connect` and `getsockname`.
  public static func localAddress(toward remote: SocketAddress) throws(SyscallError)
    -> SocketAddress
  {
    let socket = try Socket(family: remote.family, type: .datagram)
    try socket.connect(to: SocketAddress(ip: remote.ip, port: remote.port == 0 ? 9 : remote.port))
    return try socket.localAddress
  }
}

import Glibc

/// An IP protocol family.
public enum AddressFamily: Hashable, Sendable, CaseIterable {
  /// IPv4 (`AF_INET`).
  case ipv4
  /// IPv6 (`AF_INET6`).
  case ipv6

  /// The C constant, `AF_INET` or `AF_INET6`.
  var rawValue: CInt {
    switch self {
    case .ipv4: AF_INET
    case .ipv6: AF_INET6
    }
  }

  /// The family of a C `sa_family_t` value, or `nil` for a non-IP family.
  init?(rawValue: CInt) {
    switch rawValue {
    case AF_INET: self = .ipv4
    case AF_INET6: self = .ipv6
    default: return nil
    }
  }
}

/// An IP address and a TCP or UDP port: one end of a connection.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
  /// The IP address.
  public var ip: IPAddress
  /// The port, in host byte order.
  public var port: UInt16
  /// IPv6 flow information sent with `connect` (the flow label, `-L`); 0 for none.
  public var flowInfo: UInt32 = 0

  /// Creates a socket address.
  ///
  /// - Parameters:
  ///   - ip: The IPv4 or IPv6 address.
  ///   - port: The port, in host byte order; 0 asks `bind` for any free port.
  public init(ip: IPAddress, port: UInt16) {
    self.ip = ip
    self.port = port
  }

  /// The address family of ``ip``.
  public var family: AddressFamily { ip.isIPv4 ? .ipv4 : .ipv6 }

  /// This address with an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) turned into plain
  /// IPv4, as a dual-stack listener reports IPv4 peers; otherwise unchanged.
  public var unmapped: SocketAddress {
    guard let v4 = ip.unmappedIPv4 else { return self }
    return SocketAddress(ip: v4, port: port)
  }

  /// This address as an IPv6 socket needs it: IPv4 becomes IPv4-mapped IPv6.
  var mappedToIPv6: SocketAddress {
    guard ip.isIPv4,
      let v6 = IPAddress(bytes: [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + ip.bytes)
    else { return self }
    return SocketAddress(ip: v6, port: port)
  }

  /// iperf3's wording: "198.18.0.2 port 5201".
  public var description: String { "\(ip) port \(port)" }

  /// Calls `body` with this address as a `sockaddr_in` or `sockaddr_in6`.
  ///
  /// - Parameter body: Receives the C address and its length; valid only during the call.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws.
  func withSockAddr<Result, Failure: Error>(
    _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    if ip.isIPv4 {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: ip.bytes) }
      return try withUnsafePointer(to: &address) { (pointer) throws(Failure) -> Result in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          (generic) throws(Failure) -> Result in
          try body(generic, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    } else {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = port.bigEndian
      address.sin6_flowinfo = flowInfo.bigEndian
      withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: ip.bytes) }
      return try withUnsafePointer(to: &address) { (pointer) throws(Failure) -> Result in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          (generic) throws(Failure) -> Result in
          try body(generic, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
      }
    }
  }

  /// Reads a `sockaddr_in` or `sockaddr_in6`; `nil` for any other family or a short length.
  ///
  /// - Parameters:
  ///   - pointer: The C address.
  ///   - length: Its length in bytes, as the kernel reported it.
  init?(_ pointer: UnsafePointer<sockaddr>, length: socklen_t) {
    let raw = UnsafeRawPointer(pointer)
    switch CInt(pointer.pointee.sa_family) {
    case AF_INET where Int(length) >= MemoryLayout<sockaddr_in>.size:
      let address = raw.loadUnaligned(as: sockaddr_in.self)
      let bytes = withUnsafeBytes(of: address.sin_addr) { [UInt8]($0) }
      guard let ip = IPAddress(bytes: bytes) else { return nil }
      self.init(ip: ip, port: UInt16(bigEndian: address.sin_port))
    case AF_INET6 where Int(length) >= MemoryLayout<sockaddr_in6>.size:
      let address = raw.loadUnaligned(as: sockaddr_in6.self)
      let bytes = withUnsafeBytes(of: address.sin6_addr) { [UInt8]($0) }
      guard let ip = IPAddress(bytes: bytes) else { return nil }
      self.init(ip: ip, port: UInt16(bigEndian: address.sin6_port))
    default:
      return nil
    }
  }

  /// Reads whatever `body` (`accept`, `getsockname`, ...) writes into a `sockaddr_storage`.
  ///
  /// - Parameters:
  ///   - call: The C function's name, for errors.
  ///   - body: Makes the call with the storage and its in-out length.
  /// - Returns: The call's result and the address it wrote.
  /// - Throws: A ``SyscallError`` for the call, or if the address isn't IPv4 or IPv6.
  static func reading<T: FixedWidthInteger>(
    call: String,
    _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> T
  ) throws(SyscallError) -> (result: T, address: SocketAddress) {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = try withUnsafeMutablePointer(to: &storage) {
      (pointer) throws(SyscallError) -> T in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        (generic) throws(SyscallError) -> T in
        try systemCall(call) { body(generic, &length) }
      }
    }
    let address = withUnsafePointer(to: &storage) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        SocketAddress($0, length: length)
      }
    }
    guard let address else {
      throw SyscallError(call: call, errno: nil, message: "not an IPv4 or IPv6 address")
    }
    return (result, address)
  }

  /// Resolves a host name or address text to socket addresses, in the resolver's order.
  ///
  /// - Parameters:
  ///   - host: A name ("localhost") or numeric address; empty with `passive` means
  ///     the wildcard address.
  ///   - port: The port to put in every result.
  ///   - family: Only this family, or `nil` for both.
  ///   - passive: Addresses to `bind` a listener to rather than to connect to (`AI_PASSIVE`).
  /// - Returns: The distinct addresses, never empty.
  /// - Throws: A ``SyscallError`` naming the host, with `gai_strerror`'s text.
  ///
  /// The corresponding C function is `getaddrinfo`.
  public static func resolve(
    host: String, port: UInt16, family: AddressFamily? = nil, passive: Bool = false
  ) throws(SyscallError) -> [SocketAddress] {
    var hints = addrinfo()
    hints.ai_family = family?.rawValue ?? AF_UNSPEC
    hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
    var list: UnsafeMutablePointer<addrinfo>?
    var code: CInt = 0
    let node: String? = host.isEmpty && passive ? nil : host
    let detail = "for \(host.isEmpty ? "(any address)" : host)"
    // getaddrinfo reports errno only with EAI_SYSTEM; map that to -1 for the retry loop.
    _ = try systemCall("getaddrinfo", detail) { () -> CInt in
      code = getaddrinfo(node, String(port), &hints, &list)
      return code == EAI_SYSTEM ? -1 : 0
    }
    defer { if let list { freeaddrinfo(list) } }
    guard code == 0 else {
      throw SyscallError(
        call: "getaddrinfo", errno: nil, detail: detail,
        message: String(cString: gai_strerror(code)))
    }
    var results: [SocketAddress] = []
    var entry = list
    while let current = entry {
      if let pointer = current.pointee.ai_addr,
        let address = SocketAddress(pointer, length: current.pointee.ai_addrlen),
        !results.contains(address)
      {
        results.append(address)
      }
      entry = current.pointee.ai_next
    }
    guard !results.isEmpty else {
      throw SyscallError(
        call: "getaddrinfo", errno: nil, detail: detail, message: "no IPv4 or IPv6 address")
    }
    return results
  }
}

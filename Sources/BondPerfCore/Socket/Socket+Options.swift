import Glibc

// Linux values from <netinet/tcp.h>, which the Glibc module may not export.
private let tcpMaxSegment: CInt = 2  // TCP_MAXSEG
private let tcpCongestion: CInt = 13  // TCP_CONGESTION
/// The longest congestion control name, with its NUL (`TCP_CA_NAME_MAX`).
private let congestionNameCapacity = 16

extension Socket {
  /// Sets a fixed-size socket option.
  ///
  /// - Parameters:
  ///   - level: The protocol level, such as `SOL_SOCKET` or `IPPROTO_TCP`.
  ///   - name: The option, such as `SO_SNDBUF`.
  ///   - value: The value, passed by its bytes.
  /// - Throws: A ``SyscallError`` for `setsockopt`.
  ///
  /// The corresponding C function is `setsockopt(2)`.
  public func setOption<Value: BitwiseCopyable>(
    level: CInt, name: CInt, to value: Value
  ) throws(SyscallError) {
    try setOption(level: level, name: name, to: value, label: "option \(name)")
  }

  /// Reads a fixed-size socket option.
  ///
  /// - Parameters:
  ///   - level: The protocol level, such as `SOL_SOCKET` or `IPPROTO_TCP`.
  ///   - name: The option, such as `SO_SNDBUF`.
  ///   - type: The option's C type.
  /// - Returns: The value; storage is zeroed first, as Linux may write fewer bytes.
  /// - Throws: A ``SyscallError`` for `getsockopt`.
  ///
  /// The corresponding C function is `getsockopt(2)`.
  public func getOption<Value: BitwiseCopyable>(
    level: CInt, name: CInt, as type: Value.Type = Value.self
  ) throws(SyscallError) -> Value {
    try getOption(level: level, name: name, as: type, label: "option \(name)")
  }

  func setOption<Value: BitwiseCopyable>(
    level: CInt, name: CInt, to value: Value, label: String
  ) throws(SyscallError) {
    _ = try withUnsafeBytes(of: value) { (bytes) throws(SyscallError) in
      try setOption(level: level, name: name, bytes: bytes, label: label)
    }
  }

  func setOption(
    level: CInt, name: CInt, bytes: UnsafeRawBufferPointer, label: String
  ) throws(SyscallError) {
    _ = try systemCall("setsockopt", label) {
      setsockopt(descriptor, level, name, bytes.baseAddress, socklen_t(bytes.count))
    }
  }

  func getOption<Value: BitwiseCopyable>(
    level: CInt, name: CInt, as type: Value.Type, label: String
  ) throws(SyscallError) -> Value {
    let bytes = try getOption(
      level: level, name: name, capacity: MemoryLayout<Value>.size, label: label)
    return bytes.withUnsafeBytes { $0.loadUnaligned(as: Value.self) }
  }

  /// Reads an option into `capacity` zeroed bytes.
  ///
  /// - Returns: The bytes: `capacity` of them, of which the kernel filled `filled`.
  func getOption(
    level: CInt, name: CInt, capacity: Int, label: String
  ) throws(SyscallError) -> [UInt8] {
    try getOptionBytes(level: level, name: name, capacity: capacity, label: label).bytes
  }

  /// Reads an option into `capacity` zeroed bytes and says how many the kernel wrote.
  func getOptionBytes(
    level: CInt, name: CInt, capacity: Int, label: String
  ) throws(SyscallError) -> (bytes: [UInt8], filled: Int) {
    var bytes = [UInt8](repeating: 0, count: capacity)
    var length = socklen_t(capacity)
    let result = bytes.withUnsafeMutableBytes { (buffer) -> Result<CInt, SyscallError> in
      Result { () throws(SyscallError) -> CInt in
        try systemCall("getsockopt", label) {
          getsockopt(descriptor, level, name, buffer.baseAddress, &length)
        }
      }
    }
    _ = try result.get()
    return (bytes, Int(length))
  }

  /// Turns Nagle's algorithm off (`true`) or on.
  ///
  /// The corresponding C function is `setsockopt(2)` with `TCP_NODELAY`.
  public func setNoDelay(_ enabled: Bool) throws(SyscallError) {
    try setOption(
      level: CInt(IPPROTO_TCP), name: TCP_NODELAY, to: CInt(enabled ? 1 : 0),
      label: "TCP_NODELAY")
  }

  /// Whether Nagle's algorithm is off.
  ///
  /// The corresponding C function is `getsockopt(2)` with `TCP_NODELAY`.
  public var noDelay: Bool {
    get throws(SyscallError) {
      try getOption(
        level: CInt(IPPROTO_TCP), name: TCP_NODELAY, as: CInt.self, label: "TCP_NODELAY")
        != 0
    }
  }

  /// Allows binding to an address still in `TIME_WAIT` (for listeners).
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_REUSEADDR`.
  public func setReuseAddress(_ enabled: Bool) throws(SyscallError) {
    try setOption(
      level: SOL_SOCKET, name: SO_REUSEADDR, to: CInt(enabled ? 1 : 0), label: "SO_REUSEADDR")
  }

  /// Requests a send buffer size in bytes; Linux doubles it for bookkeeping and caps it
  /// at `net.core.wmem_max`.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_SNDBUF`.
  public func setSendBufferSize(_ bytes: Int) throws(SyscallError) {
    try setOption(level: SOL_SOCKET, name: SO_SNDBUF, to: CInt(clamping: bytes), label: "SO_SNDBUF")
  }

  /// The send buffer size in bytes, as the kernel reports it (double the request).
  ///
  /// The corresponding C function is `getsockopt(2)` with `SO_SNDBUF`.
  public var sendBufferSize: Int {
    get throws(SyscallError) {
      Int(try getOption(level: SOL_SOCKET, name: SO_SNDBUF, as: CInt.self, label: "SO_SNDBUF"))
    }
  }

  /// Requests a receive buffer size in bytes; Linux doubles it and caps it at
  /// `net.core.rmem_max`.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_RCVBUF`.
  public func setReceiveBufferSize(_ bytes: Int) throws(SyscallError) {
    try setOption(level: SOL_SOCKET, name: SO_RCVBUF, to: CInt(clamping: bytes), label: "SO_RCVBUF")
  }

  /// The receive buffer size in bytes, as the kernel reports it (double the request).
  ///
  /// The corresponding C function is `getsockopt(2)` with `SO_RCVBUF`.
  public var receiveBufferSize: Int {
    get throws(SyscallError) {
      Int(try getOption(level: SOL_SOCKET, name: SO_RCVBUF, as: CInt.self, label: "SO_RCVBUF"))
    }
  }

  /// Sets the largest TCP segment to send (iperf3 `-M`); set it before connecting.
  ///
  /// The corresponding C function is `setsockopt(2)` with `TCP_MAXSEG`.
  public func setMaxSegmentSize(_ bytes: Int) throws(SyscallError) {
    try setOption(
      level: CInt(IPPROTO_TCP), name: tcpMaxSegment, to: CInt(clamping: bytes),
      label: "TCP_MAXSEG")
  }

  /// The maximum segment size: the requested value before connecting, the effective
  /// one after.
  ///
  /// The corresponding C function is `getsockopt(2)` with `TCP_MAXSEG`.
  public var maxSegmentSize: Int {
    get throws(SyscallError) {
      Int(
        try getOption(
          level: CInt(IPPROTO_TCP), name: tcpMaxSegment, as: CInt.self, label: "TCP_MAXSEG"))
    }
  }

  /// Chooses the congestion control algorithm, such as `"cubic"` or `"bbr"` (iperf3 `-C`).
  ///
  /// - Parameter name: One of `net.ipv4.tcp_available_congestion_control` (or, when
  ///   privileged, any loadable one).
  /// - Throws: A ``SyscallError`` naming the algorithm, e.g. `ENOENT` for an unknown one.
  ///
  /// The corresponding C function is `setsockopt(2)` with `TCP_CONGESTION`.
  public func setCongestionControl(_ name: String) throws(SyscallError) {
    let bytes = Array(name.utf8)
    let result = bytes.withUnsafeBytes { (buffer) -> Result<Void, SyscallError> in
      Result { () throws(SyscallError) in
        try setOption(
          level: CInt(IPPROTO_TCP), name: tcpCongestion, bytes: buffer,
          label: "TCP_CONGESTION \(name)")
      }
    }
    try result.get()
  }

  /// The congestion control algorithm in use, such as `"cubic"`.
  ///
  /// The corresponding C function is `getsockopt(2)` with `TCP_CONGESTION`.
  public var congestionControl: String {
    get throws(SyscallError) {
      let bytes = try getOption(
        level: CInt(IPPROTO_TCP), name: tcpCongestion, capacity: congestionNameCapacity,
        label: "TCP_CONGESTION")
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// Sends and receives only through the named interface.
  ///
  /// The routing table is bypassed. Needs `CAP_NET_RAW` (root).
  ///
  /// - Parameter interface: An interface name such as `"eth0"`; empty removes the binding.
  /// - Throws: A ``SyscallError`` naming the interface: `ENODEV` for an unknown one,
  ///   `EPERM` without the privilege.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_BINDTODEVICE`.
  public func bindToDevice(_ interface: String) throws(SyscallError) {
    let bytes = Array(interface.utf8) + [0]
    let result = bytes.withUnsafeBytes { (buffer) -> Result<Void, SyscallError> in
      Result { () throws(SyscallError) in
        try setOption(
          level: SOL_SOCKET, name: SO_BINDTODEVICE, bytes: buffer,
          label: "SO_BINDTODEVICE \(interface)")
      }
    }
    try result.get()
  }

  /// On an IPv6 socket, accepts only IPv6 (`true`) or IPv4-mapped peers too (`false`).
  ///
  /// The corresponding C function is `setsockopt(2)` with `IPV6_V6ONLY`.
  public func setIPv6Only(_ enabled: Bool) throws(SyscallError) {
    try setOption(
      level: CInt(IPPROTO_IPV6), name: IPV6_V6ONLY, to: CInt(enabled ? 1 : 0),
      label: "IPV6_V6ONLY")
  }

  /// Makes a blocking receive wait until `bytes` are queued (or the stream ends, or the
  /// receive timeout passes) instead of waking for every segment.
  ///
  /// Linux grows the receive buffer to fit, unless `SO_RCVBUF` was set.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_RCVLOWAT`.
  public func setReceiveLowWaterMark(_ bytes: Int) throws(SyscallError) {
    try setOption(
      level: SOL_SOCKET, name: SO_RCVLOWAT, to: CInt(clamping: bytes), label: "SO_RCVLOWAT")
  }

  /// Makes a blocking receive fail with `EAGAIN` after `timeout`; `.zero` waits forever.
  /// A receive that has some bytes by then returns them instead.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_RCVTIMEO`.
  public func setReceiveTimeout(_ timeout: Duration) throws(SyscallError) {
    try setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, to: timeval(timeout), label: "SO_RCVTIMEO")
  }

  /// Makes a blocking send fail with `EAGAIN` after `timeout`; `.zero` waits forever.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_SNDTIMEO`.
  public func setSendTimeout(_ timeout: Duration) throws(SyscallError) {
    try setOption(level: SOL_SOCKET, name: SO_SNDTIMEO, to: timeval(timeout), label: "SO_SNDTIMEO")
  }
}

extension timeval {
  /// A non-negative duration as seconds and microseconds.
  fileprivate init(_ duration: Duration) {
    let (seconds, attoseconds) = max(duration, .zero).components
    self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
  }
}

import Glibc

// Linux values from <netinet/tcp.h>, <netinet/in.h> and <linux/in6.h>, which the
// Glibc module may not export.
private let tcpKeepIdle: CInt = 4  // TCP_KEEPIDLE
private let tcpKeepInterval: CInt = 5  // TCP_KEEPINTVL
private let tcpKeepCount: CInt = 6  // TCP_KEEPCNT
private let tcpUserTimeout: CInt = 18  // TCP_USER_TIMEOUT
private let ipTOS: CInt = 1  // IP_TOS
private let ipMTUDiscover: CInt = 10  // IP_MTU_DISCOVER
private let ipPMTUDiscoverDo: CInt = 2  // IP_PMTUDISC_DO
private let ipv6TrafficClass: CInt = 67  // IPV6_TCLASS
private let ipv6FlowLabelManager: CInt = 32  // IPV6_FLOWLABEL_MGR
private let ipv6FlowInfoSend: CInt = 33  // IPV6_FLOWINFO_SEND

/// The protocol number of MPTCP (`IPPROTO_MPTCP`), for ``Socket/init(family:type:protocol:)``.
public let mptcpProtocol: CInt = 262

/// TCP keepalive probes on a connection (iperf3's `--cntl-ka[=IDLE/INTERVAL/COUNT]`);
/// a nil part keeps the system's setting.
public struct KeepAlive: Sendable, Hashable {
  /// Seconds of silence before the first probe (`TCP_KEEPIDLE`).
  public var idle: Int?
  /// Seconds between probes (`TCP_KEEPINTVL`).
  public var interval: Int?
  /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`).
  public var count: Int?

  public init(idle: Int? = nil, interval: Int? = nil, count: Int? = nil) {
    self.idle = idle
    self.interval = interval
    self.count = count
  }
}

extension Socket {
  /// Sets the IP type of service (IPv4 `IP_TOS`) or traffic class (IPv6 `IPV6_TCLASS`)
  /// of what this socket sends (`-S`, `--dscp`).
  ///
  /// - Parameters:
  ///   - value: The whole octet, 0-255 (DSCP is its upper six bits).
  ///   - family: The socket's family.
  /// - Throws: A ``SyscallError`` for `setsockopt`.
  ///
  /// The corresponding C function is `setsockopt(2)` with `IP_TOS` or `IPV6_TCLASS`.
  public func setTypeOfService(_ value: Int, family: AddressFamily) throws(SyscallError) {
    if family == .ipv6 {
      try setOption(
        level: CInt(IPPROTO_IPV6), name: ipv6TrafficClass, to: CInt(value), label: "IPV6_TCLASS")
      // A dual-stack socket may carry IPv4 too; the kernel takes IP_TOS for that part.
      try? setOption(level: CInt(IPPROTO_IP), name: ipTOS, to: CInt(value), label: "IP_TOS")
    } else {
      try setOption(level: CInt(IPPROTO_IP), name: ipTOS, to: CInt(value), label: "IP_TOS")
    }
  }

  /// The type of service this socket sends with (IPv4 `IP_TOS`, IPv6 `IPV6_TCLASS`).
  public func typeOfService(family: AddressFamily) throws(SyscallError) -> Int {
    if family == .ipv6 {
      return Int(
        try getOption(
          level: CInt(IPPROTO_IPV6), name: ipv6TrafficClass, as: CInt.self, label: "IPV6_TCLASS"))
    }
    return Int(try getOption(level: CInt(IPPROTO_IP), name: ipTOS, as: CInt.self, label: "IP_TOS"))
  }

  /// Drops the connection when sent data stays unacknowledged this long
  /// (`TCP_USER_TIMEOUT`, iperf3's `--snd-timeout`).
  ///
  /// The corresponding C function is `setsockopt(2)` with `TCP_USER_TIMEOUT`.
  public func setUserTimeout(milliseconds: Int) throws(SyscallError) {
    try setOption(
      level: CInt(IPPROTO_TCP), name: tcpUserTimeout, to: CUnsignedInt(clamping: milliseconds),
      label: "TCP_USER_TIMEOUT")
  }

  /// The `TCP_USER_TIMEOUT` in force, in milliseconds (0: the system's retransmission limits).
  public var userTimeout: Int {
    get throws(SyscallError) {
      Int(
        try getOption(
          level: CInt(IPPROTO_TCP), name: tcpUserTimeout, as: CUnsignedInt.self,
          label: "TCP_USER_TIMEOUT"))
    }
  }

  /// Turns on TCP keepalive (`SO_KEEPALIVE`) with `keepAlive`'s timings.
  ///
  /// The corresponding C function is `setsockopt(2)` with `SO_KEEPALIVE`,
  /// `TCP_KEEPIDLE`, `TCP_KEEPINTVL` and `TCP_KEEPCNT`.
  public func setKeepAlive(_ keepAlive: KeepAlive) throws(SyscallError) {
    try setOption(level: SOL_SOCKET, name: SO_KEEPALIVE, to: CInt(1), label: "SO_KEEPALIVE")
    let tcp = CInt(IPPROTO_TCP)
    if let idle = keepAlive.idle {
      try setOption(level: tcp, name: tcpKeepIdle, to: CInt(clamping: idle), label: "TCP_KEEPIDLE")
    }
    if let interval = keepAlive.interval {
      try setOption(
        level: tcp, name: tcpKeepInterval, to: CInt(clamping: interval), label: "TCP_KEEPINTVL")
    }
    if let count = keepAlive.count {
      try setOption(level: tcp, name: tcpKeepCount, to: CInt(clamping: count), label: "TCP_KEEPCNT")
    }
  }

  /// Whether `SO_KEEPALIVE` is on.
  public var keepAliveEnabled: Bool {
    get throws(SyscallError) {
      try getOption(level: SOL_SOCKET, name: SO_KEEPALIVE, as: CInt.self, label: "SO_KEEPALIVE")
        != 0
    }
  }

  /// Sets the IPv4 don't-fragment bit on everything sent (`IP_PMTUDISC_DO`,
  /// iperf3's `--dont-fragment`); IPv6 never fragments on the way.
  ///
  /// The corresponding C function is `setsockopt(2)` with `IP_MTU_DISCOVER`.
  public func setDontFragment() throws(SyscallError) {
    try setOption(
      level: CInt(IPPROTO_IP), name: ipMTUDiscover, to: ipPMTUDiscoverDo, label: "IP_MTU_DISCOVER")
  }

  /// Leases IPv6 flow label `label` toward `destination` and sends it (`-L`): the label
  /// then goes in the `sin6_flowinfo` of ``connect(to:timeout:cancelled:)``.
  ///
  /// - Parameters:
  ///   - label: The flow label, 1-0xFFFFF.
  ///   - destination: The IPv6 peer the lease is for.
  /// - Throws: A ``SyscallError`` for `setsockopt`.
  ///
  /// The corresponding C function is `setsockopt(2)` with `IPV6_FLOWLABEL_MGR`
  /// (`IPV6_FL_A_GET`, `IPV6_FL_F_CREATE`, `IPV6_FL_S_ANY`) and `IPV6_FLOWINFO_SEND`.
  public func requestFlowLabel(_ label: UInt32, toward destination: IPAddress) throws(SyscallError)
  {
    // struct in6_flowlabel_req: flr_dst (16), flr_label (4, network order), flr_action (1),
    // flr_share (1), flr_flags (2), flr_expires (2), flr_linger (2), padding (4).
    var request = [UInt8](repeating: 0, count: 32)
    for (index, byte) in destination.bytes.prefix(16).enumerated() { request[index] = byte }
    let labelBytes = withUnsafeBytes(of: (label & 0xF_FFFF).bigEndian) { [UInt8]($0) }
    request.replaceSubrange(16..<20, with: labelBytes)
    request[20] = 0  // IPV6_FL_A_GET
    request[21] = 255  // IPV6_FL_S_ANY
    withUnsafeBytes(of: UInt16(1)) { request.replaceSubrange(22..<24, with: $0) }  // F_CREATE
    var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: request) }
    _ = try withUnsafeBytes(of: storage) { (bytes) throws(SyscallError) in
      try setOption(
        level: CInt(IPPROTO_IPV6), name: ipv6FlowLabelManager, bytes: bytes,
        label: "IPV6_FLOWLABEL_MGR")
    }
    try setOption(
      level: CInt(IPPROTO_IPV6), name: ipv6FlowInfoSend, to: CInt(1), label: "IPV6_FLOWINFO_SEND")
  }
}

import Glibc

/// The kernel's neighbour tables (ARP and IPv6 neighbour discovery), read over
/// rtnetlink with an `RTM_GETNEIGH` dump, as `ip neigh` reads them.
///
/// IPv6 neighbours are not in `/proc`, so this is how a client finds an IPv6
/// peer's MAC for the hash policies that include MACs. The message layouts are
/// the kernel's `include/uapi/linux/netlink.h`, `rtnetlink.h` and `neighbour.h`.
public enum NeighborDump {
  /// One resolved or unresolved entry of the dump.
  public struct Entry: Hashable, Sendable {
    public var interfaceIndex: Int32
    public var address: IPAddress
    /// `nil` when the entry carries no link-layer address (unresolved).
    public var mac: MACAddress?
    /// The `NUD_*` state bits (`NUD_REACHABLE` = 0x02, `NUD_FAILED` = 0x20, ...).
    public var state: UInt16

    /// Whether the entry is usable for a prediction: a MAC, and not failed or incomplete.
    public var isResolved: Bool { mac != nil && state & (0x20 | 0x01) == 0 }
  }

  static let getNeighbor: UInt16 = 30  // RTM_GETNEIGH
  static let newNeighbor: UInt16 = 28  // RTM_NEWNEIGH
  static let done: UInt16 = 3  // NLMSG_DONE
  static let error: UInt16 = 2  // NLMSG_ERROR
  static let destination: UInt16 = 1  // NDA_DST
  static let linkAddress: UInt16 = 2  // NDA_LLADDR

  /// Every neighbour of `family` (`AF_INET` or `AF_INET6`).
  ///
  /// - Throws: A ``SyscallError`` if the netlink socket can't be used.
  public static func entries(family: CInt) throws(SyscallError) -> [Entry] {
    let descriptor = try systemCall("socket", "(netlink route)") {
      Glibc.socket(AF_NETLINK, CInt(SOCK_RAW.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
    }
    defer { _ = Glibc.close(descriptor) }
    let request = Self.request(family: UInt8(family), sequence: 1)
    // Unbound and unconnected, a netlink socket sends to the kernel (port 0).
    _ = try systemCall("send", "(RTM_GETNEIGH)") {
      request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
    }
    var entries: [Entry] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = try systemCall("recv", "(RTM_GETNEIGH dump)") {
        buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      }
      guard count > 0 else { return entries }
      switch Self.parse(Array(buffer[0..<count]), into: &entries) {
      case .more: continue
      case .done: return entries
      case .failed(let errno):
        throw SyscallError(call: "RTM_GETNEIGH", errno: Errno(rawValue: errno), detail: "")
      }
    }
  }

  /// The `RTM_GETNEIGH` dump request: `nlmsghdr` then `ndmsg`.
  static func request(family: UInt8, sequence: UInt32) -> [UInt8] {
    var bytes: [UInt8] = []
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    append(UInt32(28))  // nlmsg_len: 16 + sizeof(ndmsg) 12
    append(getNeighbor)
    append(UInt16(0x301))  // NLM_F_REQUEST | NLM_F_DUMP
    append(sequence)
    append(UInt32(0))  // nlmsg_pid: the kernel
    bytes.append(family)  // ndm_family
    bytes.append(contentsOf: [0, 0, 0])  // padding
    append(Int32(0))  // ndm_ifindex: all
    append(UInt16(0))  // ndm_state
    bytes.append(contentsOf: [0, 0])  // ndm_flags, ndm_type
    return bytes
  }

  /// What one datagram of the dump said.
  enum Progress: Equatable {
    case more
    case done
    case failed(CInt)
  }

  /// Parses one datagram of netlink messages, appending the neighbours found.
  /// Malformed lengths end the datagram (the rest is ignored), never a crash.
  static func parse(_ bytes: [UInt8], into entries: inout [Entry]) -> Progress {
    var offset = 0
    while offset + 16 <= bytes.count {
      let length = Int(read(UInt32.self, bytes, offset))
      let type = read(UInt16.self, bytes, offset + 4)
      guard length >= 16, offset + length <= bytes.count else { return .more }
      switch type {
      case done: return .done
      case error:
        let code = offset + 20 <= bytes.count ? read(Int32.self, bytes, offset + 16) : 0
        return code == 0 ? .done : .failed(-code)
      case newNeighbor:
        if let entry = neighbor(Array(bytes[(offset + 16)..<(offset + length)])) {
          entries.append(entry)
        }
      default: break
      }
      offset += (length + 3) & ~3
    }
    return .more
  }

  /// An `ndmsg` and its attributes.
  static func neighbor(_ body: [UInt8]) -> Entry? {
    guard body.count >= 12 else { return nil }
    let interfaceIndex = read(Int32.self, body, 4)
    let state = read(UInt16.self, body, 8)
    var address: IPAddress?
    var mac: MACAddress?
    var offset = 12
    while offset + 4 <= body.count {
      let length = Int(read(UInt16.self, body, offset))
      let type = read(UInt16.self, body, offset + 2) & 0x3FFF
      guard length >= 4, offset + length <= body.count else { break }
      let value = Array(body[(offset + 4)..<(offset + length)])
      if type == destination { address = IPAddress(bytes: value) }
      if type == linkAddress { mac = MACAddress(bytes: value) }
      offset += (length + 3) & ~3
    }
    guard let address else { return nil }
    return Entry(interfaceIndex: interfaceIndex, address: address, mac: mac, state: state)
  }

  static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
    var value = T.zero
    withUnsafeMutableBytes(of: &value) { target in
      for index in 0..<MemoryLayout<T>.size { target[index] = bytes[offset + index] }
    }
    return T(littleEndian: value)
  }
}

import Foundation
import Synchronization

/// Calibration's eyes: while a probe test runs, counts each probe flow's
/// packets per slave they arrived on, with a packet tap on every watched
/// slave. On the server the flows are the client's TCP packets to the test's
/// port; on the client, the server's packets from it. Either way a flow is
/// keyed by the client's port, and other traffic on the slaves is ignored.
final class ArrivalRecorder: Sendable {
  let slaves: [String]
  /// The address the counted packets come from.
  let client: IPAddress
  let serverPort: UInt16
  /// True on the client: count packets from `serverPort` (keyed by their destination port).
  let fromServer: Bool
  private let stopping = Atomic<Bool>(false)
  private let state = Mutex(State())
  private let finished = Mutex<Bool>(false)

  private struct State {
    var packets: [UInt16: [Int]] = [:]
    var error: String?
    var running = false
  }

  /// - Parameters:
  ///   - peer: The host whose packets are counted (the client on a server).
  ///   - fromServer: Count the server's packets from `serverPort` (on the client).
  init(slaves: [String], client peer: IPAddress, serverPort: UInt16, fromServer: Bool = false) {
    self.slaves = slaves
    self.client = peer.unmappedIPv4 ?? peer
    self.serverPort = serverPort
    self.fromServer = fromServer
  }

  /// Opens the taps and starts counting on a thread of its own; returns once
  /// the taps are open (or failed, which ``report()`` then says).
  func start() {
    let opened = DispatchSemaphore(value: 0)
    let thread = Thread { [self] in
      var taps: [PacketTap] = []
      do {
        for name in slaves { taps.append(try PacketTap(interface: name)) }
      } catch {
        state.withLock { $0.error = "cannot watch the slaves per packet: \(error)" }
        opened.signal()
        return
      }
      state.withLock { $0.running = true }
      opened.signal()
      run(taps)
      finished.withLock { $0 = true }
    }
    thread.name = "bondperf-arrivals"
    thread.start()
    opened.wait()
  }

  private func run(_ taps: [PacketTap]) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 8)
    defer { buffer.deallocate() }
    let descriptors = taps.map(\.descriptor)
    var failed: String?
    while !stopping.load(ordering: .relaxed) && failed == nil {
      guard let ready = try? Poller.readable(descriptors, timeout: .milliseconds(20)) else {
        break
      }
      for (index, tap) in taps.enumerated() where ready.contains(tap.descriptor) {
        do {
          try drain(tap, slave: index, buffer: buffer)
        } catch {
          failed = "reading the packet tap failed: \(error)"
        }
      }
    }
    for (index, tap) in taps.enumerated() { try? drain(tap, slave: index, buffer: buffer) }
    if let failed { state.withLock { $0.error = failed } }
  }

  private func drain(_ tap: PacketTap, slave: Int, buffer: UnsafeMutableRawBufferPointer) throws {
    var seen: [UInt16] = []
    while let frame = try tap.nextIncoming(into: buffer) {
      let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<frame.captured])
      if let port = ArrivalRecorder.clientPort(
        of: bytes, ethertype: frame.ethertype, from: client, serverPort: serverPort,
        fromServer: fromServer)
      {
        seen.append(port)
      }
    }
    guard !seen.isEmpty else { return }
    let count = slaves.count
    state.withLock { state in
      for port in seen {
        state.packets[port, default: Array(repeating: 0, count: count)][slave] += 1
      }
    }
  }

  /// The TCP source port of a packet from `client` to `toPort`; nil for any other packet.
  static func sourcePort(
    of packet: UnsafeRawBufferPointer, ethertype: UInt16, from client: IPAddress, toPort: UInt16
  ) -> UInt16? {
    clientPort(
      of: packet, ethertype: ethertype, from: client, serverPort: toPort, fromServer: false)
  }

  /// The client's port of a TCP packet from `peer`: to `serverPort` (its
  /// source port), or with `fromServer` from `serverPort` (its destination
  /// port); nil for any other packet.
  static func clientPort(
    of packet: UnsafeRawBufferPointer, ethertype: UInt16, from client: IPAddress,
    serverPort: UInt16, fromServer: Bool
  ) -> UInt16? {
    let transport: Int
    switch ethertype {
    case 0x0800:
      guard packet.count >= 20, packet[9] == 6, client.isIPv4,
        packet[12..<16].elementsEqual(client.bytes)
      else { return nil }
      transport = Int(packet[0] & 0x0f) * 4
    case 0x86dd:
      guard packet.count >= 40, packet[6] == 6, !client.isIPv4,
        packet[8..<24].elementsEqual(client.bytes)
      else { return nil }
      transport = 40
    default:
      return nil
    }
    guard packet.count >= transport + 4 else { return nil }
    let source = UInt16(packet[transport]) << 8 | UInt16(packet[transport + 1])
    let destination = UInt16(packet[transport + 2]) << 8 | UInt16(packet[transport + 3])
    if fromServer { return source == serverPort ? destination : nil }
    return destination == serverPort ? source : nil
  }

  /// Stops counting and returns the results member for the client.
  func report() -> (String, JSONValue) {
    stopping.store(true, ordering: .relaxed)
    let running = state.withLock { $0.running }
    if running {
      let deadline = ContinuousClock.now + .seconds(1)
      while !finished.withLock({ $0 }) && ContinuousClock.now < deadline {
        Thread.sleep(forTimeInterval: 0.002)
      }
    }
    let snapshot = state.withLock { $0 }
    var members: [(String, JSONValue)] = [("slaves", .array(slaves.map { .string($0) }))]
    if let error = snapshot.error {
      members.append(("error", .string(error)))
    }
    members.append(
      (
        "flows",
        .array(
          snapshot.packets.keys.sorted().map { port in
            .object([
              ("port", .int(Int64(port))),
              ("packets", .array((snapshot.packets[port] ?? []).map { .int(Int64($0)) })),
            ])
          })
      ))
    return ("bondperf_arrivals", .object(members))
  }
}

import Foundation

/// One round of calibration probes: an ordinary iperf3-protocol test whose
/// cookie asks a bondperf server where each stream arrived
/// (``Cookie/calibration()``). Every stream binds one candidate source port,
/// sends ``bytesPerProbe`` and waits until the server has them; then the test
/// ends and the server's results carry `bondperf_arrivals`: per source port,
/// how many packets came in on each of its slaves. An iperf3 server runs a
/// short test and sends no arrivals.
public struct CalibrationProbe: Sendable {
  public var server: SocketAddress
  public var bindAddress: IPAddress?
  public var bindDevice: String?
  public var connectTimeout: Duration = .seconds(5)
  public var controlTimeout: Duration = .seconds(10)
  /// The client's slaves, watched per packet for the server-to-client direction
  /// (`-R`, `--bidir`); empty to watch nothing here.
  public var localSlaves: [String] = []
  /// What each probe sends: enough packets to see one flow spread over slaves.
  public static let bytesPerProbe = 12 * 1024

  public init(server: SocketAddress, bindAddress: IPAddress?, bindDevice: String?) {
    self.server = server
    self.bindAddress = bindAddress
    self.bindDevice = bindDevice
  }

  /// What the server saw of one round.
  public struct Round: Sendable {
    /// Per source port actually used, the packets that arrived on each server slave.
    public var arrivals: [UInt16: [Int]]
    /// The ports that were probed, in order (a busy candidate is skipped).
    public var probed: [UInt16]
    /// The server's slaves, as it named them; empty when it sent none.
    public var serverSlaves: [String]
    /// Why the server could not say where the probes arrived, if it could not.
    public var serverError: String?
    /// Whether the server sent `bondperf_arrivals` at all (false: iperf3, or an old bondperf).
    public var answered: Bool
    /// Per client port, the server's packets that arrived on each client slave
    /// (with ``localSlaves``).
    public var returns: [UInt16: [Int]] = [:]
    /// Why this host could not watch its own slaves, if it could not.
    public var localError: String?
  }

  /// Runs one round over `ports` (at least one).
  public func run(ports: [UInt16]) throws -> Round {
    var conversation = ClientConversation()
    let controlSocket = try Socket(family: server.family)
    if let bindDevice { try controlSocket.bindToDevice(bindDevice) }
    if let bindAddress { try controlSocket.bind(to: SocketAddress(ip: bindAddress, port: 0)) }
    try controlSocket.connect(to: server, timeout: connectTimeout)
    try controlSocket.setNoDelay(true)
    let control = ControlConnection(controlSocket, peer: server)
    defer { try? control.shared.socket.shutdown(.both) }
    let cookie = Cookie.calibration()
    let pull = { (buffer: inout ControlBuffer) throws -> ClientConversation.Step? in
      try conversation.next(from: &buffer)
    }
    func expect(_ wanted: ClientConversation.Step) throws -> ClientConversation.Step {
      let step = try control.read(
        until: .now + controlTimeout, waitingFor: "\(wanted)", pull)
      if case .refused(let message, _) = step {
        throw PerfError(.serverError, "the server refused the calibration probe (\(message.name))")
      }
      if case .peerResults = step, case .peerResults = wanted { return step }
      guard step == wanted else {
        throw PerfError(.protocolViolation, "expected \(wanted) from the server, got \(step)")
      }
      return step
    }
    try control.send(bytes: conversation.start(cookie: cookie))
    _ = try expect(.sendParameters)
    var parameters = TestParameters()
    parameters.parallel = ports.count
    parameters.time = 5
    try control.send(bytes: conversation.parameters(parameters))
    _ = try expect(.openStreams)
    var local: ArrivalRecorder?
    if !localSlaves.isEmpty {
      let recorder = ArrivalRecorder(
        slaves: localSlaves, client: server.ip, serverPort: server.port, fromServer: true)
      recorder.start()
      local = recorder
    }
    defer { _ = local?.report() }
    var streams: [SharedSocket] = []
    defer { for stream in streams { try? stream.socket.shutdown(.both) } }
    var probed: [UInt16] = []
    for port in ports {
      let (stream, used) = try open(port: port)
      try stream.socket.sendAll(cookie.wireBytes)
      streams.append(stream)
      if let used { probed.append(used) }
    }
    _ = try expect(.testStarted)
    _ = try expect(.testRunning)
    let payload = [UInt8](repeating: 0x5a, count: Self.bytesPerProbe)
    for stream in streams { try stream.socket.sendAll(payload) }
    let deliveredBy = ContinuousClock.now + .seconds(3)
    while ContinuousClock.now < deliveredBy {
      let waiting = streams.contains { ((try? $0.socket.unacknowledgedBytes) ?? 0) > 0 }
      if !waiting { break }
      Thread.sleep(forTimeInterval: 0.002)
    }
    try control.send(bytes: conversation.send(.testEnd))
    _ = try expect(.sendResults)
    let results = TestResults(
      cpuUtilTotal: 0, cpuUtilUser: 0, cpuUtilSystem: 0, senderHasRetransmits: 0,
      streams: StreamID.assignments(parallel: streams.count, mode: .normal).map {
        StreamResult(id: $0.id, bytes: Int64(Self.bytesPerProbe), endTime: 0.1)
      })
    try control.send(bytes: conversation.results(results))
    guard case .peerResults(let peer) = try expect(.peerResults(results)) else {
      throw PerfError(.protocolViolation, "the server sent no results")
    }
    _ = try? expect(.displayResults)
    if let done = try? conversation.send(.iperfDone) { try? control.send(bytes: done) }
    var round = Self.round(from: peer.extra, probed: probed)
    if let local {
      let (_, value) = local.report()
      let seen = Self.round(from: [("bondperf_arrivals", value)], probed: probed)
      round.returns = seen.arrivals
      round.localError = seen.serverError
    }
    return round
  }

  /// A probe socket bound to `port`; the kernel's port when `port` is busy
  /// (the server expects every stream), which then isn't counted as probed.
  private func open(port: UInt16) throws -> (SharedSocket, UInt16?) {
    let unspecified = server.family == .ipv4 ? IPAddress.unspecifiedIPv4 : .unspecifiedIPv6
    let bindIP = bindAddress ?? unspecified
    let socket = try Socket(family: server.family)
    if let bindDevice { try socket.bindToDevice(bindDevice) }
    try socket.setReuseAddress(true)
    do {
      try socket.bind(to: SocketAddress(ip: bindIP, port: port))
      try socket.connect(to: server, timeout: connectTimeout)
      return (SharedSocket(socket), port)
    } catch {
      guard error.errno == .addressInUse || error.errno == .addressNotAvailable else {
        throw PerfError(
          .network, "calibration probe from port \(port): \(error)", underlying: error)
      }
    }
    let fallback = try Socket(family: server.family)
    if let bindDevice { try fallback.bindToDevice(bindDevice) }
    if let bindAddress { try fallback.bind(to: SocketAddress(ip: bindAddress, port: 0)) }
    try fallback.connect(to: server, timeout: connectTimeout)
    return (SharedSocket(fallback), nil)
  }

  /// Reads `bondperf_arrivals` from the server's extra results members.
  static func round(from extra: [(String, JSONValue)], probed: [UInt16]) -> Round {
    guard let value = extra.last(where: { $0.0 == "bondperf_arrivals" })?.1 else {
      return Round(
        arrivals: [:], probed: probed, serverSlaves: [], serverError: nil, answered: false)
    }
    var arrivals: [UInt16: [Int]] = [:]
    for flow in value["flows"]?.arrayValue ?? [] {
      guard let port = flow["port"]?.intValue, let packets = flow["packets"]?.arrayValue,
        let key = UInt16(exactly: port)
      else { continue }
      arrivals[key] = packets.map { Int($0.intValue ?? 0) }
    }
    return Round(
      arrivals: arrivals, probed: probed,
      serverSlaves: (value["slaves"]?.arrayValue ?? []).compactMap(\.stringValue),
      serverError: value["error"]?.stringValue, answered: true)
  }
}

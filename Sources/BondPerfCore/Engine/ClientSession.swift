import Foundation
import Synchronization

/// One client test, start to finish, on the client's own thread: the
/// ``ClientConversation`` on the control connection, the data streams, and
/// the ``Measurement`` between TEST_RUNNING and TEST_END.
final class ClientSession {
  let client: Client
  var configuration: ClientConfiguration { client.configuration }
  var observer: any TestObserver { client.observer }
  var record = TestRecord()
  var conversation = ClientConversation()
  var streams: [DataStream] = []
  /// The parameters sent: the configured ones with UDP's datagram size filled in.
  private var resolvedParameters = TestParameters()

  init(client: Client) {
    self.client = client
  }

  func execute() throws -> TestRecord {
    do {
      try runTest()
      return record
    } catch {
      // Whatever a wait cut short by ^C ended with, the reason is the interrupt.
      let failure =
        client.isInterrupted && (error as? PerfError)?.code != .interrupted
        ? PerfError(
          .interrupted, PerfError.interrupted.message, underlying: error)
        : namingTheServer(error)
      let message = "\(failure)"
      record.error = message
      DataStream.stopAll(streams, shutdown: .both)
      observer.failed(message, record: record)
      throw failure
    }
  }

  /// "HOST port PORT", for error lines that name the server.
  private var serverName: String { "\(configuration.host) port \(configuration.port)" }

  /// A server that vanished mid-test (killed, rebooted) shows up as a closed
  /// control socket: keep iperf3's wording and say which server it was.
  private func namingTheServer(_ error: any Error) -> any Error {
    guard let failure = error as? PerfError, failure.code == .controlClosed else { return error }
    return PerfError(
      .controlClosed,
      "\(failure): the server \(serverName) closed the connection mid-test (did it stop?)")
  }

  /// Pulls the next step of the conversation from the buffer.
  private func pull(_ buffer: inout ControlBuffer) throws -> ClientConversation.Step? {
    do {
      return try conversation.next(from: &buffer)
    } catch {
      throw PerfError(.protocolViolation, "\(error) (server \(serverName))", underlying: error)
    }
  }

  /// Reads the server's next step; a refusal (ACCESS_DENIED,
  /// SERVER_TERMINATE, SERVER_ERROR and its codes) is thrown.
  private func nextStep(_ control: ControlConnection, waitingFor what: String) throws
    -> ClientConversation.Step
  {
    let step: ClientConversation.Step
    do {
      step = try control.read(until: .now + configuration.controlTimeout, waitingFor: what, pull)
    } catch let error as PerfError where conversation.awaiting == .serverErrorCodes {
      throw serverErrorWithoutCodes(control, underlying: error)
    }
    DebugLog.line("received \(step) from the server (waiting for \(what))")
    try throwIfRefused(step)
    return step
  }

  /// Reads the server's next step, which must be `wanted`.
  private func expect(_ wanted: ClientConversation.Step, _ control: ControlConnection) throws {
    let step = try nextStep(control, waitingFor: "\(wanted)")
    guard step == wanted else {
      throw PerfError(.protocolViolation, "expected \(wanted) from the server, got \(step)")
    }
  }

  /// SERVER_ERROR came but its two codes didn't: the server closed or went quiet.
  /// A lone code (iperf3 3.12 refusing credentials) is still reported.
  private func serverErrorWithoutCodes(
    _ control: ControlConnection? = nil, underlying: (any Error)? = nil
  ) -> PerfError {
    if let code = control?.loneServerErrorCode() {
      return PerfError(.serverError, IperfErrorCode.message(iperfErrno: code.rawValue, errno: 0))
    }
    return PerfError(
      .serverError, "the server reported an error and closed the connection",
      underlying: underlying)
  }

  private func throwIfRefused(_ step: ClientConversation.Step) throws {
    guard case .refused(let message, let codes) = step else { return }
    switch message {
    case .accessDenied: throw PerfError.accessDenied
    case .serverTerminate: throw PerfError.serverTerminated
    default:
      guard let codes else { throw serverErrorWithoutCodes() }
      throw PerfError(
        .serverError, IperfErrorCode.message(iperfErrno: codes.code.rawValue, errno: codes.errno))
    }
  }

  private func runTest() throws {
    if let cpu = configuration.cpuAffinity {
      // Stream threads started from here inherit the mask.
      try CPUAffinity.pin(to: cpu)
    }
    let server = try serverAddress()
    let (control, mssDefault) = try connectControl(to: server)
    // As iperf3 does: this line once the control connection is up, -V's lines around it.
    observer.detail("Control connection MSS \(mssDefault)")
    observer.detail("Time: \(IperfJSON.rfc1123(SystemInfo.timestamp()))")
    observer.notice("Connecting to host \(configuration.host), port \(configuration.port)")
    let cookie = Cookie.random()
    try control.send(bytes: conversation.start(cookie: cookie))
    // As iperf3 does, UDP datagrams take the MSS read once the cookie is out.
    let controlMSS = (try? control.shared.socket.maxSegmentSize) ?? mssDefault
    let parameters = UDPDefaults.resolved(configuration.parameters, controlMSS: controlMSS)
    observer.detail("      Cookie: \(cookie.text)")
    if parameters.transport == .tcp {
      observer.detail(
        parameters.mss.map { "      TCP MSS: \($0)" } ?? "      TCP MSS: \(mssDefault) (default)")
    }
    if let rate = parameters.bandwidth, rate > 0 {
      observer.detail("      Target Bitrate: \(rate)")
    }
    if let warning = UDPDefaults.fragmentationWarning(parameters, controlMSS: controlMSS) {
      observer.warning(warning)
    }
    resolvedParameters = parameters
    try expect(.sendParameters, control)
    let outgoing = try authenticated(parameters)
    DebugLog.line("sending parameters: \(String(decoding: parameters.encoded(), as: UTF8.self))")
    try control.send(bytes: conversation.parameters(outgoing))
    try expect(.openStreams, control)
    let assignments = StreamID.assignments(parallel: parameters.parallel, mode: parameters.mode)
    for (index, assignment) in assignments.enumerated() {
      let stream = try openStream(
        index: index, id: assignment.id, localSends: assignment.direction.isSender(.client),
        server: server, cookie: cookie, parameters: parameters)
      streams.append(stream)
    }
    try expect(.testStarted, control)
    try expect(.testRunning, control)

    recordStart(cookie: cookie, mssDefault: mssDefault)
    let measurement = Measurement(
      streams: streams, parameters: parameters, interval: configuration.interval,
      dataPath: configuration.dataPath,
      limits: TestLimits(byteLimit: parameters.num, blockLimit: parameters.blockCount),
      bond: client.bond, observer: observer)
    let interrupted = try measure(measurement, control)

    // Stop sending, take the last (partial) sample, and end the test.
    // Let a send() that was in progress return and be counted before the final
    // sample; otherwise the server can report more bytes received than we sent.
    // No shutdown: a FIN from here would leave this side in TIME_WAIT on its source
    // ports; the server closes the streams when TEST_END arrives.
    let senders = streams.filter(\.localSends)
    DataStream.stopAll(senders, shutdown: nil)
    if parameters.endsByCount && !interrupted {
      // `-n` / `-k` count bytes delivered: TEST_END goes once the server's kernel has
      // them all (it reads its queues dry before its last sample), not while some
      // still wait in our send buffers.
      DataStream.awaitDelivery(of: senders)
    }
    let outcome = measurement.finish(at: .now, role: .client, into: &record)
    if interrupted {
      // What was measured goes out with the error, in one report (iperf3's -J does the same).
      if let bytes = try? conversation.send(.clientTerminate) { try? control.send(bytes: bytes) }
      record.summary = outcome.summary
      throw PerfError.interrupted
    }

    try control.send(bytes: conversation.send(.testEnd))
    try expect(.sendResults, control)
    try control.send(bytes: conversation.results(outcome.results))
    guard case .peerResults(let peer) = try nextStep(control, waitingFor: "the server's results")
    else { throw PerfError(.protocolViolation, "the server sent no results") }
    try expect(.displayResults, control)
    record.summary = try ResultsExchange.merge(outcome.summary, role: .client, peer: peer)
    record.serverOutputJSON = peer.serverOutputJSON
    record.serverOutputText = peer.serverOutputText
    record.peerExtra = peer.extra

    DataStream.stopAll(streams, shutdown: .both)
    try control.send(bytes: conversation.send(.iperfDone))
    try? control.shared.socket.shutdown(.both)
    observer.finished(record)
  }

  /// The server's address: resolved once by the caller, or here.
  private func serverAddress() throws -> SocketAddress {
    if let resolved = configuration.serverAddress { return resolved }
    let addresses = try SocketAddress.resolve(
      host: configuration.host, port: configuration.port, family: configuration.family)
    guard let first = addresses.first else {
      throw PerfError(.network, "\(configuration.host) has no address")
    }
    return first
  }

  /// Connects the control connection; also returns the MSS the kernel chose for it.
  private func connectControl(to server: SocketAddress) throws -> (ControlConnection, Int) {
    let socket = try Socket(family: server.family, protocol: configuration.tuning.socketProtocol)
    try configuration.tuning.applyToControl(socket)
    if let device = configuration.bindDevice { try socket.bindToDevice(device) }
    if let address = configuration.bindAddress {
      try socket.bind(to: SocketAddress(ip: address, port: 0))
    }
    try socket.connect(
      to: server, timeout: configuration.connectTimeout,
      cancelled: { [client] in
        client.isInterrupted
      })
    try socket.setNoDelay(true)
    let mssDefault = (try? socket.maxSegmentSize) ?? 0
    let client = self.client
    let control = ControlConnection(socket, peer: server) { client.isInterrupted }
    return (control, mssDefault)
  }

  /// Records and reports the test's start, once the streams are connected.
  private func recordStart(cookie: Cookie, mssDefault: Int) {
    let parameters = resolvedParameters
    var sndbuf = 0
    var rcvbuf = 0
    if let first = streams.first {
      sndbuf = (try? first.connection.socket.sendBufferSize) ?? 0
      rcvbuf = (try? first.connection.socket.receiveBufferSize) ?? 0
    }
    record.start = StartInfo(
      role: .client, systemInfo: SystemInfo.describe(), timestampSeconds: SystemInfo.timestamp(),
      peerHost: configuration.host, peerPort: configuration.port, cookie: cookie.text,
      tcpMSSDefault: mssDefault, mssOption: parameters.mss, sockBufsize: parameters.window ?? 0,
      sndbufActual: sndbuf, rcvbufActual: rcvbuf, parameters: parameters,
      interval: configuration.interval)
    record.start?.dataPath = configuration.dataPath
    observer.started(record)
  }

  /// Runs the test until its time or byte count is up, reporting intervals
  /// and stalls; true when it was interrupted instead.
  private func measure(_ measurement: Measurement, _ control: ControlConnection) throws -> Bool {
    let parameters = configuration.parameters
    let start = measurement.start
    let limits = measurement.limits
    let endAt: ContinuousClock.Instant? =
      parameters.time > 0 ? start + .seconds(parameters.time + parameters.omit) : nil
    var stalls = StallDetector(
      streams: streams.count, window: configuration.stallWindow.inSeconds)
    let idleLimit = configuration.idleTimeout.inSeconds
    while true {
      if client.isInterrupted { return true }
      let now = ContinuousClock.now
      if !measurement.omitting {
        if let endAt, now >= endAt { return false }
        if limits.hasLimit && limits.reached { return false }
      }
      if let failed = streams.first(where: { $0.error != nil }), let error = failed.error {
        try throwStreamFailure(failed, error, control)
      }
      let cap = now + .milliseconds(limits.hasLimit ? 10 : 100)
      let wake = measurement.wake(before: endAt.map { min($0, cap) } ?? cap)
      if let step = try pollStep(control, until: wake) {
        throw PerfError(
          .protocolViolation, "received an unexpected \(step) from the server during the test")
      }
      let after = ContinuousClock.now
      if !measurement.omitting, let endAt, after >= endAt { return false }
      measurement.sample(at: after, into: &record)
      let idle = watchStalls(&stalls, at: start.duration(to: after).inSeconds)
      if idle >= idleLimit {
        throw PerfError(
          .idle,
          "no data moved on any stream for \(String(format: "%.1f", idle)) s (--rcv-timeout): "
            + "the server \(serverName) or the path to it has stopped")
      }
    }
  }

  /// A stream failed: a server that ends the test (SERVER_ERROR,
  /// SERVER_TERMINATE) sends its reason and then closes the streams, and
  /// that reason beats the EPIPE it caused here.
  private func throwStreamFailure(
    _ failed: DataStream, _ error: SyscallError, _ control: ControlConnection
  ) throws -> Never {
    do {
      _ = try pollStep(control, until: .now + .milliseconds(200))
    } catch let refusal as PerfError
      where [.accessDenied, .serverTerminated, .serverError].contains(refusal.code)
    {
      throw refusal
    } catch {
      // Anything else: the stream's own error says more.
    }
    let server = "(server \(serverName))"
    throw PerfError(
      .network,
      failed.localSends
        ? "unable to write to stream socket: \(error) \(server)"
        : "unable to read from stream socket: \(error) \(server)",
      underlying: error)
  }

  /// A step if the server sent one before `deadline` (a refusal is thrown).
  private func pollStep(_ control: ControlConnection, until deadline: ContinuousClock.Instant)
    throws -> ClientConversation.Step?
  {
    do {
      var step = try control.poll(until: deadline, pull)
      if step == nil && conversation.awaiting == .serverErrorCodes {
        step = try control.read(
          until: .now + .seconds(5), waitingFor: "the SERVER_ERROR codes", pull)
      }
      if let step { try throwIfRefused(step) }
      return step
    } catch let error as PerfError where conversation.awaiting == .serverErrorCodes {
      throw serverErrorWithoutCodes(control, underlying: error)
    }
  }

  /// Feeds the streams' byte counts to `stalls`, records and reports streams
  /// that stalled or moved again, and returns how long no stream has moved.
  private func watchStalls(_ stalls: inout StallDetector, at now: Double) -> Double {
    let findings = stalls.observe(
      bytes: streams.map { $0.bytes.load(ordering: .relaxed) }, at: now)
    for index in findings.resumed {
      let id = streams[index].id
      if let entry = record.stalledStreams.lastIndex(where: { $0.id == id }) {
        record.stalledStreams[entry].resumedAt = now
      }
    }
    guard !findings.newlyStalled.isEmpty else { return findings.allIdleFor }
    let stalled = findings.newlyStalled.map { stall in
      StalledStream(
        id: streams[stall.index].id, socket: streams[stall.index].descriptor,
        predictedSlave: stall.index < record.connected.count
          ? record.connected[stall.index].predictedSlave : nil,
        lastData: stall.lastMoved, idleFor: now - stall.lastMoved)
    }
    record.stalledStreams += stalled
    observer.stalled(stalled, record: record)
    return findings.allIdleFor
  }

  /// The source ports stream `index` may use, in order (nil: the kernel's
  /// choice), the slave it was planned on, and whether the ports are shared
  /// with earlier tests' TIME_WAIT connections (SO_REUSEADDR).
  private func sourcePorts(forStream index: Int) throws -> (
    candidates: [UInt16?], plannedSlave: Int?, reuse: Bool
  ) {
    switch configuration.sourcePorts {
    case .kernel:
      return ([configuration.bindAddress == nil ? nil : 0], nil, false)
    case .consecutive(let first):
      let port = Int(first) + index
      guard port <= 65535 else {
        throw PerfError("--cport \(first) + \(index) is past port 65535; choose a lower --cport")
      }
      return ([UInt16(port)], nil, false)
    case .pinned(let ports):
      guard index < ports.count else {
        throw PerfError("no planned source port for stream \(index)")
      }
      return ([ports[index].port] + ports[index].alternatives, ports[index].slave, true)
    }
  }

  /// A data socket with the test's options (`-w`, `-M`, `-N`, `-C`, `--bind-dev`).
  private func streamSocket(
    family: AddressFamily, parameters: TestParameters, reuse: Bool
  ) throws -> Socket {
    let isUDP = parameters.transport == .udp
    let socket = try Socket(
      family: family, type: isUDP ? .datagram : .stream,
      protocol: isUDP ? 0 : configuration.tuning.socketProtocol)
    try configuration.tuning.applyToData(socket, family: family)
    if let window = parameters.window {
      try socket.setSendBufferSize(window)
      try socket.setReceiveBufferSize(window)
    }
    if let fqRate = parameters.fqRate, fqRate > 0 {
      do {
        try socket.setMaxPacingRate(bytesPerSecond: UInt64(fqRate / 8))
      } catch {
        observer.warning("unable to set socket pacing (--fq-rate): \(error)")
      }
    }
    if isUDP {
      if let device = configuration.bindDevice { try socket.bindToDevice(device) }
      if reuse { try socket.setReuseAddress(true) }
      return socket
    }
    if let mss = parameters.mss { try socket.setMaxSegmentSize(mss) }
    if parameters.noDelay { try socket.setNoDelay(true) }
    if let congestion = parameters.congestion {
      do {
        try socket.setCongestionControl(congestion)
      } catch {
        throw PerfError(
          .network, "unable to set TCP congestion control '\(congestion)': \(error)",
          underlying: error)
      }
    }
    if let device = configuration.bindDevice { try socket.bindToDevice(device) }
    if reuse { try socket.setReuseAddress(true) }
    return socket
  }

  /// Opens data connection `index`: options, source port, connect, cookie. A
  /// planned port that is busy gives way to the next alternative on its slave.
  private func openStream(
    index: Int, id: Int, localSends: Bool, server: SocketAddress, cookie: Cookie,
    parameters: TestParameters
  ) throws -> DataStream {
    let unspecified = server.family == .ipv4 ? IPAddress.unspecifiedIPv4 : .unspecifiedIPv6
    let bindIP = configuration.bindAddress ?? unspecified
    let (candidates, plannedSlave, reuse) = try sourcePorts(forStream: index)
    var replaced: [UInt16] = []
    var lastError: SyscallError?
    for candidate in candidates {
      let socket = try streamSocket(family: server.family, parameters: parameters, reuse: reuse)
      do {
        if let port = candidate {
          try socket.bind(to: SocketAddress(ip: bindIP, port: port))
        }
        try socket.connect(
          to: try configuration.tuning.flowLabelled(socket, toward: server),
          timeout: configuration.connectTimeout,
          cancelled: { [client] in
            client.isInterrupted
          })
      } catch let error as SyscallError {
        let busy = error.errno == .addressInUse || error.errno == .addressNotAvailable
        if busy, let port = candidate, candidates.count > 1 {
          replaced.append(port)
          lastError = error
          continue
        }
        throw PerfError(
          .network, "unable to connect stream \(index + 1): \(error)", underlying: error)
      }
      let udp: UDPCounters?
      if parameters.transport == .udp {
        try udpHandshake(socket, stream: index, parameters: parameters)
        udp = UDPCounters(counters64Bit: parameters.udpCounters64Bit)
      } else {
        try socket.sendAll(cookie.wireBytes)
        udp = nil
      }
      let local = try socket.localAddress
      let shared = SharedSocket(socket)
      let stream = DataStream(
        id: id, localSends: localSends, connection: shared, local: local, remote: server, udp: udp)
      let connected = ConnectedStream(
        id: id, socket: shared.descriptor, local: local, remote: server, localSends: localSends,
        predictedSlave: plannedSlave ?? configuration.slavePredictor?(local, server),
        replacedPorts: replaced)
      record.connected.append(connected)
      observer.connected(connected, record: record)
      return stream
    }
    let ports = replaced.map(String.init).joined(separator: ", ")
    throw PerfError(
      .network,
      "every planned port for stream \(index + 1) was busy (\(ports))"
        + (lastError.map { ": \($0)" } ?? ""),
      underlying: lastError)
  }

  /// iperf3's UDP "connect": the 4-byte datagram that tells the server where the
  /// stream comes from, then its reply. With `-R` up to two data datagrams may
  /// come first, as iperf3 allows.
  private func udpHandshake(
    _ socket: borrowing Socket, stream index: Int, parameters: TestParameters
  )
    throws
  {
    let failure = "unable to connect UDP stream \(index + 1)"
    do {
      try socket.sendAll(UDPHandshake.connectMessage)
      let patience = UDPHandshake.patience(
        reverse: parameters.mode != .normal, blockLength: parameters.effectiveLength)
      let deadline = ContinuousClock.now + configuration.connectTimeout
      var buffer = [UInt8](repeating: 0, count: 65_536)
      var seen = 0
      while seen < patience {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero, try socket.waitReadable(timeout: min(left, Duration.milliseconds(100)))
        else {
          if client.isInterrupted { throw PerfError.interrupted }
          if left > .zero { continue }
          throw PerfError(
            .network,
            "\(failure): the server \(serverName) did not answer within "
              + "\(configuration.connectTimeout) (is UDP port \(configuration.port) blocked?)")
        }
        let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        if count >= 4 && UDPHandshake.isReply(buffer[..<4]) { return }
        seen += max(count, 1)
      }
      throw PerfError(.protocolViolation, "\(failure): the server's reply was not iperf3's")
    } catch let error as SyscallError {
      throw PerfError(.network, "\(failure): \(error) (server \(serverName))", underlying: error)
    }
  }
}

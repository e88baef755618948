import Synchronization
import Foundation

/// One client test, start to finish, on the client's own thread.
final class ClientRun {
  let client: Client
  var configuration: ClientConfiguration { client.configuration }
  var observer: any TestObserver { client.observer }
  var record = TestRecord()
  var state = ProtocolState.initial
  var streams: [DataStream] = []
  var control: ControlConnection?

  init(client: Client) {
    self.client = client
  }

  func execute() throws -> TestRecord {
    do {
      try runTest()
      return record
    } catch {
      client.measuring.store(false, ordering: .relaxed)
      let failure = namingTheServer(error)
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
    guard let failure = error as? PerfError, failure == .controlClosed else { return error }
    return PerfError(
      "\(failure): the server \(serverName) closed the "
        + "connection mid-test (did it stop?)")
  }

  private func transition(_ event: ProtocolEvent) throws {
    state = try state.next(on: event, role: .client)
  }

  private func deadline(_ timeout: Duration) -> ContinuousClock.Instant {
    ContinuousClock.now + timeout
  }

  /// Reads the next message; turns the server's refusals into errors.
  private func expect(_ wanted: ControlMessage, _ control: ControlConnection) throws {
    let message = try control.readMessage(
      until: deadline(configuration.controlTimeout), waitingFor: wanted.name)
    try handleAbort(message, control)
    guard message == wanted else {
      throw PerfError("expected \(wanted.name) from the server, got \(message.name)")
    }
    try transition(.received(message))
  }

  private func handleAbort(_ message: ControlMessage, _ control: ControlConnection) throws {
    switch message {
    case .accessDenied: throw PerfError.accessDenied
    case .serverError: throw control.readServerError(until: deadline(.seconds(5)))
    case .serverTerminate: throw PerfError.serverTerminated
    default: return
    }
  }

  private func runTest() throws {
    let configuration = self.configuration
    let parameters = configuration.parameters
    let mode = parameters.mode
    observer.notice("Connecting to host \(configuration.host), port \(configuration.port)")
    let server: SocketAddress
    if let resolved = configuration.serverAddress {
      server = resolved
    } else {
      let addresses = try SocketAddress.resolve(
        host: configuration.host, port: configuration.port, family: configuration.family)
      guard let first = addresses.first else {
        throw PerfError("\(configuration.host) has no address")
      }
      server = first
    }
    let controlSocket = try Socket(family: server.family)
    if let device = configuration.bindDevice { try controlSocket.bindToDevice(device) }
    if let address = configuration.bindAddress {
      try controlSocket.bind(to: SocketAddress(ip: address, port: 0))
    }
    try controlSocket.connect(to: server, timeout: configuration.connectTimeout)
    try controlSocket.setNoDelay(true)
    let mssDefault = (try? controlSocket.maxSegmentSize) ?? 0
    let control = ControlConnection(controlSocket, peer: server)
    self.control = control

    let cookie = Cookie.random()
    try control.send(bytes: Array(cookie.wireBytes))
    try transition(.cookieExchanged)
    try expect(.paramExchange, control)
    try control.send(bytes: try parameters.framed())
    try transition(.paramsExchanged)
    try expect(.createStreams, control)

    let assignments = StreamID.assignments(parallel: parameters.parallel, mode: mode)
    for (index, assignment) in assignments.enumerated() {
      let stream = try openStream(
        index: index, id: assignment.id, localSends: assignment.direction.isSender(.client),
        server: server, cookie: cookie, parameters: parameters)
      streams.append(stream)
    }

    try expect(.testStart, control)
    try expect(.testRunning, control)
    let start = ContinuousClock.now
    let cpuStart = CPUUsage.now()
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

    let limits = TestLimits(byteLimit: parameters.num, blockLimit: parameters.blockCount)
    let sampler = StreamSampler(
      streams: streams, start: start, omitting: parameters.omit > 0, monitor: client.bond?.monitor)
    for stream in streams {
      stream.start(
        blockLength: parameters.effectiveLength, limits: limits, dataPath: configuration.dataPath,
        batchingReceives: !parameters.endsByCount)
    }

    var clock = IntervalClock(
      start: start, intervalSeconds: configuration.interval, omitSeconds: parameters.omit)
    let endAt: ContinuousClock.Instant? =
      parameters.time > 0 ? start + .seconds(parameters.time + parameters.omit) : nil
    var interrupted = false
    var stalls = StallDetector(
      streams: streams.count, window: configuration.stallWindow.inSeconds)
    let idleLimit = configuration.idleTimeout.inSeconds

    client.measuring.store(true, ordering: .relaxed)
    while true {
      if client.interruption.load(ordering: .relaxed) {
        interrupted = true
        break
      }
      let now = ContinuousClock.now
      if !sampler.omitting {
        if let endAt, now >= endAt { break }
        if limits.hasLimit && limits.reached { break }
      }
      if let failed = streams.first(where: { $0.error != nil }), let error = failed.error {
        // A server that ends the test (SERVER_ERROR, SERVER_TERMINATE) sends its reason
        // and then closes the streams: that reason beats the EPIPE it caused here.
        if let message = try? control.pollMessage(until: .now + .milliseconds(200)) {
          try handleAbort(message, control)
        }
        let server = "(server \(serverName))"
        throw PerfError(
          failed.localSends
            ? "unable to write to stream socket: \(error) \(server)"
            : "unable to read from stream socket: \(error) \(server)")
      }
      let cap = now + .milliseconds(limits.hasLimit ? 10 : 100)
      let wake = clock.wake(before: endAt.map { min($0, cap) } ?? cap)
      if let message = try control.pollMessage(until: wake) {
        try handleAbort(message, control)
        throw PerfError("received an unexpected \(message.name) from the server during the test")
      }
      let after = ContinuousClock.now
      if !sampler.omitting, let endAt, after >= endAt { break }
      let (report, omitEnded) = sampler.step(&clock, at: after)
      if omitEnded { limits.reset() }
      if let report {
        record.intervals.append(report)
        observer.interval(report, record: record)
      }
      let idle = watchStalls(&stalls, at: start.duration(to: after).inSeconds)
      if idle >= idleLimit {
        throw PerfError(
          "no data moved on any stream for \(Units.fixed(idle, decimals: 1)) s (--rcv-timeout): "
            + "the server \(serverName) or the path to it "
            + "has stopped")
      }
    }

    client.measuring.store(false, ordering: .relaxed)

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
    let end = ContinuousClock.now
    let cpu = CPUUsage.now().percent(since: cpuStart)
    if let last = sampler.finish(clock, at: end) {
      record.intervals.append(last)
      observer.interval(last, record: record)
    }
    let congestion = streams.first.flatMap { try? $0.connection.socket.congestionControl }
    var summary = ResultsExchange.summary(
      role: .client, totals: sampler.localTotals(), endTime: sampler.endTime, cpu: cpu,
      congestion: congestion)
    if let monitor = client.bond?.monitor {
      _ = monitor.sampleTotal()
    }

    if interrupted {
      // What was measured goes out with the error, in one report (iperf3's -J does the same).
      try? control.send(.clientTerminate)
      record.summary = summary
      throw PerfError.interrupted
    }

    try control.send(.testEnd)
    try transition(.sent(.testEnd))
    try expect(.exchangeResults, control)
    let local = ResultsExchange.localResults(
      totals: sampler.localTotals(), endTime: sampler.endTime, cpu: cpu, congestion: congestion,
      extra: client.bond?.resultsExtra() ?? [])
    try control.send(bytes: local.framed())
    let peerJSON = try control.readFrame(
      maxLength: Framing.maximumResultsLength, until: deadline(configuration.controlTimeout),
      waitingFor: "the server's results")
    let peer = try TestResults(json: peerJSON)
    try transition(.resultsExchanged)
    try expect(.displayResults, control)
    summary = try ResultsExchange.merge(summary, role: .client, peer: peer)
    record.serverOutputJSON = peer.serverOutputJSON
    record.serverOutputText = peer.serverOutputText
    record.peerExtra = peer.extra

    DataStream.stopAll(streams, shutdown: .both)
    try control.send(.iperfDone)
    try transition(.sent(.iperfDone))
    try? control.shared.socket.shutdown(.both)
    record.summary = summary
    observer.finished(record)
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

  /// Opens data connection `index`: options, source port, connect, cookie.
  private func openStream(
    index: Int, id: Int, localSends: Bool, server: SocketAddress, cookie: Cookie,
    parameters: TestParameters
  ) throws -> DataStream {
    let unspecified = server.family == .ipv4 ? IPAddress.unspecifiedIPv4 : .unspecifiedIPv6
    let bindIP = configuration.bindAddress ?? unspecified
    var candidates: [UInt16?]
    var predicted: Int?
    var reuse = false
    switch configuration.sourcePorts {
    case .kernel:
      candidates = [configuration.bindAddress == nil ? nil : 0]
    case .consecutive(let first):
      let port = Int(first) + index
      guard port <= 65535 else {
        throw PerfError("--cport \(first) + \(index) is past port 65535; choose a lower --cport")
      }
      candidates = [UInt16(port)]
    case .pinned(let ports):
      guard index < ports.count else {
        throw PerfError("no planned source port for stream \(index)")
      }
      candidates = [ports[index].port] + ports[index].alternatives
      predicted = ports[index].slave
      reuse = true
    }
    var replaced: [UInt16] = []
    var lastError: SyscallError?
    for candidate in candidates {
      let socket = try Socket(family: server.family)
      if let window = parameters.window {
        try socket.setSendBufferSize(window)
        try socket.setReceiveBufferSize(window)
      }
      if let mss = parameters.mss { try socket.setMaxSegmentSize(mss) }
      if parameters.noDelay { try socket.setNoDelay(true) }
      if let congestion = parameters.congestion {
        do {
          try socket.setCongestionControl(congestion)
        } catch {
          throw PerfError("unable to set TCP congestion control '\(congestion)': \(error)")
        }
      }
      if let device = configuration.bindDevice { try socket.bindToDevice(device) }
      if reuse { try socket.setReuseAddress(true) }
      do {
        if let port = candidate {
          try socket.bind(to: SocketAddress(ip: bindIP, port: port))
        }
        try socket.connect(to: server, timeout: configuration.connectTimeout)
      } catch {
        let busy = error.errno == .addressInUse || error.errno == .addressNotAvailable
        if busy, let port = candidate, candidates.count > 1 {
          replaced.append(port)
          lastError = error
          continue
        }
        throw PerfError("unable to connect stream \(index + 1): \(error)")
      }
      try socket.sendAll(cookie.wireBytes)
      let local = try socket.localAddress
      let shared = SharedSocket(socket)
      let stream = DataStream(
        id: id, localSends: localSends, connection: shared, local: local, remote: server)
      let connected = ConnectedStream(
        id: id, socket: shared.descriptor, local: local, remote: server, localSends: localSends,
        predictedSlave: predicted ?? configuration.slavePredictor?(local, server),
        replacedPorts: replaced)
      record.connected.append(connected)
      observer.connected(connected, record: record)
      return stream
    }
    throw PerfError(
      "every planned port for stream \(index + 1) was busy (\(replaced.map(String.init).joined(separator: ", ")))"
        + (lastError.map { ": \($0)" } ?? ""))
  }
}

import Foundation
import Synchronization

/// One test on the server side, from the cookie to IPERF_DONE: the
/// ``ServerConversation`` on the control connection, the data streams it
/// accepts, and the ``Measurement`` between TEST_RUNNING and TEST_END.
final class ServerSession {
  let listener: ServerListener
  let control: ControlConnection
  let cookie: Cookie
  let observer: any TestObserver
  var record = TestRecord()
  var conversation: ServerConversation
  var streams: [DataStream] = []
  /// Whether SERVER_ERROR went out; at most one is sent.
  private var errorSent = false
  /// Whether the test was refused for its credentials: a one-off server
  /// (`-1`) then waits for the next client, as iperf3 does.
  var authenticationFailed = false
  /// Where a UDP test's streams arrive, while they do.
  private var udpListener: UDPStreamListener?
  var configuration: ServerConfiguration { listener.configuration }
  private var bond: (any BondWatch)? { listener.server.bond }
  /// Where a calibration probe's packets arrived (only for a calibration cookie).
  private var arrivals: ArrivalRecorder?

  /// - Parameter conversation: The conversation, past the cookie.
  init(
    listener: ServerListener, control: ControlConnection, conversation: ServerConversation,
    cookie: Cookie, observer: any TestObserver
  ) {
    self.listener = listener
    self.control = control
    self.conversation = conversation
    self.cookie = cookie
    self.observer = observer
  }

  func execute() {
    do {
      try serveTest()
    } catch {
      // A byte iperf3 never sends, or a message out of turn: tell the client.
      if let failure = error as? PerfError, failure.code == .protocolViolation {
        sendError(.unknownControlMessage)
      }
      let message = "\(error) (client \(control.peer.ip) port \(control.peer.port))"
      record.error = message
      DataStream.stopAll(streams, shutdown: .both)
      observer.failed(message, record: record)
    }
    try? control.shared.socket.shutdown(.both)
  }

  private func sendError(_ code: IperfErrorCode, errno: Int32 = 0) {
    guard !errorSent else { return }
    errorSent = true
    try? control.send(bytes: Framing.serverError(code, errno: errno))
  }

  /// Sends SERVER_ERROR with `code` and returns the error for the server's log.
  func refusal(
    _ code: IperfErrorCode, _ message: String, underlying: (any Error)? = nil
  ) -> PerfError {
    sendError(code)
    return PerfError(.refused, message, underlying: underlying)
  }

  /// Deadlines for the next control message from the client.
  private func nextMessageDeadline() -> MessageDeadline {
    MessageDeadline(
      firstByteWithin: configuration.receiveTimeout, completeWithin: configuration.messageTimeout)
  }

  private func send(_ message: ControlMessage) throws {
    try control.send(bytes: conversation.send(message))
  }

  /// Pulls the next step of the conversation from the buffer.
  private func pull(_ buffer: inout ControlBuffer) throws -> ServerConversation.Step? {
    do {
      return try conversation.next(from: &buffer)
    } catch {
      throw PerfError(.protocolViolation, "\(error)", underlying: error)
    }
  }

  /// A state byte if one is buffered or arrives before `deadline`.
  private func pollMessage(until deadline: ContinuousClock.Instant) throws -> ControlMessage? {
    guard let step = try control.poll(until: deadline, pull) else { return nil }
    guard case .received(let message) = step else {
      throw PerfError(.protocolViolation, "expected a state byte from the client, got \(step)")
    }
    return message
  }

  private func serveTest() throws {
    let peer = control.peer
    try? control.shared.socket.setNoDelay(true)
    observer.beginTest()
    observer.detail("Time: \(IperfJSON.rfc1123(SystemInfo.timestamp()))")
    observer.notice("Accepted connection from \(peer.ip), port \(peer.port)")
    try send(.paramExchange)
    let parameters = try receiveParameters()
    observer.detail("      Cookie: \(cookie.text)")
    if parameters.transport == .tcp {
      let mss = (try? control.shared.socket.maxSegmentSize) ?? 0
      observer.detail(
        parameters.mss.map { "      TCP MSS: \($0)" } ?? "      TCP MSS: \(mss) (default)")
    }
    observer.debug(
      "received parameters: \(String(decoding: parameters.encoded(), as: UTF8.self))")
    try authenticate(parameters)
    try checkLimits(parameters)
    try applyAffinity(parameters)
    defer { if affinitySet { CPUAffinity.clear() } }
    try listener.reopenListener(window: parameters.window)
    startArrivals()
    defer { _ = arrivals?.report() }
    if parameters.transport == .udp {
      let port = (try? listener.socket.socket.localAddress.port) ?? configuration.port
      udpListener = try UDPStreamListener(
        configuration: configuration, port: port, window: parameters.window)
    }
    try send(.createStreams)
    try acceptStreams(parameters)
    udpListener = nil
    try send(.testStart)
    try send(.testRunning)

    recordStart(parameters)
    // The client ends the test; the limits only stop this side's senders at `-n` / `-k`
    // (iperf3 3.16+ does the same), so `-R -n 20M` moves 20 MiB and not what the
    // link carries until TEST_END arrives. Not with `-O`: the client counts from the
    // end of its omit period, which this side can only guess to within a round trip.
    let limits =
      parameters.omit > 0
      ? TestLimits(byteLimit: 0, blockLimit: 0)
      : TestLimits(byteLimit: parameters.num, blockLimit: parameters.blockCount)
    let measurement = Measurement(
      streams: streams, parameters: parameters, interval: configuration.interval,
      dataPath: dataPath(for: parameters), limits: limits, bond: bond, observer: observer)
    try measure(measurement, parameters)
    if configuration.dataPath.diskFile != nil {
      // -F: an iperf3 client sends TEST_END once it has written its last bytes, not
      // once they arrived; let them land in the file before the streams close.
      DataStream.drain(streams.filter { !$0.localSends })
    }

    // TEST_END: close the data sockets, last sample, print, then exchange. Receivers
    // read what is already queued before they see the shutdown, so those bytes count.
    DataStream.stopAll(streams, shutdown: .both)
    let outcome = measurement.finish(at: .now, role: .server, into: &record)
    record.summary = outcome.summary
    observer.finished(record)
    try exchangeResults(outcome.results, parameters)
  }

  /// PARAM_EXCHANGE's answer: the client's parameters, refused with
  /// SERVER_ERROR if they don't decode or ask for what this server doesn't run.
  private func receiveParameters() throws -> TestParameters {
    do {
      let step = try control.read(
        by: nextMessageDeadline(), waitingFor: "the test parameters", pull)
      guard case .parameters(let parameters, _) = step else {
        throw PerfError(.protocolViolation, "expected the test parameters, got \(step)")
      }
      return parameters
    } catch {
      let reason = (error as? PerfError)?.underlying ?? error
      // Tell an iperf3 client why (IENOSCTP, IENUMSTREAMS, ...), not just IERECVPARAMS.
      let code = (reason as? ConversationError)?.iperfErrorCode ?? .receiveParameters
      throw refusal(
        code, "unable to receive parameters from client: \(reason)",
        underlying: error as? PerfError)
    }
  }

  /// Accepts the test's data connections, watching the control connection.
  private func acceptStreams(_ parameters: TestParameters) throws {
    let assignments = StreamID.assignments(parallel: parameters.parallel, mode: parameters.mode)
    let streamDeadline = ContinuousClock.now + configuration.streamTimeout
    while streams.count < assignments.count {
      guard ContinuousClock.now < streamDeadline else {
        throw PerfError(
          .timedOut,
          "the client opened \(streams.count) of \(assignments.count) streams "
            + "within \(configuration.streamTimeout)")
      }
      let ready = try Poller.readable(
        [control.descriptor, listener.socket.descriptor]
          + (udpListener.map { [$0.descriptor] } ?? []),
        timeout: .milliseconds(200))
      if ready.contains(control.descriptor) {
        let message: ControlMessage?
        do {
          message = try pollMessage(until: .now)
        } catch let error as PerfError where error.code == .protocolViolation {
          throw refusal(
            .unknownControlMessage, "the client broke the protocol while opening streams: \(error)")
        }
        if let message {
          throw refusal(
            .unknownControlMessage, "the client sent \(message.name) while opening streams")
        }
      }
      if let udpListener {
        if ready.contains(listener.socket.descriptor) { listener.refuseNewcomer(observer) }
        if ready.contains(udpListener.descriptor) {
          try acceptUDPStream(udpListener, assignment: assignments[streams.count], parameters)
        }
      } else if ready.contains(listener.socket.descriptor) {
        try acceptStream(
          assignment: assignments[streams.count], cookie: cookie, parameters: parameters)
      }
      if listener.server.isStopping { throw PerfError.serverTerminated }
    }
  }

  /// Records and reports the test's start.
  private func recordStart(_ parameters: TestParameters) {
    let peer = control.peer
    let listening = listener.socket
    record.start = StartInfo(
      role: .server, systemInfo: SystemInfo.describe(), timestampSeconds: SystemInfo.timestamp(),
      peerHost: "\(peer.ip)", peerPort: peer.port, cookie: cookie.text, tcpMSSDefault: 0,
      mssOption: parameters.mss, sockBufsize: parameters.window ?? 0,
      sndbufActual: (try? listening.socket.sendBufferSize) ?? 0,
      rcvbufActual: (try? listening.socket.receiveBufferSize) ?? 0, parameters: parameters,
      interval: configuration.interval)
    record.start?.dataPath = configuration.dataPath
    observer.started(record)
  }

  /// Measures until the client's TEST_END; reports each interval. Ends the
  /// test when the server stops, the watchdog fires or no data moves.
  private func measure(_ measurement: Measurement, _ parameters: TestParameters) throws {
    let watchdog = testDeadline(parameters, start: measurement.start)
    var lastProgress = measurement.start
    var lastTotal: Int64 = 0
    var rateWindow = BitrateWindow(
      limit: configuration.bitrateLimit, seconds: configuration.bitrateAveragingSeconds)
    while true {
      let now = ContinuousClock.now
      if listener.server.isStopping {
        if let bytes = try? conversation.send(.serverTerminate) { try? control.send(bytes: bytes) }
        throw PerfError.serverTerminated
      }
      if let watchdog, now >= watchdog.instant {
        throw refusal(.serverTestDurationExpired, watchdog.reason)
      }
      let total = streams.reduce(Int64(0)) { $0 + $1.bytes.load(ordering: .relaxed) }
      if let average = rateWindow.exceeded(total: total, at: now) {
        throw refusal(
          .totalRate,
          "the test averaged \(Int64(average)) bit/s over \(configuration.bitrateAveragingSeconds) s, "
            + "above this server's limit of \(configuration.bitrateLimit ?? 0) "
            + "(--server-bitrate-limit)")
      }
      if total != lastTotal {
        lastTotal = total
        lastProgress = now
      } else if lastProgress.duration(to: now) > configuration.idleTimeout {
        throw refusal(
          .noMessage,
          "no data moved for \(configuration.idleTimeout) (--idle-timeout); the client is gone")
      }
      let wake = measurement.wake(before: now + .milliseconds(200))
      let ready = try Poller.readable(
        [control.descriptor, listener.socket.descriptor], timeout: now.duration(to: wake))
      if ready.contains(listener.socket.descriptor) { listener.refuseNewcomer(observer) }
      if ready.contains(control.descriptor), try receivedTestEnd() { return }
      measurement.sample(at: .now, into: &record)
    }
  }

  /// Reads what the client sent during the test: true on TEST_END.
  private func receivedTestEnd() throws -> Bool {
    do {
      while let message = try pollMessage(until: .now) {
        switch message {
        case .testEnd: return true
        case .clientTerminate: throw PerfError.clientTerminated
        default: continue  // a TEST_START echo; the conversation rejects the rest
        }
      }
      return false
    } catch let error as PerfError where error.code == .controlClosed {
      throw PerfError(.controlClosed, "the client has unexpectedly closed the connection")
    }
  }

  /// EXCHANGE_RESULTS, both sides' results, DISPLAY_RESULTS, IPERF_DONE.
  private func exchangeResults(_ results: TestResults, _ parameters: TestParameters) throws {
    try send(.exchangeResults)
    do {
      // The client's numbers are not printed (iperf3's server prints first), but
      // results that don't parse end the test as they do in iperf3.
      let step = try control.read(
        by: nextMessageDeadline(), waitingFor: "the client's results", pull)
      guard case .peerResults = step else {
        throw PerfError(.protocolViolation, "expected the client's results, got \(step)")
      }
    } catch {
      let reason = (error as? PerfError)?.underlying ?? error
      throw refusal(
        .receiveResults, "unable to receive results: \(reason)", underlying: error as? PerfError)
    }
    var local = results
    if cookie.isCalibration { local.extra.append(arrivalsReport()) }
    if parameters.getServerOutput {
      let output = observer.serverOutput(for: record)
      local.serverOutputJSON = output.json
      local.serverOutputText = output.text
    }
    try control.send(bytes: conversation.results(local))
    try send(.displayResults)
    // Wait briefly for IPERF_DONE; a client that just closes is fine too.
    let doneBy = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < doneBy && !conversation.state.isFinal {
      guard (try? pollMessage(until: doneBy)) != nil else { break }
    }
  }

  /// Whether this test pinned the server's thread to a CPU (undone after the test).
  private var affinitySet = false

  /// Pins the server's thread, and so the test's stream threads, to the CPU the client
  /// asked for (`-A n,m` sends `server_affinity`), else to the server's own `-A`.
  private func applyAffinity(_ parameters: TestParameters) throws {
    guard let cpu = parameters.serverAffinity ?? configuration.cpuAffinity else { return }
    do {
      try CPUAffinity.pin(to: cpu)
      affinitySet = true
      observer.debug("test threads pinned to CPU \(cpu) (-A)")
    } catch {
      // iperf3 prints the errno after IEAFFINITY's text ("unable to set CPU affinity: ...").
      sendError(.affinity, errno: error.errno.rawValue)
      throw PerfError(.refused, "\(error) (the client asked for server CPU \(cpu))")
    }
  }

  /// This test's data path: the server's own (`-Z`, `--receive-copy`, `--skip-rx-copy`),
  /// with the client's `skip_rx_copy` and `repeating_payload` requests.
  private func dataPath(for parameters: TestParameters) -> DataPath {
    var path = configuration.dataPath
    if parameters.skipReceiveCopy { path.receiveCopies = false }
    if parameters.repeatingPayload { path.repeatingPayload = true }
    return path
  }

  /// A calibration probe (its cookie says so): count its flows' packets per slave.
  private func startArrivals() {
    guard cookie.isCalibration, let slaves = bond?.slaveNames, !slaves.isEmpty,
      let port = try? control.shared.socket.localAddress.port
    else { return }
    let recorder = ArrivalRecorder(slaves: slaves, client: control.peer.ip, serverPort: port)
    recorder.start()
    arrivals = recorder
  }

  /// The `bondperf_arrivals` member of a calibration probe's results.
  private func arrivalsReport() -> (String, JSONValue) {
    if let arrivals { return arrivals.report() }
    return (
      "bondperf_arrivals",
      .object([
        (
          "error",
          .string(
            "this bondperf server watches no slaves: start it with --slaves s0,s1,... or --bond NAME"
          )
        )
      ])
    )
  }

  /// Refuses a test the server's limits don't allow (`--max-streams`, `--max-duration`).
  private func checkLimits(_ parameters: TestParameters) throws {
    if parameters.parallel > configuration.maxStreams {
      throw refusal(
        .numberOfStreams,
        "refused a test with \(parameters.parallel) parallel streams: "
          + "this server allows \(configuration.maxStreams) (--max-streams)")
    }
    if let limit = configuration.bitrateLimit, let rate = parameters.bandwidth, rate > 0 {
      let total = rate * Int64(parameters.parallel) * (parameters.bidirectional ? 2 : 1)
      if total > limit {
        throw refusal(
          .totalRate,
          "refused a test asking for \(total) bit/s in all: "
            + "this server allows \(limit) (--server-bitrate-limit)")
      }
    }
    if let maximum = configuration.maxDuration, parameters.time > 0,
      Duration.seconds(parameters.time + parameters.omit) > maximum
    {
      throw refusal(
        .maxServerTestDurationExceeded,
        "refused a \(parameters.time + parameters.omit) s test: "
          + "this server runs tests of at most \(maximum) (--max-duration)")
    }
  }

  /// When the server gives up on a running test: `--max-duration` after the
  /// omit period, or 40 s after the length the client asked for, in case its
  /// TEST_END never comes. Nil for a test without either bound.
  private func testDeadline(_ parameters: TestParameters, start: ContinuousClock.Instant)
    -> (instant: ContinuousClock.Instant, reason: String)?
  {
    let omit = Duration.seconds(parameters.omit)
    let requested = parameters.time > 0 ? start + omit + .seconds(parameters.time + 40) : nil
    let limited = configuration.maxDuration.map { start + omit + $0 }
    if let limited, requested.map({ limited <= $0 }) ?? true {
      let maximum = configuration.maxDuration ?? .zero
      return (limited, "server test duration expired: the test reached \(maximum) (--max-duration)")
    }
    return requested.map { ($0, "server test duration expired (the client never sent TEST_END)") }
  }

  private func acceptStream(
    assignment: StreamAssignment, cookie: Cookie, parameters: TestParameters
  ) throws {
    guard let accepted = try listener.socket.socket.acceptIfReady() else { return }
    let peer = accepted.peer
    let socket = accepted.socket
    guard configuration.allows(peer.ip) else {
      observer.warning("refused data connection from \(peer.ip): not in --allow")
      socket.close()
      return
    }
    var buffer = [UInt8](repeating: 0, count: Cookie.wireLength)
    var have = 0
    let deadline = ContinuousClock.now + .seconds(5)
    while have < buffer.count {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero, (try? socket.waitReadable(timeout: left)) == true else { break }
      let count = buffer.withUnsafeMutableBytes { raw in
        (try? socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[have...]))) ?? 0
      }
      if count == 0 { break }
      have += count
    }
    guard have == buffer.count, let received = Cookie(wireBytes: buffer), received == cookie else {
      try? socket.sendAll([ControlMessage.accessDenied.byte])
      socket.close()
      return
    }
    if let congestion = parameters.congestion { try? socket.setCongestionControl(congestion) }
    var tuning = configuration.tuning
    if let tos = parameters.tos, tos != 0 { tuning.typeOfService = tos }
    do {
      try tuning.applyToData(socket, family: peer.family)
    } catch {
      socket.close()
      throw refusal(tuning.typeOfService != nil ? .setTOS : .setUserTimeout, "\(error)")
    }
    if parameters.noDelay { try? socket.setNoDelay(true) }
    let local = try socket.localAddress
    let shared = SharedSocket(socket)
    let localSends = assignment.direction.isSender(.server)
    let stream = DataStream(
      id: assignment.id, localSends: localSends, connection: shared, local: local, remote: peer)
    streams.append(stream)
    let connected = ConnectedStream(
      id: assignment.id, socket: shared.descriptor, local: local, remote: peer,
      localSends: localSends)
    record.connected.append(connected)
    observer.connected(connected, record: record)
  }

  /// Takes a UDP stream from `udpListener`: the client's first datagram, then the reply.
  private func acceptUDPStream(
    _ udpListener: UDPStreamListener, assignment: StreamAssignment, _ parameters: TestParameters
  ) throws {
    switch try udpListener.accept() {
    case nil:
      return
    case .refused(let peer):
      observer.warning("dropped a UDP datagram from \(peer.ip): not in --allow")
    case .stream(let shared, let peer):
      if let fqRate = parameters.fqRate, fqRate > 0 {
        do {
          try shared.socket.setMaxPacingRate(bytesPerSecond: UInt64(fqRate / 8))
        } catch {
          observer.warning("unable to set socket pacing (fqrate): \(error)")
        }
      }
      let local = try shared.socket.localAddress
      let localSends = assignment.direction.isSender(.server)
      let stream = DataStream(
        id: assignment.id, localSends: localSends, connection: shared, local: local, remote: peer,
        udp: UDPCounters(counters64Bit: parameters.udpCounters64Bit))
      streams.append(stream)
      let connected = ConnectedStream(
        id: assignment.id, socket: shared.descriptor, local: local, remote: peer,
        localSends: localSends)
      record.connected.append(connected)
      observer.connected(connected, record: record)
    }
  }
}

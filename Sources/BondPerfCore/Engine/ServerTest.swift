import Foundation
import Synchronization

/// One test on the server side.
final class ServerTest {
  let run: ServerRun
  let control: ControlConnection
  let cookie: Cookie
  let observer: any TestObserver
  var record = TestRecord()
  var state = ProtocolState.initial
  var streams: [DataStream] = []
  /// Whether SERVER_ERROR went out; at most one is sent.
  private var errorSent = false
  var configuration: ServerConfiguration { run.configuration }

  init(run: ServerRun, control: ControlConnection, cookie: Cookie, observer: any TestObserver) {
    self.run = run
    self.control = control
    self.cookie = cookie
    self.observer = observer
  }

  func execute() {
    do {
      try serveTest()
    } catch {
      // A byte iperf3 never sends, or a message out of turn: tell the client.
      if error is ProtocolError { sendError(.unknownControlMessage) }
      let message = "\(error) (client \(control.peer.ip) port \(control.peer.port))"
      record.error = message
      DataStream.stopAll(streams, shutdown: .both)
      observer.failed(message, record: record)
    }
    try? control.shared.socket.shutdown(.both)
  }

  private func transition(_ event: ProtocolEvent) throws {
    state = try state.next(on: event, role: .server)
  }

  private func sendError(_ code: IperfErrorCode) {
    guard !errorSent else { return }
    errorSent = true
    try? control.send(bytes: Framing.serverError(code))
  }

  /// Sends SERVER_ERROR with `code` and returns the error for the server's log.
  private func refusal(_ code: IperfErrorCode, _ message: String) -> PerfError {
    sendError(code)
    return PerfError(message)
  }

  /// Deadlines for the next control message from the client.
  private func nextMessageDeadline() -> MessageDeadline {
    MessageDeadline(
      firstByteWithin: configuration.receiveTimeout, completeWithin: configuration.messageTimeout)
  }

  private func send(_ message: ControlMessage) throws {
    try control.send(message)
    try transition(.sent(message))
  }

  private func serveTest() throws {
    let peer = control.peer
    try? control.shared.socket.setNoDelay(true)
    try transition(.cookieExchanged)
    observer.notice("Accepted connection from \(peer.ip), port \(peer.port)")
    try send(.paramExchange)
    let parameters: TestParameters
    do {
      let json = try control.readFrame(
        maxLength: Framing.maximumParameterLength, by: nextMessageDeadline(),
        waitingFor: "the test parameters")
      parameters = try TestParameters(json: json)
      try parameters.validate()
      guard parameters.transport == .tcp else {
        throw PerfError("only TCP tests are supported, the client asked for \(parameters.transport.rawValue)")
      }
    } catch {
      throw refusal(.receiveParameters, "unable to receive parameters from client: \(error)")
    }
    try checkLimits(parameters)
    try transition(.paramsExchanged)
    try run.reopenListener(window: parameters.window)
    try send(.createStreams)

    let mode = parameters.mode
    let assignments = StreamID.assignments(parallel: parameters.parallel, mode: mode)
    let streamDeadline = ContinuousClock.now + configuration.streamTimeout
    while streams.count < assignments.count {
      guard ContinuousClock.now < streamDeadline else {
        throw PerfError("the client opened \(streams.count) of \(assignments.count) streams within \(configuration.streamTimeout)")
      }
      let ready = try Poller.readable(
        [control.descriptor, run.listener.descriptor], timeout: .milliseconds(200))
      if ready.contains(control.descriptor) {
        if let message = try control.pollMessage(until: .now) {
          throw refusal(
            .unknownControlMessage, "the client sent \(message.name) while opening streams")
        }
      }
      if ready.contains(run.listener.descriptor) {
        try acceptStream(
          assignment: assignments[streams.count], cookie: cookie, parameters: parameters)
      }
      if run.server.isStopping { throw PerfError.serverTerminated }
    }

    try send(.testStart)
    try send(.testRunning)
    let start = ContinuousClock.now
    let cpuStart = CPUUsage.now()
    let listener = run.listener
    record.start = StartInfo(
      role: .server, systemInfo: SystemInfo.describe(), timestampSeconds: SystemInfo.timestamp(),
      peerHost: "\(peer.ip)", peerPort: peer.port, cookie: cookie.text, tcpMSSDefault: 0,
      mssOption: parameters.mss, sockBufsize: parameters.window ?? 0,
      sndbufActual: (try? listener.socket.sendBufferSize) ?? 0,
      rcvbufActual: (try? listener.socket.receiveBufferSize) ?? 0, parameters: parameters,
      interval: configuration.interval)
    record.start?.dataPath = configuration.dataPath
    observer.started(record)
    // The client ends the test; the limits only stop this side's senders at `-n` / `-k`
    // (iperf3 3.16+ does the same), so `-R -n 20M` moves 20 MiB and not what the
    // link carries until TEST_END arrives. Not with `-O`: the client counts from the
    // end of its omit period, which this side can only guess to within a round trip.
    let limits =
      parameters.omit > 0
      ? TestLimits(byteLimit: 0, blockLimit: 0)
      : TestLimits(byteLimit: parameters.num, blockLimit: parameters.blockCount)
    let sampler = StreamSampler(
      streams: streams, start: start, omitting: parameters.omit > 0, monitor: run.server.bond?.monitor)
    for stream in streams {
      stream.start(
        blockLength: parameters.effectiveLength, limits: limits, dataPath: configuration.dataPath,
        batchingReceives: !parameters.endsByCount)
    }

    var clock = IntervalClock(
      start: start, intervalSeconds: configuration.interval, omitSeconds: parameters.omit)
    let watchdog = testDeadline(parameters, start: start)
    var lastProgress = start
    var lastTotal: Int64 = 0
    testLoop: while true {
      let now = ContinuousClock.now
      if run.server.isStopping {
        try? control.send(.serverTerminate)
        throw PerfError.serverTerminated
      }
      if let watchdog, now >= watchdog.instant {
        throw refusal(.serverTestDurationExpired, watchdog.reason)
      }
      let total = streams.reduce(Int64(0)) { $0 + $1.bytes.load(ordering: .relaxed) }
      if total != lastTotal {
        lastTotal = total
        lastProgress = now
      } else if lastProgress.duration(to: now) > configuration.idleTimeout {
        throw refusal(
          .noMessage, "no data moved for \(configuration.idleTimeout) (--idle-timeout); the client is gone")
      }
      let wake = clock.wake(before: now + .milliseconds(200))
      let ready = try Poller.readable(
        [control.descriptor, run.listener.descriptor], timeout: now.duration(to: wake))
      if ready.contains(run.listener.descriptor) { run.refuseNewcomer(observer) }
      if ready.contains(control.descriptor) {
        do {
          while let message = try control.pollMessage(until: .now) {
            switch message {
            case .testEnd:
              try transition(.received(message))
              break testLoop
            case .clientTerminate:
              throw PerfError.clientTerminated
            case .testStart:
              continue
            default:
              throw refusal(
                .unknownControlMessage, "received an unexpected \(message.name) from the client")
            }
          }
        } catch let error as PerfError where error == .controlClosed {
          throw PerfError("the client has unexpectedly closed the connection")
        }
      }
      if let report = sampler.step(&clock, at: .now).report {
        record.intervals.append(report)
        observer.interval(report, record: record)
      }
    }

    // TEST_END: close the data sockets, last sample, print, then exchange. Receivers
    // read what is already queued before they see the shutdown, so those bytes count.
    DataStream.stopAll(streams, shutdown: .both)
    if let last = sampler.finish(clock, at: .now) {
      record.intervals.append(last)
      observer.interval(last, record: record)
    }
    let cpu = CPUUsage.now().percent(since: cpuStart)
    let congestion = streams.first.flatMap { try? $0.connection.socket.congestionControl }
    let totals = sampler.localTotals()
    if let monitor = run.server.bond?.monitor { _ = monitor.sampleTotal() }
    record.summary = ResultsExchange.summary(
      role: .server, totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion)
    observer.finished(record)

    try send(.exchangeResults)
    do {
      // The client's numbers are not printed (iperf3's server prints first), but
      // results that don't parse end the test as they do in iperf3.
      let clientJSON = try control.readFrame(
        maxLength: Framing.maximumClientResultsLength, by: nextMessageDeadline(),
        waitingFor: "the client's results")
      _ = try TestResults(json: clientJSON)
    } catch {
      throw refusal(.receiveResults, "unable to receive results: \(error)")
    }
    var local = ResultsExchange.localResults(
      totals: totals, endTime: sampler.endTime, cpu: cpu, congestion: congestion,
      extra: run.server.bond?.resultsExtra() ?? [])
    if parameters.getServerOutput {
      let output = observer.serverOutput(for: record)
      local.serverOutputJSON = output.json
      local.serverOutputText = output.text
    }
    try control.send(bytes: local.framed())
    try transition(.resultsExchanged)
    try send(.displayResults)
    // Wait briefly for IPERF_DONE; a client that just closes is fine too.
    let doneBy = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < doneBy {
      guard let message = try? control.pollMessage(until: doneBy) else { break }
      if message == .iperfDone {
        try? transition(.received(message))
        break
      }
    }
  }

  /// Refuses a test the server's limits don't allow (`--max-streams`, `--max-duration`).
  private func checkLimits(_ parameters: TestParameters) throws {
    if parameters.parallel > configuration.maxStreams {
      throw refusal(
        .numberOfStreams,
        "refused a test with \(parameters.parallel) parallel streams: "
          + "this server allows \(configuration.maxStreams) (--max-streams)")
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
    guard let accepted = try run.listener.socket.acceptIfReady() else { return }
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
}

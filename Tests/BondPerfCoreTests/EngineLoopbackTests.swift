import Synchronization
import Testing

@testable import BondPerfCore

/// Keeps what an engine reports, for tests to read once the test is over.
final class RecordingObserver: TestObserver {
  private let state = Mutex(State())

  private struct State {
    var notices: [String] = []
    var warnings: [String] = []
    var intervals = 0
    var finished: TestRecord?
    var failure: String?
  }

  var notices: [String] { state.withLock { $0.notices } }
  var warnings: [String] { state.withLock { $0.warnings } }
  var intervals: Int { state.withLock { $0.intervals } }
  var finished: TestRecord? { state.withLock { $0.finished } }
  var failure: String? { state.withLock { $0.failure } }

  func notice(_ text: String) { state.withLock { $0.notices.append(text) } }
  func warning(_ text: String) { state.withLock { $0.warnings.append(text) } }
  func connected(_ stream: ConnectedStream, record: TestRecord) {}
  func started(_ record: TestRecord) {}
  func interval(_ interval: IntervalReport, record: TestRecord) {
    state.withLock { $0.intervals += 1 }
  }
  func finished(_ record: TestRecord) { state.withLock { $0.finished = record } }
  func failed(_ message: String, record: TestRecord) { state.withLock { $0.failure = message } }
  func serverOutput(for record: TestRecord) -> (json: JSONValue?, text: String?) { (nil, nil) }
}

/// A ``Server`` running in this process on 127.0.0.1, on a port the kernel picked.
final class InProcessServer: Sendable {
  let server: Server
  let address: SocketAddress
  let task: Task<Void, any Error>
  private let observers: Observers

  /// The observers the server made, one per test, in order.
  final class Observers: Sendable {
    let list = Mutex<[RecordingObserver]>([])
  }

  /// One observer per test the server ran (or waits for), in order.
  var tests: [RecordingObserver] { observers.list.withLock { $0 } }

  init(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.bindAddress = IPAddress("127.0.0.1")
    configure(&configuration)
    let observers = Observers()
    let server = Server(
      configuration: configuration,
      makeObserver: {
        let observer = RecordingObserver()
        observers.list.withLock { $0.append(observer) }
        return observer
      })
    let (addresses, announce) = AsyncStream<SocketAddress>.makeStream()
    let task = Task {
      defer { announce.finish() }
      try await server.run { announce.yield($0) }
    }
    var iterator = addresses.makeAsyncIterator()
    guard let address = await iterator.next() else {
      try await task.value  // it failed before listening: its error
      throw PerfError("the server stopped before it listened")
    }
    self.server = server
    self.observers = observers
    self.address = address
    self.task = task
  }

  /// A client configuration for a test against this server.
  func client(_ configure: (inout TestParameters) -> Void) -> ClientConfiguration {
    var configuration = ClientConfiguration(host: "127.0.0.1")
    configuration.serverAddress = address
    configuration.port = address.port
    configure(&configuration.parameters)
    return configuration
  }

  /// Stops the server and waits for `run` to return.
  func stop() async throws {
    server.stop()
    try await task.value
  }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; true if it held.
func enginePoll(within timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
  let deadline = ContinuousClock.now + timeout
  while !condition() {
    if ContinuousClock.now >= deadline { return false }
    try await Task.sleep(for: .milliseconds(10))
  }
  return true
}

/// A client and a server in one process over loopback: the whole protocol and the
/// data path without a child process, so the engine's own accounting can be compared
/// side by side.
@Suite(.serialized)
struct EngineLoopbackTests {
  /// The client's record of a finished test and the server's record of the same test.
  func run(
    _ server: InProcessServer, _ configure: (inout TestParameters) -> Void
  ) async throws -> (client: TestSummary, server: TestSummary) {
    let observer = RecordingObserver()
    let client = Client(configuration: server.client(configure), observer: observer)
    let record = try await client.run()
    #expect(observer.failure == nil)
    #expect(record.error == nil)
    let clientSummary = try #require(record.summary, "the client recorded no summary")
    #expect(clientSummary.hasPeerResults, "the client never merged the server's results")
    // The server reported its summary before it sent EXCHANGE_RESULTS, which the
    // client waited for: it is there by now.
    let serverRecord = try #require(
      server.tests.compactMap(\.finished).last, "the server finished nothing")
    let serverSummary = try #require(serverRecord.summary)
    return (clientSummary, serverSummary)
  }

  @Test(.timeLimit(.minutes(1)), arguments: [TestMode.normal, .reverse])
  func oneSecondTwoStreamTestAgreesOnBytes(_ mode: TestMode) async throws {
    let server = try await InProcessServer()
    let started = ContinuousClock.now
    let (client, peer) = try await run(server) {
      $0.time = 1
      $0.parallel = 2
      $0.mode = mode
    }
    let elapsed = started.duration(to: .now).inSeconds
    #expect(elapsed >= 1 && elapsed < 5, "a -t 1 test took \(elapsed) s")
    #expect(client.streams.count == 2 && peer.streams.count == 2)
    #expect(Set(client.streams.map(\.id)) == Set(peer.streams.map(\.id)))
    for stream in client.streams {
      let other = try #require(peer.streams.first { $0.id == stream.id })
      #expect(stream.localSends == (mode == .normal), "stream \(stream.id) direction")
      #expect(other.localSends != stream.localSends, "both ends of \(stream.id) send")
      if mode == .normal {
        // The client's "received" is the server's own count, from its results.
        #expect(stream.bytesReceived == other.bytesReceived, "stream \(stream.id)")
        #expect(stream.bytesReceived > 0)
        // A send counts once it returned: the receiver can't have more.
        #expect(stream.bytesReceived <= stream.bytesSent, "stream \(stream.id)")
      } else {
        #expect(stream.bytesSent == other.bytesSent, "stream \(stream.id)")
        #expect(stream.bytesReceived > 0)
        #expect(stream.bytesReceived <= other.bytesSent, "stream \(stream.id)")
      }
    }
    #expect(client.endTime >= 0.9 && client.endTime < 2, "end time \(client.endTime) s")
    #expect(
      server.tests.first?.notices.contains { $0.contains("Accepted connection from 127.0.0.1") }
        == true, "\(server.tests.first?.notices ?? [])")
    try await server.stop()
  }

  /// `-n`: the client sends TEST_END once the server acknowledged every byte and the
  /// server reads its queues dry before its last sample, so the counts are equal.
  @Test(.timeLimit(.minutes(1)))
  func byteLimitedTestCountsEveryByteOnBothSides() async throws {
    let server = try await InProcessServer()
    let limit: Int64 = 8 << 20
    let (client, peer) = try await run(server) {
      $0.time = 0
      $0.num = limit
      $0.parallel = 2
    }
    let sent = client.streams.reduce(0) { $0 + $1.bytesSent }
    let received = peer.streams.reduce(0) { $0 + $1.bytesReceived }
    #expect(sent >= limit, "sent \(sent) of -n \(limit)")
    // Each stream checks the limit once per block, so the other may finish its own.
    #expect(sent <= limit + 2 * Int64(TestParameters().effectiveLength))
    #expect(received == sent, "the server received \(received) of \(sent) B")
    try await server.stop()
  }

  @Test(.timeLimit(.minutes(1)))
  func stopEndsAnIdleServer() async throws {
    let server = try await InProcessServer()
    #expect(server.address.port != 0)
    let stopped = ContinuousClock.now
    try await server.stop()
    let took = stopped.duration(to: .now).inSeconds
    #expect(took < 2, "run returned \(took) s after stop()")
  }

  /// stop() mid-test: the server sends SERVER_TERMINATE, the client ends with iperf3's
  /// error well before its -t, and `run` returns.
  @Test(.timeLimit(.minutes(1)))
  func stopMidTestTerminatesTheClient() async throws {
    let server = try await InProcessServer()
    let observer = RecordingObserver()
    let client = Client(
      configuration: server.client {
        $0.time = 20
        $0.parallel = 2
      }, observer: observer)
    let running = Task { try await client.run() }
    #expect(
      try await enginePoll(within: .seconds(10)) { observer.intervals > 0 },
      "the client reported no interval")
    let stopped = ContinuousClock.now
    try await server.stop()
    let result = await running.result
    let took = stopped.duration(to: .now).inSeconds
    #expect(took < 5, "the client ended \(took) s after stop()")
    #expect(throws: PerfError.serverTerminated) { try result.get() }
    #expect(observer.failure == PerfError.serverTerminated.description)
  }
}

import FlyingFox
import Foundation
import Glibc
import Synchronization
import Testing

@testable import BondPerfCore

/// The exporter's routing, limits and probe answers, with a runner that needs no server.
struct ExporterTests {
  /// One request as FlyingFox hands it over: `target` split and percent-decoded.
  static func request(
    _ target: String, method: HTTPMethod = .GET, headers: [String: String] = [:]
  ) -> HTTPRequest {
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var fields = HTTPHeaders()
    for (name, value) in headers { fields[HTTPHeader(name)] = value }
    return HTTPRequest(
      method: method, version: .http11,
      target: HTTPRequest.Target(
        path: String(parts[0]), query: parts.count == 2 ? String(parts[1]) : ""),
      headers: fields, body: HTTPBodySequence(data: Data()))
  }

  static func get(_ exporter: Exporter, _ target: String, headers: [String: String] = [:])
    async throws -> Answer
  {
    try await Answer(exporter.handle(request(target, headers: headers)))
  }

  /// A response's status, content type and body as text.
  struct Answer {
    var status: Int
    var contentType: String?
    var headers: HTTPHeaders
    var body: String

    init(_ response: HTTPResponse) async throws {
      status = response.statusCode.code
      contentType = response.headers[.contentType]
      headers = response.headers
      body = String(decoding: try await response.bodyData, as: UTF8.self)
    }
  }

  static let succeeding: Exporter.Runner = { _, _ in .document(MetricsTests.document) }

  @Test func probeAnswersWithTheTestsMetrics() async throws {
    let seen = Mutex<ProbeRequest?>(nil)
    let exporter = Exporter { probe, _ in
      seen.withLock { $0 = probe }
      return .document(MetricsTests.document)
    }
    let response = try await Self.get(exporter, "/probe?target=far&port=5202&parallel=4&time=2")
    #expect(response.status == 200)
    #expect(response.contentType == MetricsFormat.prometheusText.contentType)
    let series = try ExpositionChecker.check(response.body, format: .prometheusText)
    #expect(series["bondperf_probe_success{}"] == 1)
    #expect(
      series[
        "bondperf_slave_measured_streams{target=\"far\",host=\"client\",slave=\"s3\",index=\"3\"}"]
        == 2)
    var expected = ProbeRequest(target: "far")
    expected.port = 5202
    expected.parallel = 4
    expected.seconds = 2
    #expect(seen.withLock { $0 } == expected)
    let openMetrics = try await Self.get(
      exporter, "/probe?target=far",
      headers: ["Accept": "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"])
    #expect(openMetrics.contentType == MetricsFormat.openMetrics.contentType)
    _ = try ExpositionChecker.check(openMetrics.body, format: .openMetrics)
  }

  @Test func aFailedProbeSaysWhy() async throws {
    let exporter = Exporter { _, _ in .failed("connect to 10.9.9.9 port 5201: refused") }
    let response = try await Self.get(exporter, "/probe?target=10.9.9.9")
    #expect(response.status == 200)
    let series = try ExpositionChecker.check(response.body, format: .prometheusText)
    #expect(series["bondperf_probe_success{}"] == 0)
    #expect(
      series["bondperf_probe_failure{reason=\"connect to 10.9.9.9 port 5201: refused\"}"] == 1)
  }

  @Test(arguments: [
    ("/probe", 400, "missing target"), ("/probe?target=a%20b", 400, "not a host name"),
    ("/probe?target=h&port=0", 400, "port must be"), ("/probe?target=h&time=31", 400, "--max-time"),
    ("/probe?target=h&parallel=0", 400, "parallel must"),
    ("/probe?target=h&bogus=1", 400, "unknown"),
    ("/probe?target=h&target=i", 400, "twice"), ("/nope", 404, "no page"),
  ])
  func badRequestsGetOneClearLine(_ target: String, status: Int, words: String) async throws {
    let exporter = Exporter(runner: Self.succeeding)
    let response = try await Self.get(exporter, target)
    #expect(response.status == status)
    #expect(response.body.contains(words), "\(response.body)")
    #expect(response.body.filter { $0 == "\n" }.count == 1)
  }

  @Test func otherMethodsAreRefused() async throws {
    let exporter = Exporter(runner: Self.succeeding)
    let response = try await Answer(exporter.handle(Self.request("/probe", method: .POST)))
    #expect(response.status == 405)
    #expect(response.headers[HTTPHeader("Allow")] == "GET, HEAD")
  }

  @Test func whatFlyingFoxLetsThroughIsCheckedHere() async throws {
    let exporter = Exporter(runner: Self.succeeding)
    var request = Self.request("/metrics")
    request.version = HTTPVersion("HTTP/2.0")
    #expect(try await Answer(exporter.handle(request)).status == 505)
    #expect(
      try await Answer(exporter.handle(Self.request("/", method: HTTPMethod("G(T")))).status == 400)
    // A target that is not a path (asterisk-form).
    let bad = try await Answer(exporter.handle(Self.request("*")))
    #expect(bad.status == 400 && bad.body.contains("not a path"), "\(bad.body)")
  }

  @Test func headGivesTheLengthWithoutTheBody() async throws {
    let exporter = Exporter(runner: Self.succeeding)
    let get = try await Self.get(exporter, "/")
    let head = try await Answer(exporter.handle(Self.request("/", method: .HEAD)))
    #expect(head.status == 200 && head.body.isEmpty)
    #expect(head.headers[.contentLength] == String(get.body.utf8.count))
  }

  @Test func aProbeThatDoesNotFitTheScrapeTimeoutFails() async throws {
    let exporter = Exporter(runner: Self.succeeding)
    let response = try await Self.get(
      exporter, "/probe?target=h&time=10", headers: ["X-Prometheus-Scrape-Timeout-Seconds": "10"])
    let series = try ExpositionChecker.check(response.body, format: .prometheusText)
    #expect(series["bondperf_probe_success{}"] == 0)
    #expect(response.body.contains("raise scrape_timeout"))
  }

  @Test func concurrentProbesOverTheLimitAreRefused() async throws {
    let release = DispatchSemaphore(value: 0)
    let entered = DispatchSemaphore(value: 0)
    let exporter = Exporter { _, _ in
      entered.signal()
      await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
          release.wait()
          continuation.resume()
        }
      }
      return .document(MetricsTests.document)
    }
    let first = Task.detached { try await Self.get(exporter, "/probe?target=h").status }
    await withCheckedContinuation { continuation in
      Thread {
        entered.wait()
        continuation.resume()
      }.start()
    }
    let second = try await Self.get(exporter, "/probe?target=h")
    #expect(second.status == 503)
    #expect(second.body.contains("--max-probes"))
    release.signal()
    #expect(try await first.value == 200)
    let metrics = try await Self.get(exporter, "/metrics")
    let series = try ExpositionChecker.check(metrics.body, format: .prometheusText)
    #expect(series["bondperf_exporter_probes_total{result=\"refused\"}"] == 1)
    #expect(series["bondperf_exporter_probes_total{result=\"success\"}"] == 1)
    #expect(series["bondperf_exporter_requests_total{code=\"503\"}"] == 1)
    #expect(series["bondperf_exporter_probes_in_flight{}"] == 0)
  }

  @Test func aRunnerPastItsDeadlineIsAbandoned() async throws {
    var configuration = Exporter.Configuration()
    configuration.overhead = .zero
    let exporter = Exporter(configuration: configuration) { _, _ in
      try? await Task.sleep(for: .seconds(30))
      return .document(MetricsTests.document)
    }
    let started = ContinuousClock.now
    let response = try await Self.get(exporter, "/probe?target=h&time=1")
    #expect(started.duration(to: .now) < .seconds(15))
    #expect(response.body.contains("bondperf_probe_success 0"))
  }
}

/// The exporter on FlyingFox on loopback: answers, and survives what it can't parse.
struct ExporterServerTests {
  /// Sends `bytes` and reads the answer, on a thread of its own (it blocks).
  static func exchange(_ port: UInt16, _ bytes: [UInt8]) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try blockingExchange(port, bytes) }) }.start()
    }
  }

  static func blockingExchange(_ port: UInt16, _ bytes: [UInt8]) throws -> String {
    let socket = try Socket(family: .ipv4)
    try socket.connect(to: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: port))
    if !bytes.isEmpty { try socket.sendAll(bytes) }
    try socket.shutdown(.write)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while try socket.waitReadable(timeout: .seconds(10)) {
      let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
      if count == 0 { break }
      received += buffer[..<count]
    }
    return String(decoding: received, as: UTF8.self)
  }

  @Test(.timeLimit(.minutes(1)))
  func servesAndSurvivesBadRequests() async throws {
    let exporter = Exporter(runner: ExporterTests.succeeding)
    let server = try ExporterServer(
      exporter: exporter, host: "127.0.0.1", port: 0, timeout: .seconds(20))
    let task = Task { try await server.run() }
    defer { task.cancel() }
    let port = try await server.listeningPort()
    let started = ContinuousClock.now
    // Not a request line: closed without an answer, at once rather than a hang.
    #expect(try await Self.exchange(port, Array("\u{0}\u{1}garbage\r\n\r\n".utf8)).isEmpty)
    #expect(started.duration(to: .now) < .seconds(5))
    let bad = try await Self.exchange(
      port, Array("GET /probe?target=h&bogus=1 HTTP/1.1\r\nConnection: close\r\n\r\n".utf8))
    #expect(bad.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(bad)")
    #expect(
      bad.hasSuffix(
        "\r\n\r\nunknown parameter 'bogus' (known: \(ProbeRequest.parameters.joined(separator: ", ")))\n"
      ), "\(bad)")
    let good = try await Self.exchange(
      port, Array("GET /probe?target=far HTTP/1.1\r\nConnection: close\r\n\r\n".utf8))
    #expect(good.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(good)")
    #expect(good.contains("\nbondperf_probe_success 1\n"), "\(good)")
    await server.stop()
  }
}

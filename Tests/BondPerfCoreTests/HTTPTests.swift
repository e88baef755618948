import Foundation
import Glibc
import Synchronization
import Testing

@testable import BondPerfCore

struct HTTPRequestTests {
  static func parse(_ text: String) throws(HTTPError) -> HTTPRequest {
    try HTTPRequest.parse(head: Array(text.utf8))
  }

  @Test func parsesARequest() throws {
    let request = try Self.parse(
      "GET /probe?target=far%2Dhost&time=5&x=a+b HTTP/1.1\r\nHost: h\r\n"
        + "Accept:  text/plain ;q=1 \r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n")
    #expect(request.method == "GET")
    #expect(request.path == "/probe")
    #expect(
      request.query == [
        .init("target", "far-host"), .init("time", "5"), .init("x", "a b"),
      ])
    #expect(request.header("ACCEPT") == "text/plain ;q=1")
    #expect(request.header("x-prometheus-scrape-timeout-seconds") == "10")
    #expect(try Self.parse("GET / HTTP/1.0\n\n").path == "/")
  }

  @Test(arguments: [
    ("", 400), ("GET\r\n\r\n", 400), ("GET /  HTTP/1.1\r\n\r\n", 400),
    ("GET / HTTP/2.0\r\n\r\n", 505), ("GET http://x/ HTTP/1.1\r\n\r\n", 400),
    ("G(T / HTTP/1.1\r\n\r\n", 400), ("GET /%zz HTTP/1.1\r\n\r\n", 400),
    ("GET /?a=%ff HTTP/1.1\r\n\r\n", 400), ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400),
    ("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400), ("GET / HTTP/1.1\r\nA b: c\r\n\r\n", 400),
    ("GET / HTTP/1.1\r\nA: b\u{1}\r\n\r\n", 400), ("GET / HTTP/1.1\r\nA: b\r\n", 400),
    ("GET /\(String(repeating: "a", count: 3000)) HTTP/1.1\r\n\r\n", 414),
    ("GET / HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 65) + "\r\n", 431),
  ])
  func refusesBadHeads(_ head: String, status: Int) {
    #expect(throws: HTTPError.self) { try Self.parse(head) }
    do {
      _ = try Self.parse(head)
    } catch {
      #expect(error.status == status, "\(error)")
    }
  }

  @Test func findsTheEndOfTheHead() {
    #expect(HTTPRequest.headLength(in: Array("GET / HTTP/1.1\r\n\r\nrest".utf8)) == 18)
    #expect(HTTPRequest.headLength(in: Array("GET / HTTP/1.1\n\n".utf8)) == 16)
    #expect(HTTPRequest.headLength(in: Array("GET / HTTP/1.1\r\nA: b\r\n".utf8)) == nil)
  }

  @Test func responseBytes() {
    let response = HTTPResponse(HTTPError(405, "no"), headers: [.init("Allow", "GET")])
    let text = String(decoding: response.bytes(), as: UTF8.self)
    #expect(
      text
        == "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: 3\r\nConnection: close\r\nAllow: GET\r\n\r\nno\n")
    #expect(!String(decoding: response.bytes(headOnly: true), as: UTF8.self).contains("no\n"))
  }
}

/// The exporter's routing, limits and probe answers, with a runner that needs no server.
struct ExporterTests {
  /// One request, answered on a thread of its own as the HTTP server answers it
  /// (a probe blocks its thread; the cooperative pool must stay free for the runner).
  static func get(_ exporter: Exporter, _ target: String, headers: [String: String] = [:])
    async throws -> HTTPResponse
  {
    var head = "GET \(target) HTTP/1.1\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    let request = try HTTPRequest.parse(head: Array((head + "\r\n").utf8))
    return await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: exporter.handle(request)) }.start()
    }
  }

  static let succeeding: Exporter.Runner = { _, _ in .document(MetricsTests.document) }

  @Test func probeAnswersWithTheTestsMetrics() async throws {
    let seen = Mutex<ProbeRequest?>(nil)
    let exporter = Exporter { probe, _ in
      seen.withLock { $0 = probe }
      return .document(MetricsTests.document)
    }
    let response = try await Self.get(
      exporter, "/probe?target=far&port=5202&parallel=4&time=2&calibrate=1")
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
    expected.calibrate = true
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
    ("/probe?target=h&calibrate=yes", 400, "calibrate must be 0 or 1"),
  ])
  func badRequestsGetOneClearLine(_ target: String, status: Int, words: String) async throws {
    let exporter = Exporter(runner: Self.succeeding)
    let response = try await Self.get(exporter, target)
    #expect(response.status == status)
    #expect(response.body.contains(words), "\(response.body)")
    #expect(response.body.filter { $0 == "\n" }.count == 1)
  }

  @Test func otherMethodsAreRefused() throws {
    let exporter = Exporter(runner: Self.succeeding)
    let request = try HTTPRequest.parse(head: Array("POST /probe HTTP/1.1\r\n\r\n".utf8))
    let response = exporter.handle(request)
    #expect(response.status == 405)
    #expect(response.headers == [.init("Allow", "GET, HEAD")])
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

/// The HTTP server on loopback: bad requests get one error each, and it keeps serving.
struct HTTPServerTests {
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
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while try socket.waitReadable(timeout: .seconds(10)) {
      let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
      if count == 0 { break }
      received += buffer[..<count]
    }
    return String(decoding: received, as: UTF8.self)
  }

  @Test func survivesBadRequests() async throws {
    let listener = try HTTPServer.listen(
      on: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: 0))
    var limits = HTTPServer.Limits()
    limits.headTimeout = .milliseconds(300)
    let server = try HTTPServer(listener: listener, limits: limits) { request, _ in
      HTTPResponse(body: "hello \(request.path)\n")
    }
    let port = try server.address.port
    let task = Task { try await server.run() }
    defer {
      server.stop()
      task.cancel()
    }
    #expect(
      try await Self.exchange(port, Array("\u{0}\u{1}garbage\r\n\r\n".utf8)).hasPrefix(
        "HTTP/1.1 400"))
    #expect(
      try await Self.exchange(port, [UInt8](repeating: 0x41, count: 20_000)).hasPrefix(
        "HTTP/1.1 431"))
    #expect(
      try await Self.exchange(port, Array("GET / HTTP/1.1\r\n".utf8)).hasPrefix("HTTP/1.1 408"))
    #expect(try await Self.exchange(port, []).hasPrefix("HTTP/1.1 408"))
    let good = try await Self.exchange(port, Array("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
    #expect(good.hasPrefix("HTTP/1.1 200 OK\r\n"))
    #expect(good.hasSuffix("\r\n\r\nhello /x\n"))
    let head = try await Self.exchange(port, Array("HEAD /x HTTP/1.1\r\n\r\n".utf8))
    #expect(head.hasSuffix("Connection: close\r\n\r\n"))
  }
}

import Foundation
import Glibc
import Testing

/// One HTTP GET to 127.0.0.1:`port`: the status and the body.
func e2eHTTPGet(_ port: UInt16, _ target: String, headers: [String: String] = [:]) throws -> (
  status: Int, body: String
) {
  let connection = try RawTCP(port: port)
  var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
  for (name, value) in headers { head += "\(name): \(value)\r\n" }
  try connection.send(Array((head + "\r\n").utf8))
  let (bytes, _) = connection.readUntilClosed(timeout: .seconds(60))
  let text = String(decoding: bytes, as: UTF8.self)
  guard let statusLine = text.split(separator: "\r\n").first,
    let status = Int(statusLine.split(separator: " ").dropFirst().first ?? ""),
    let split = text.range(of: "\r\n\r\n")
  else { throw E2EError("no HTTP response from 127.0.0.1:\(port)\(target): \(text)") }
  return (status, String(text[split.upperBound...]))
}

/// The value of the sample line `series` (name and labels as printed) in an exposition.
func e2eSample(_ text: String, _ series: String) -> Double? {
  for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
    return Double(line.dropFirst(series.count + 1))
  }
  return nil
}

/// `promtool check metrics` (Prometheus' own linter: text format, naming conventions)
/// on `text`; nil when it passes, else what it said.
func e2ePromtoolProblems(_ text: String) throws -> String? {
  let promtool = URL(fileURLWithPath: "/usr/bin/promtool")
  guard FileManager.default.isExecutableFile(atPath: promtool.path) else {
    throw E2EError("promtool is missing (apt-get install prometheus; scripts/setup does)")
  }
  let process = Process()
  process.executableURL = promtool
  process.arguments = ["check", "metrics"]
  let input = Pipe()
  let output = Pipe()
  process.standardInput = input
  process.standardOutput = output
  process.standardError = output
  try process.run()
  input.fileHandleForWriting.write(Data(text.utf8))
  try input.fileHandleForWriting.close()
  let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return process.terminationStatus == 0 && said.isEmpty ? nil : said
}

extension EndToEnd {
  /// `bondperf exporter`, `--prometheus FILE`, `--journal` and socket activation,
  /// against real processes (and a real Prometheus).
  @Suite(.serialized)
  struct PrometheusTests {
    /// Starts `bondperf exporter --listen 127.0.0.1:0` and returns it with its port.
    static func startExporter(_ arguments: [String] = []) async throws -> (ChildProcess, UInt16) {
      try await listening(
        try ChildProcess(
          try E2EBinaries.bondperf(), ["exporter", "--listen", "127.0.0.1:0"] + arguments))
    }

    /// Waits for an exporter's "exporter listening on 127.0.0.1:PORT" line and returns
    /// it with the port; kills it if the line never comes.
    static func listening(_ exporter: ChildProcess) async throws -> (ChildProcess, UInt16) {
      let marker = "exporter listening on 127.0.0.1:"
      do {
        try await exporter.waitForOutput(marker)
        let text = exporter.text()
        guard let range = text.range(of: marker),
          let port = UInt16(text[range.upperBound...].prefix { $0.isNumber })
        else { throw E2EError("no port in\n\(exporter.transcript)") }
        return (exporter, port)
      } catch {
        exporter.kill()
        throw error
      }
    }

    @Test(.timeLimit(.minutes(1)))
    func probeRunsATestAndTheExporterSurvivesBadRequests() async throws {
      let (server, serverPort) = try await e2eStartServer(.bondperf, ["--journal"])
      defer { server.kill() }
      let (exporter, port) = try await Self.startExporter()
      defer { exporter.kill() }

      let probe = try e2eHTTPGet(
        port, "/probe?target=127.0.0.1&port=\(serverPort)&parallel=2&time=1")
      #expect(probe.status == 200, "\(probe.body)")
      #expect(e2eSample(probe.body, "bondperf_probe_success") == 1, "\(probe.body)")
      let received = e2eSample(
        probe.body, "bondperf_received_bytes{target=\"127.0.0.1\",direction=\"upload\"}")
      #expect((received ?? 0) > 0, "\(probe.body)")
      #expect(
        e2eSample(probe.body, "bondperf_test_streams{target=\"127.0.0.1\"}") == 2)
      #expect(try e2ePromtoolProblems(probe.body) == nil)

      // Bad requests: one clear error each, and the exporter goes on.
      let missing = try e2eHTTPGet(port, "/probe")
      #expect(missing.status == 400 && missing.body.contains("missing target"))
      let raw = try RawTCP(port: port)
      try raw.send(Array("\u{0}\u{7f}not http\r\n\r\n".utf8))
      #expect(
        String(decoding: raw.readUntilClosed(timeout: .seconds(10)).bytes, as: UTF8.self)
          .hasPrefix("HTTP/1.1 400 "))
      let version = try RawTCP(port: port)
      try version.send(Array("GET /metrics HTTP/3.0\r\nConnection: close\r\n\r\n".utf8))
      #expect(
        String(decoding: version.readUntilClosed(timeout: .seconds(10)).bytes, as: UTF8.self)
          .hasPrefix("HTTP/1.1 505 "))
      let refused = try e2eHTTPGet(port, "/probe?target=127.0.0.1&port=\(try E2EClosedPort().port)")
      #expect(refused.status == 200)
      #expect(e2eSample(refused.body, "bondperf_probe_success") == 0, "\(refused.body)")
      #expect(refused.body.contains("bondperf_probe_failure{reason="), "\(refused.body)")

      let metrics = try e2eHTTPGet(
        port, "/metrics", headers: ["Accept": "application/openmetrics-text;version=1.0.0"])
      #expect(metrics.status == 200)
      #expect(metrics.body.hasSuffix("# EOF\n"))
      #expect(e2eSample(metrics.body, "bondperf_exporter_probes_total{result=\"success\"}") == 1)
      #expect(e2eSample(metrics.body, "bondperf_exporter_probes_total{result=\"failure\"}") == 1)
      #expect(
        e2eSample(metrics.body, "bondperf_exporter_requests_total{code=\"400\"}") == 1,
        "\(metrics.body)")
      #expect(exporter.isRunning)

      // The server's journal: one line for the probe's test, nothing on standard output.
      try await server.waitForOutput("bondperf: test from 127.0.0.1 port ")
      let lines = server.errorOutput.split(separator: "\n").filter { $0.contains(": test from") }
      #expect(lines.count == 1, "\(server.transcript)")
      #expect(lines.first?.contains(": 2 streams, upload, ") == true, "\(server.transcript)")
      #expect(lines.first?.contains("received ") == true, "\(server.transcript)")
      #expect(server.output.isEmpty, "\(server.transcript)")
    }

    @Test(.timeLimit(.minutes(1)))
    func clientWritesATextfileAtomically() async throws {
      let (server, serverPort) = try await e2eStartServer(.bondperf, ["--journal"])
      defer { server.kill() }
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "bondperf-textfile-\(getpid())")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let file = directory.appendingPathComponent("bondperf.prom").path
      let client = try ChildProcess(
        try E2EBinaries.bondperf(),
        [
          "-c", "127.0.0.1", "-p", "\(serverPort)", "-t", "1", "-P", "3", "-R", "--prometheus",
          file,
        ])
      defer { client.kill() }
      #expect(try await client.exitStatus(within: .seconds(20)) == 0, "\(client.transcript)")
      let text = try String(contentsOfFile: file, encoding: .utf8)
      #expect(e2eSample(text, "bondperf_test_success{target=\"127.0.0.1\"}") == 1, "\(text)")
      let received = e2eSample(
        text, "bondperf_received_bytes{target=\"127.0.0.1\",direction=\"download\"}")
      #expect((received ?? 0) > 0, "\(text)")
      #expect(try e2ePromtoolProblems(text) == nil)
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bondperf.prom"])

      // A test that cannot start still replaces the file: success 0.
      let closed = try E2EClosedPort()
      let failing = try ChildProcess(
        try E2EBinaries.bondperf(),
        ["-c", "127.0.0.1", "-p", "\(closed.port)", "-t", "1", "--prometheus", file])
      defer { failing.kill() }
      #expect(try await failing.exitStatus(within: .seconds(20)) == 1)
      let failed = try String(contentsOfFile: file, encoding: .utf8)
      #expect(e2eSample(failed, "bondperf_test_success{target=\"127.0.0.1\"}") == 0, "\(failed)")
    }

    /// The server on a listening socket it inherits as systemd passes it (fd 3,
    /// LISTEN_PID, LISTEN_FDS): a tiny launcher binds, then execs bondperf in its place.
    @Test(.timeLimit(.minutes(1)))
    func socketActivatedServerServesOnTheInheritedSocket() async throws {
      let launcher = """
        import os, socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        print("launcher bound %d" % s.getsockname()[1], file=sys.stderr, flush=True)
        if s.fileno() != 3:
            os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        env = dict(os.environ, LISTEN_PID=str(os.getpid()), LISTEN_FDS="1", LISTEN_FDNAMES="bondperf")
        os.execve(sys.argv[1], sys.argv[1:], env)
        """
      let bondperf = try E2EBinaries.bondperf()
      let server = try ChildProcess(
        URL(fileURLWithPath: "/usr/bin/python3"),
        ["-c", launcher, bondperf.path, "server", "-p", "1", "--journal"])
      defer { server.kill() }
      try await server.waitForOutput("launcher bound ")
      let port = try await server.listeningPort()
      #expect(server.text().contains("launcher bound \(port)\n"), "\(server.transcript)")
      for window in [["-w", "64K"], []] {
        let client = try ChildProcess(
          bondperf, ["-c", "127.0.0.1", "-p", "\(port)", "-t", "1", "-P", "2"] + window)
        defer { client.kill() }
        #expect(try await client.exitStatus(within: .seconds(20)) == 0, "\(client.transcript)")
      }
      _ = try await e2ePoll(within: .seconds(5)) {
        server.errorOutput.components(separatedBy: ": test from 127.0.0.1").count == 3
      }
      let tests = server.errorOutput.components(separatedBy: ": test from 127.0.0.1").count - 1
      #expect(tests == 2, "\(server.transcript)")
      #expect(server.isRunning)
    }

    /// Debian's Prometheus scrapes the exporter (the blackbox pattern's relabelling)
    /// and the series come back through its HTTP query API.
    @Test(.timeLimit(.minutes(2)))
    func realPrometheusScrapesTheExporter() async throws {
      let binary = "/usr/bin/prometheus"
      guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw E2EError("prometheus is missing (apt-get install prometheus; scripts/setup does)")
      }
      let (server, serverPort) = try await e2eStartServer(.bondperf, ["--journal"])
      defer { server.kill() }
      let (exporter, exporterPort) = try await Self.startExporter()
      defer { exporter.kill() }
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "bondperf-prometheus-\(getpid())")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let configuration = """
        global:
          scrape_interval: 3s
          scrape_timeout: 3s
        scrape_configs:
          - job_name: bondperf
            metrics_path: /probe
            params:
              port: ['\(serverPort)']
              time: ['1']
              parallel: ['2']
            static_configs:
              - targets: ['127.0.0.1']
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - source_labels: [__param_target]
                target_label: instance
              - target_label: __address__
                replacement: 127.0.0.1:\(exporterPort)
          - job_name: bondperf_exporter
            static_configs:
              - targets: ['127.0.0.1:\(exporterPort)']

        """
      let configurationFile = directory.appendingPathComponent("prometheus.yml")
      try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
      let webPort = try E2EPorts.probe()
      let prometheus = try ChildProcess(
        URL(fileURLWithPath: binary),
        [
          "--config.file=\(configurationFile.path)",
          "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
          "--web.listen-address=127.0.0.1:\(webPort)",
        ])
      defer { prometheus.kill() }

      /// The first result's value of an instant query, if it has one.
      func query(_ expression: String) -> Double? {
        let encoded =
          expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        guard let response = try? e2eHTTPGet(webPort, "/api/v1/query?query=\(encoded)"),
          response.status == 200,
          let json = try? JSONSerialization.jsonObject(with: Data(response.body.utf8))
            as? [String: Any],
          let data = json["data"] as? [String: Any],
          let result = data["result"] as? [[String: Any]],
          let value = result.first?["value"] as? [Any], value.count == 2,
          let text = value[1] as? String
        else { return nil }
        return Double(text)
      }
      // Both jobs' first scrapes: they are independent, so either may come first.
      let arrived = try await e2ePoll(within: .seconds(60), every: .milliseconds(500)) {
        query("bondperf_probe_success{job=\"bondperf\"}") == 1
          && query("up{job=\"bondperf_exporter\"}") == 1
      }
      #expect(
        arrived,
        "no bondperf_probe_success 1 or exporter scrape in Prometheus\n\(prometheus.transcript)")
      #expect(query("up{job=\"bondperf\"}") == 1)
      let bytes = query(
        "bondperf_received_bytes{job=\"bondperf\",instance=\"127.0.0.1\",direction=\"upload\"}")
      #expect((bytes ?? 0) > 0)
      #expect(query("count(bondperf_stream_received_bytes{job=\"bondperf\"})") == 2)
      // The exporter's own series, from its next scrape after the first probe.
      let counted = try await e2ePoll(within: .seconds(15), every: .milliseconds(500)) {
        (query("bondperf_exporter_probes_total{job=\"bondperf_exporter\",result=\"success\"}")
          ?? 0) >= 1
      }
      #expect(counted, "no bondperf_exporter_probes_total in Prometheus")
    }
  }
}

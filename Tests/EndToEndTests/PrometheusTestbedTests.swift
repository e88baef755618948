import Foundation
import Testing

/// Debian's Prometheus scraping `bondperf exporter` on the emulated bond (scripts/testbed):
/// the exporter and Prometheus in the client namespace, a bondperf server in the server
/// namespace, and the per-slave series of both hosts read back through Prometheus'
/// HTTP query API (issue 17).
///
/// Needs root, as the other testbed suites; its own namespaces, so it never disturbs theirs.
@Suite(
  .serialized,
  .enabled(
    if: TestbedSupport.isRoot,
    "SKIPPED: testbed tests need root (network namespaces); run as root, as CI does"))
struct PrometheusTestbedTests {
  static let environment: [String: String] = [
    "TESTBED_CLIENT_NS": "bpm-client", "TESTBED_SERVER_NS": "bpm-server",
    "TESTBED_STATE_DIR": "/run/bondperf-testbed-metrics",
  ]
  static let client = ["ip", "netns", "exec", "bpm-client"]
  static let server = ["ip", "netns", "exec", "bpm-server"]
  static let slaves = ["s0", "s1", "s2", "s3"]
  /// Prometheus' web port inside the client namespace (its own loopback).
  static let webPort = 9690

  /// One sample of an instant query's result: its labels and value.
  struct Sample {
    var labels: [String: String]
    var value: Double
  }

  /// An instant query through Prometheus' HTTP API, run inside the client namespace
  /// (Prometheus listens on that namespace's loopback); nil if it did not answer.
  static func query(_ expression: String) -> [Sample]? {
    let fetch = """
      import sys, urllib.parse, urllib.request
      url = "http://127.0.0.1:\(webPort)/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[1]})
      print(urllib.request.urlopen(url, timeout=5).read().decode())
      """
    guard
      let output = try? TestbedSupport.run(
        client + ["python3", "-c", fetch, expression], timeout: 20, environment: environment),
      output.status == 0,
      let json = try? TestbedSupport.json(output.stdout),
      json["status"] as? String == "success",
      let data = json["data"] as? [String: Any],
      let result = data["result"] as? [[String: Any]]
    else { return nil }
    return result.compactMap { row in
      guard let labels = row["metric"] as? [String: String],
        let pair = row["value"] as? [Any], pair.count == 2,
        let text = pair[1] as? String, let value = Double(text)
      else { return nil }
      return Sample(labels: labels, value: value)
    }
  }

  /// Starts the exporter in the client namespace on an ephemeral loopback port.
  static func startExporter() async throws -> (ChildProcess, UInt16) {
    let exporter = try ChildProcess(
      TestbedSupport.env,
      client + [
        TestbedSupport.binary, "exporter", "--listen", "127.0.0.1:0",
        "--bond-policy", "layer3+4", "--slaves", slaves.joined(separator: ","),
      ])
    return try await EndToEnd.PrometheusTests.listening(exporter)
  }

  static func configuration(serverPort: UInt16, exporterPort: UInt16) -> String {
    """
    global:
      scrape_interval: 3s
      scrape_timeout: 3s
    scrape_configs:
      - job_name: bondperf
        metrics_path: /probe
        params:
          port: ['\(serverPort)']
          time: ['1']
          parallel: ['4']
        static_configs:
          - targets: ['198.18.0.2']
        relabel_configs:
          - source_labels: [__address__]
            target_label: __param_target
          - source_labels: [__param_target]
            target_label: instance
          - target_label: __address__
            replacement: 127.0.0.1:\(exporterPort)

    """
  }

  @Test(.timeLimit(.minutes(3)))
  func prometheusReadsPerSlaveSeriesOfBothHosts() async throws {
    let binary = "/usr/bin/prometheus"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw E2EError("prometheus is missing (apt-get install prometheus; scripts/setup does)")
    }
    let up = try TestbedSupport.run(
      ["scripts/testbed", "up", "--slaves", "4", "--rate", "100mbit", "--policy", "layer3+4"],
      environment: Self.environment)
    try #require(up.status == 0, "testbed up failed: \(up.stderr)")
    defer {
      _ = try? TestbedSupport.run(["scripts/testbed", "down"], environment: Self.environment)
    }
    let server = try ChildProcess(
      TestbedSupport.env,
      Self.server + [TestbedSupport.binary, "-s", "--slaves", Self.slaves.joined(separator: ",")])
    defer { server.kill() }
    let serverPort = try await server.listeningPort()
    let (exporter, exporterPort) = try await Self.startExporter()
    defer { exporter.kill() }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bondperf-prometheus-testbed-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let configurationFile = directory.appendingPathComponent("prometheus.yml")
    try Self.configuration(serverPort: serverPort, exporterPort: exporterPort)
      .write(to: configurationFile, atomically: true, encoding: .utf8)
    let prometheus = try ChildProcess(
      TestbedSupport.env,
      Self.client + [
        binary, "--config.file=\(configurationFile.path)",
        "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
        "--web.listen-address=127.0.0.1:\(Self.webPort)",
      ])
    defer { prometheus.kill() }

    let arrived = try await e2ePoll(within: .seconds(60), every: .milliseconds(500)) {
      Self.query("bondperf_probe_success{job=\"bondperf\"}")?.first?.value == 1
    }
    try #require(
      arrived,
      "no bondperf_probe_success 1 in Prometheus\n\(prometheus.transcript)\n\(exporter.transcript)"
    )
    let used = Self.query("bondperf_slaves_used{job=\"bondperf\",instance=\"198.18.0.2\"}")
    #expect(used?.first?.value == Double(Self.slaves.count), "\(String(describing: used))")

    for host in ["client", "server"] {
      for metric in [
        "bondperf_slave_transmit_bytes_per_second", "bondperf_slave_receive_bytes_per_second",
      ] {
        let samples = try #require(Self.query("\(metric){job=\"bondperf\",host=\"\(host)\"}"))
        #expect(
          Set(samples.compactMap { $0.labels["slave"] }) == Set(Self.slaves),
          "\(metric) \(host): \(samples.map(\.labels))")
        #expect(samples.count == Self.slaves.count, "\(metric) \(host): \(samples.count) series")
      }
    }
    // Four pinned upload streams, one per slave: the client sends and the server
    // receives about a quarter of the bytes on each slave.
    for (host, metric) in [
      ("client", "bondperf_slave_transmit_bytes_per_second"),
      ("server", "bondperf_slave_receive_bytes_per_second"),
    ] {
      let samples = try #require(Self.query("\(metric){job=\"bondperf\",host=\"\(host)\"}"))
      let total = samples.map(\.value).reduce(0, +)
      #expect(total > 0, "\(metric) \(host) is all zero")
      for sample in samples {
        let share = sample.value / total
        #expect(share > 0.15 && share < 0.35, "\(host) \(sample.labels["slave"] ?? "?"): \(share)")
      }
    }
  }
}

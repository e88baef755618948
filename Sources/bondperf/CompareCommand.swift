import ArgumentParser
import BondPerfCore
import Foundation

extension Bondperf {
  struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "One stream, N streams on kernel-chosen ports, N pinned streams: the comparison table.",
      discussion: """
        Runs three tests one after another against the same server (bondperf -s or \
        iperf3 -s): (a) one stream, (b) N streams whose source ports the kernel picks, \
        (c) N streams pinned to slaves i mod n. Prints the table and per-slave rows; \
        --json writes one document with every phase's full -J result.
        """)

    @Option(name: [.customShort("c"), .customLong("client")], help: "The server's host name or address.")
    var host: String

    @Option(name: [.customShort("p"), .customLong("port")], help: "Server port.")
    var port: UInt16 = 5201

    @Option(name: [.customShort("P"), .customLong("parallel")], help: "Streams in the multi-stream phases (1-128).")
    var parallel: Int = 8

    @Option(name: [.customShort("t"), .customLong("time")], help: "Seconds per phase.")
    var time: Int = 10

    @Option(name: [.customShort("O"), .customLong("omit")], help: "Seconds to leave out at the start of each phase.")
    var omit: Int = 0

    @Option(help: "Rate of one slave (e.g. 100M, 10G) for the links' ceiling; default: the kernel's slave speeds.")
    var slaveRate: String?

    @Option(help: "A label for the Configuration column (default: slaves, rate, mode, policy).")
    var label: String?

    @Flag(help: "Print the comparison as one JSON document.")
    var json = false

    @Option(help: "Also write the JSON document to this file.")
    var output: String?

    @OptionGroup var bond: BondOptions

    func validate() throws {
      guard (1...128).contains(parallel) else {
        throw ValidationError("-P must be between 1 and 128, got \(parallel).")
      }
      guard (1...3600).contains(time) else {
        throw ValidationError("-t must be between 1 and 3600 seconds, got \(time).")
      }
      if let slaveRate, Units.parseRate(slaveRate) == nil {
        throw ValidationError("--slave-rate '\(slaveRate)' is not a rate; use e.g. 100M or 10G.")
      }
    }

    struct Phase {
      var name: String
      var title: String
      var streams: Int
      var noPin: Bool
    }

    func run() async throws {
      let phases = [
        Phase(name: "single", title: "Single stream", streams: 1, noPin: false),
        Phase(name: "kernel_ports", title: "\(parallel) streams (kernel ports)", streams: parallel, noPin: true),
        Phase(name: "pinned", title: "\(parallel) streams (pinned)", streams: parallel, noPin: false),
      ]
      let progress = OutputSink(file: json ? .standardError : .standardOutput)
      var results: [(Phase, TestRecord, JSONValue)] = []
      var description: BondDescription?
      for (index, phase) in phases.enumerated() {
        progress.line("[\(index + 1)/\(phases.count)] \(phase.title): \(time) s ...")
        var options = try TestOptions.parse(["-p", String(port), "-t", String(time), "-P", String(phase.streams), "-O", String(omit)])
        options.interval = 1
        var bondOptions = bond
        bondOptions.noPin = phase.noPin || bond.noPin
        var configuration = options.clientConfiguration(host: host)
        let quiet = OutputSink.discarding()
        let setup = try bondOptions.clientSetup(
          host: host, options: options, configuration: &configuration, sink: quiet)
        if description == nil { description = setup.description }
        let observer = SilentObserver()
        let client = BondPerfCore.Client(
          configuration: configuration, observer: observer, bond: setup)
        do {
          _ = try await client.run()
        } catch {
          throw ValidationErrorText("phase \(phase.name) failed: \(error)")
        }
        guard let record = observer.record else { throw ValidationErrorText("phase \(phase.name) produced no result") }
        let decorated = setup.decorate(record)
        let rate = CompareTable.received(record)
        progress.line("      \(Units.bitsPerSecond(rate)) received")
        results.append((phase, decorated, IperfJSON.document(decorated)))
        if index < phases.count - 1 { try await Task.sleep(for: .seconds(1)) }
      }
      let ceiling = ceilingBitsPerSecond(description)
      let configurationLabel = label ?? CompareTable.label(description, rate: slaveRate)
      let document = CompareTable.document(
        phases: results.map { ($0.0.name, $0.0.streams, $0.1, $0.2) }, ceiling: ceiling,
        label: configurationLabel, description: description)
      if let output {
        do {
          try Data((document.iperf3PrettyText + "\n").utf8).write(to: URL(fileURLWithPath: output))
        } catch {
          throw ValidationErrorText("cannot write --output \(output): \(error.localizedDescription)")
        }
      }
      if json {
        StandardStreams.writeOutput(document.iperf3PrettyText + "\n")
      } else {
        StandardStreams.writeOutput(
          CompareTable.render(
            label: configurationLabel, phases: results.map { ($0.0.title, $0.1) }, ceiling: ceiling,
            description: description))
      }
    }

    private func ceilingBitsPerSecond(_ description: BondDescription?) -> Double? {
      guard let description else { return nil }
      if let slaveRate, let rate = Units.parseRate(slaveRate) {
        return Double(rate) * Double(description.slaveCount)
      }
      guard !description.slaveNames.isEmpty else { return nil }
      var total = 0.0
      for name in description.slaveNames {
        let path = bond.sysfsRoot + "/class/net/\(name)/speed"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
          let mbps = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), mbps > 0
        else { return nil }
        total += mbps * 1_000_000
      }
      return total
    }
  }
}
